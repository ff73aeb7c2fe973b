import t from "tap";
import { MS_BIND, MS_RDONLY, MS_REMOUNT, parseMountOptions } from "../mount_options.ts";
import { cgroupMountOps, hostCgroupMounts } from "./cgroup_mount.ts";

const HYBRID = hostCgroupMounts(`31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw`);
const V2 = hostCgroupMounts("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate");
const ro = parseMountOptions(["ro", "nosuid"]);

t.test("with a cgroup namespace: each hierarchy mounted, showing the namespace's root", async (t) => {
  const ops = cgroupMountOps("/sys/fs/cgroup", ro, "mounts[6]", HYBRID);
  t.same(ops.map((o) => o.op === "mount" && [o.target, o.fstype, o.data]), [
    ["/sys/fs/cgroup", "tmpfs", "mode=755"],
    ["/sys/fs/cgroup/memory", "cgroup", "memory"],
    ["/sys/fs/cgroup/systemd", "cgroup", "name=systemd"],
    ["/sys/fs/cgroup/unified", "cgroup2", ""],
    ["/sys/fs/cgroup", "", ""],
  ]);
});

t.test("without one: the container's own directories are bind-mounted", async (t) => {
  const own = {
    "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/rongqi/web",
    "/sys/fs/cgroup/unified": "/sys/fs/cgroup/unified/rongqi/web",
  };
  const ops = cgroupMountOps("/sys/fs/cgroup", ro, "mounts[6]", HYBRID, own);
  const mounts = ops.filter((o) => o.op === "mount") as Extract<(typeof ops)[number], { op: "mount" }>[];
  const memory = mounts.filter((o) => o.target === "/sys/fs/cgroup/memory");
  t.equal(memory[0]?.source, "/sys/fs/cgroup/memory/rongqi/web");
  t.equal(memory[0]?.flags, MS_BIND);
  t.ok(memory[1]!.flags & MS_REMOUNT && memory[1]!.flags & MS_RDONLY, "then made read-only");
  t.equal(mounts.find((o) => o.target === "/sys/fs/cgroup/unified")?.source, "/sys/fs/cgroup/unified/rongqi/web");
  t.equal(mounts.find((o) => o.target === "/sys/fs/cgroup/systemd")?.fstype, "cgroup", "a hierarchy without a directory of its own is mounted");
  const v2 = cgroupMountOps("/sys/fs/cgroup", ro, "mounts[6]", V2, { "/sys/fs/cgroup": "/sys/fs/cgroup/rongqi/web" });
  t.same(v2.map((o) => o.op === "mount" && [o.source, o.target]), [["/sys/fs/cgroup/rongqi/web", "/sys/fs/cgroup"], ["", "/sys/fs/cgroup"]]);
});
