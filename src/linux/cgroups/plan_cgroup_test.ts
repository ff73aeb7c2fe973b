import t from "tap";
import { cgroupLayout } from "./cgroup_layout.ts";
import { cgroupMountSources, defaultCgroupsPath, planCgroup } from "./plan_cgroup.ts";

const HYBRID = cgroupLayout(`32 31 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
33 31 0:30 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw`);
const V2 = cgroupLayout("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw");

t.test("absent: /rongqi/<id> for the default root, a per-root parent otherwise", async (t) => {
  t.same(planCgroup({ id: "web", layout: V2 }), {
    version: 2, dirs: { unified: "/sys/fs/cgroup/rongqi/web" }, unifiedMount: "/sys/fs/cgroup", created: [],
  });
  t.equal(defaultCgroupsPath("web", "/run/rongqi"), "/rongqi/web");
  t.match(defaultCgroupsPath("web", "/tmp/x/state"), /^\/rongqi-[0-9a-f]{8}\/web$/);
  t.not(defaultCgroupsPath("web", "/tmp/x"), defaultCgroupsPath("web", "/tmp/y"), "two roots, two cgroups");
  t.equal(defaultCgroupsPath("web", "/tmp/x"), defaultCgroupsPath("web", "/tmp/x/"), "the same root, the same cgroup");
});

t.test("absolute: under every hierarchy's mount point, the hybrid cgroup2 one too", async (t) => {
  const r = planCgroup({ id: "x", cgroupsPath: "/k8s//pod/c1/", layout: HYBRID });
  t.equal(r.version, 1);
  t.same(r.dirs, {
    memory: "/sys/fs/cgroup/memory/k8s/pod/c1", pids: "/sys/fs/cgroup/pids/k8s/pod/c1", unified: "/sys/fs/cgroup/unified/k8s/pod/c1",
  });
  t.equal(r.unifiedMount, "/sys/fs/cgroup/unified");
});

t.test("relative: under the runtime's own cgroup, hierarchy by hierarchy", async (t) => {
  const r = planCgroup({ id: "x", cgroupsPath: "sub/c1", layout: HYBRID, selfCgroup: "4:memory:/user/me\n3:pids:/\n0::/session" });
  t.same(r.dirs, {
    memory: "/sys/fs/cgroup/memory/user/me/sub/c1", pids: "/sys/fs/cgroup/pids/sub/c1", unified: "/sys/fs/cgroup/unified/session/sub/c1",
  });
  const bound = cgroupLayout("35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory");
  t.same(planCgroup({ id: "x", cgroupsPath: "c1", layout: bound, selfCgroup: "4:memory:/docker/abc/inner" }).dirs,
    { memory: "/sys/fs/cgroup/memory/inner/c1" }, "a bind-mounted subtree is accounted for");
  t.throws(() => planCgroup({ id: "x", cgroupsPath: "c1", layout: bound, selfCgroup: "4:memory:/elsewhere" }), /is not under the mounted \/docker\/abc/);
});

t.test("refused paths", async (t) => {
  t.throws(() => planCgroup({ id: "x", cgroupsPath: "/a/../../etc", layout: V2 }), /linux.cgroupsPath: .* \.\. component/);
  t.throws(() => planCgroup({ id: "x", cgroupsPath: "/", layout: V2 }), /names the root cgroup/);
  t.throws(() => planCgroup({ id: "x", cgroupsPath: "c", layout: HYBRID, selfCgroup: "0::/" }), /no memory cgroup to start from/);
});

t.test("mount sources for a cgroup mount without a cgroup namespace", async (t) => {
  const r = planCgroup({ id: "x", cgroupsPath: "/a/x", layout: HYBRID });
  t.same(cgroupMountSources(r, HYBRID), {
    "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/a/x", "/sys/fs/cgroup/pids": "/sys/fs/cgroup/pids/a/x", "/sys/fs/cgroup/unified": "/sys/fs/cgroup/unified/a/x",
  });
  t.same(cgroupMountSources(planCgroup({ id: "x", layout: V2 }), V2), { "/sys/fs/cgroup": "/sys/fs/cgroup/rongqi/x" });
});
