import t from "tap";
import { cgroupLayout, processCgroups } from "./cgroup_layout.ts";

const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
50 31 0:39 / /tmp/elsewhere rw,relatime - cgroup cgroup rw,net_cls`;

t.test("a hybrid host: v1 hierarchies by subsystem, and the cgroup2 mount", async (t) => {
  const l = cgroupLayout(HYBRID);
  t.equal(l.version, 1);
  t.same(l.v1["cpu"], { mount: "/sys/fs/cgroup/cpu,cpuacct", root: "/" });
  t.equal(l.v1["cpuacct"]?.mount, "/sys/fs/cgroup/cpu,cpuacct", "co-mounted subsystems share the mount");
  t.equal(l.v1["cpuset"]?.mount, "/sys/fs/cgroup/cpuset", "options that are not subsystems are ignored");
  t.equal(l.v1["name=systemd"]?.mount, "/sys/fs/cgroup/systemd");
  t.notOk(l.v1["net_cls"], "mounts outside /sys/fs/cgroup are not used");
  t.same(l.unified, { mount: "/sys/fs/cgroup/unified", root: "/" });
  t.same(Object.keys(l.v1).sort(), ["cpu", "cpuacct", "cpuset", "memory", "name=systemd"]);
});

t.test("a unified host: version 2", async (t) => {
  const l = cgroupLayout("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot");
  t.same(l, { version: 2, v1: {}, unified: { mount: "/sys/fs/cgroup", root: "/" } });
});

t.test("a v1-only host and a bind-mounted subtree", async (t) => {
  const l = cgroupLayout("35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory");
  t.same(l, { version: 1, v1: { memory: { mount: "/sys/fs/cgroup/memory", root: "/docker/abc" } } });
});

t.test("this host's layout is read from /proc/self/mountinfo", async (t) => {
  const l = cgroupLayout();
  t.ok(l.version === 1 || l.version === 2);
  t.ok(l.unified || Object.keys(l.v1).length, "some cgroup hierarchy is mounted");
});

t.test("processCgroups reads /proc/PID/cgroup", async (t) => {
  t.same(processCgroups("9:name=systemd:/a\n4:cpu,cpuacct:/b\n0::/c\n"), { "name=systemd": "/a", cpu: "/b", cpuacct: "/b", "": "/c" });
});
