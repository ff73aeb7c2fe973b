import t from "tap";
import { PR_SET_NO_NEW_PRIVS } from "./capabilities.ts";
import { DEFAULT_PATH, processOps, type LsmFacts, type ProcessSpec } from "./process_ops.ts";

const proc: ProcessSpec = { args: ["app"], cwd: "/srv", user: { uid: 0, gid: 0 }, env: ["A=1"] };
const opts = { lastCap: 40, grantable: (1n << 41n) - 1n, setgroups: true };
const none: LsmFacts = { selinux: false, apparmor: false, apparmorExecAttr: "/proc/thread-self/attr/exec" };
const both: LsmFacts = { selinux: true, apparmor: true, apparmorExecAttr: "/proc/thread-self/attr/apparmor/exec" };

t.test("order: rlimits, cwd, identity, no_new_privs, executable", async (t) => {
  const { ops } = processOps({ ...proc, rlimits: [{ type: "RLIMIT_NOFILE", soft: 10, hard: 20 }], noNewPrivileges: true }, opts);
  const names = ops.map((o) => o.op);
  t.equal(names[0], "setrlimit");
  t.equal(names[1], "chdir");
  t.ok(names.indexOf("capset") < names.findIndex((n, i) => n === "prctl" && (ops[i] as { option: number }).option === PR_SET_NO_NEW_PRIVS));
  t.match(ops.at(-1), { op: "resolveExec", file: "app", path: DEFAULT_PATH }, "no PATH in env: the default");
  t.match(processOps({ ...proc, env: ["PATH=/a", "PATH=/b"] }, opts).ops.at(-1), { path: "/b" }, "the last PATH wins");
  t.ok(ops.some((o) => o.op === "setgroups"), "setgroups when allowed");
  t.notOk(processOps(proc, { ...opts, setgroups: false }).ops.some((o) => o.op === "setgroups"), "none when denied");
});

t.test("SELinux label and AppArmor profile: written where enabled, refused where not", async (t) => {
  const labelled = { ...proc, selinuxLabel: "system_u:system_r:container_t:s0", apparmorProfile: "prof" };
  const { ops } = processOps(labelled, { ...opts, lsm: both });
  const se = ops.findIndex((o) => o.op === "writeFile" && o.path === "/proc/thread-self/attr/exec");
  const aa = ops.findIndex((o) => o.op === "writeFile" && o.path === both.apparmorExecAttr);
  const capset = ops.findIndex((o) => o.op === "capset");
  t.match(ops[se], { data: "system_u:system_r:container_t:s0" });
  t.match(ops[aa], { data: "exec prof" });
  t.ok(se < capset && capset < aa, "the SELinux label before the user change, the AppArmor profile after (as runc)");
  t.throws(() => processOps({ ...proc, selinuxLabel: "x" }, { ...opts, lsm: none }), /process\.selinuxLabel: "x" is set, but SELinux is not enabled on this host/);
  t.throws(() => processOps({ ...proc, apparmorProfile: "p" }, { ...opts, lsm: none }), /process\.apparmorProfile: "p" is set, but AppArmor is not enabled on this host/);
});

t.test("capabilities that cannot be granted are warnings", async (t) => {
  const { warnings } = processOps({ ...proc, capabilities: { bounding: ["CAP_NOPE", "CAP_SYS_ADMIN"] } }, { ...opts, grantable: 0n });
  t.match(warnings, [/unknown capability "CAP_NOPE"/, /CAP_SYS_ADMIN cannot be granted/]);
});
