// The plan's rootless parts: maps written while the helper is dumpable,
// no setgroups when the namespace denies it, devices bound and sysfs taken
// from the host in a user namespace.
import t from "tap";
import { containerPlan, TAG, type ContainerConfig, type HostFacts } from "./container_plan.ts";

const host: HostFacts = { lastCap: 40, bounding: (1n << 41n) - 1n };
const base = { fifoPath: "/run/x/exec.fifo", preserveFds: 0, noPivot: false, host };
const PR_SET_DUMPABLE = 4;

function config(edit?: (c: ContainerConfig) => void): ContainerConfig {
  const c: ContainerConfig = {
    root: { path: "/tmp" },
    process: { args: ["sh"], cwd: "/", user: { uid: 0, gid: 0 } },
    mounts: [
      { destination: "/dev", type: "tmpfs", source: "tmpfs" },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["ro"] },
    ],
    linux: {
      namespaces: [{ type: "user" }, { type: "mount" }, { type: "pid" }],
      uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
      gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
    },
  };
  edit?.(c);
  return c;
}
const plan = (c: ContainerConfig, opts: Partial<typeof base> & { setgroupsDenied?: boolean } = {}) =>
  containerPlan({ config: c, bundle: "/tmp", rootfs: "/tmp" }, { ...base, ...opts }).ops;

t.test("the helper is dumpable only while the runtime writes the maps", async (t) => {
  const ops = plan(config());
  const sync = ops.findIndex((o) => o.op === "sync" && o.tag === TAG.USERMAP);
  t.match(ops[sync - 1], { op: "prctl", option: PR_SET_DUMPABLE, args: [1] });
  t.match(ops[sync + 1], { op: "prctl", option: PR_SET_DUMPABLE, args: [0] });
  t.equal(ops[sync - 2]?.op, "unshare");
  t.equal(ops.filter((o) => o.op === "prctl" && o.option === PR_SET_DUMPABLE).length, 2);
  const none = plan(config((c) => (c.linux!.namespaces = [{ type: "mount" }])));
  t.notOk(none.some((o) => o.op === "prctl" && o.option === PR_SET_DUMPABLE), "no user namespace: untouched");
});

t.test("setgroups denied: no setgroups call, and additionalGids refused", async (t) => {
  t.ok(plan(config()).some((o) => o.op === "setgroups"));
  t.notOk(plan(config(), { setgroupsDenied: true }).some((o) => o.op === "setgroups"));
  t.throws(() => plan(config((c) => (c.process!.user.additionalGids = [10])), { setgroupsDenied: true }),
    /^process\.user\.additionalGids: the user namespace denies setgroups/);
});

t.test("the runtime in a user namespace: devices bound, sysfs from the host", async (t) => {
  const c = config((c) => (c.linux!.namespaces = [{ type: "mount" }, { type: "pid" }]));
  const root = plan(c);
  t.ok(root.some((o) => o.op === "mknod" && o.path === "/dev/null" && o.mode !== 0o100644), "the host's root: devices are made");
  t.ok(root.some((o) => o.op === "mount" && o.fstype === "sysfs"));
  const inNs = plan(c, { host: { ...host, userns: true } });
  t.ok(inNs.some((o) => o.op === "mount" && o.source === "/dev/null" && o.target === "/dev/null"), "a device is a bind of the host's");
  t.notOk(inNs.some((o) => o.op === "mount" && o.fstype === "sysfs"), "no fresh sysfs without a network namespace of its own");
  t.ok(inNs.some((o) => o.op === "mount" && o.source === "/sys" && o.target === "/sys"));
});
