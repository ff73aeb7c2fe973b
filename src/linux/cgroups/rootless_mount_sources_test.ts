import t from "tap";
import { cgroupLayout } from "./cgroup_layout.ts";
import { rootlessMountSources } from "./rootless_mount_sources.ts";

const HYBRID = cgroupLayout(`31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
36 31 0:33 /outer /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw`);
const SELF = "5:memory:/user.slice/u1000\n4:pids:/elsewhere\n1:name=systemd:/user.slice/u1000/session\n0::/user.slice/u1000/session\n";
const planned = {
  "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/rongqi-1/web",
  "/sys/fs/cgroup/pids": "/sys/fs/cgroup/pids/rongqi-1/web",
  "/sys/fs/cgroup/systemd": "/sys/fs/cgroup/systemd/rongqi-1/web",
  "/sys/fs/cgroup/unified": "/sys/fs/cgroup/unified/rongqi-1/web",
};

t.test("not rootless: the planned directories", async (t) => {
  t.equal(rootlessMountSources(planned, { rootless: false, canMake: () => false }), planned);
});

t.test("rootless: a cgroup that cannot be made is replaced by the runtime's own", async (t) => {
  const out = rootlessMountSources(planned, {
    rootless: true, layout: HYBRID, selfCgroup: SELF, canMake: (d) => d.includes("/systemd/"),
  });
  t.same(out, {
    "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/user.slice/u1000",
    "/sys/fs/cgroup/pids": "/sys/fs/cgroup/pids",
    "/sys/fs/cgroup/systemd": "/sys/fs/cgroup/systemd/rongqi-1/web",
    "/sys/fs/cgroup/unified": "/sys/fs/cgroup/unified/user.slice/u1000/session",
  }, "pids: the runtime's cgroup is outside the mounted subtree, so the mount's root");
});

t.test("rootless on this host: an unwritable hierarchy falls back, the own cgroup exists", async (t) => {
  const out = rootlessMountSources({ "/sys/fs/cgroup/unified": "/sys/fs/cgroup/unified/no/such/cgroup" }, { rootless: true, canMake: () => false });
  t.ok(Object.values(out).every((d) => !d.includes("no/such")));
});
