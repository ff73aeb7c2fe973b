import t from "tap";
import { TAG } from "./container_plan.ts";
import { execPlan, type ExecProcess } from "./exec_plan.ts";
import { CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS } from "./namespaces.ts";

const proc: ExecProcess = { args: ["sh", "-c", "true"], env: ["PATH=/bin"], cwd: "/tmp", user: { uid: 1000, gid: 1000 } };
const base = { userRoot: false, preserveFds: 0, lastCap: 40, grantable: (1n << 41n) - 1n, setgroups: true };
const names = (ops: { op: string }[]) => ops.map((o) => o.op);

t.test("namespaces: user first, the rest, cgroup, fork, root of the user namespace, mount last, then the process", async (t) => {
  const { ops } = execPlan(proc, {
    ...base, userRoot: true,
    namespaces: [{ type: "mount", fd: 7 }, { type: "uts", fd: 6 }, { type: "pid", fd: 5 }, { type: "user", fd: 4 }],
  });
  t.same(names(ops).slice(0, 9), ["setnsFd", "setnsFd", "setnsFd", "sync", "fork", "setsid", "setresgid", "setresuid", "setnsFd"]);
  t.match(ops[0], { op: "setnsFd", fd: 4, nstype: CLONE_NEWUSER });
  t.match(ops.slice(1, 3), [{ fd: 6, nstype: CLONE_NEWUTS }, { fd: 5, nstype: CLONE_NEWPID }]);
  t.match(ops[3], { op: "sync", tag: TAG.CGROUP });
  t.match(ops[6], { op: "setresgid", rgid: 0 });
  t.match(ops[7], { op: "setresuid", ruid: 0 });
  t.match(ops[8], { op: "setnsFd", fd: 7, nstype: CLONE_NEWNS });
  const chdir = ops.findIndex((o) => o.op === "chdir");
  t.ok(chdir > 8, "the cwd is resolved after joining the mount namespace");
  t.same(names(ops).slice(-3), ["resolveExec", "closeFrom", "exec"]);
  t.match(ops.at(-2), { op: "closeFrom", first: 3 });
  t.match(ops.at(-1), { op: "exec", argv: proc.args, env: proc.env });
  t.ok(ops.every((o) => o.desc?.step), "every op explains itself");
});

t.test("no user namespace: no uid change before the process's own", async (t) => {
  const { ops } = execPlan(proc, { ...base, namespaces: [{ type: "mount", fd: 4 }] });
  t.same(names(ops).slice(0, 5), ["sync", "fork", "setsid", "setnsFd", "chdir"]);
  t.notOk(ops.slice(0, 4).some((o) => o.op === "setresuid"));
});

t.test("oom_score_adj first, the terminal after the mount namespace, preserved fds kept", async (t) => {
  const { ops } = execPlan({ ...proc, oomScoreAdj: -500, terminal: true, consoleSize: { height: 24, width: 80 } }, {
    ...base, preserveFds: 2, consoleFd: 6, namespaces: [{ type: "mount", fd: 7 }],
  });
  t.match(ops[0], { op: "writeFile", path: "/proc/self/oom_score_adj", data: "-500" });
  const mnt = ops.findIndex((o) => o.op === "setnsFd");
  t.match(ops[mnt + 1], { op: "console", socketFd: 6, rows: 24, cols: 80, console: "" }, "no /dev/console for exec");
  t.match(ops.at(-2), { op: "closeFrom", first: 5 });
});

t.test("process errors name the field", async (t) => {
  t.throws(() => execPlan({ ...proc, args: [] }, { ...base, namespaces: [] }), /process\.args: must name the program/);
  t.throws(() => execPlan({ ...proc, cwd: "tmp" }, { ...base, namespaces: [] }), /process\.cwd: "tmp" must be an absolute path/);
});

t.test("the container's seccomp filter, loaded last; its agent connected before the mount namespace", async (t) => {
  const seccomp = {
    defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock",
    syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }, { names: ["chmod"], action: "SCMP_ACT_ERRNO" }],
  } as const;
  const { ops } = execPlan({ ...proc, noNewPrivileges: true }, { ...base, userRoot: true, namespaces: [{ type: "user", fd: 4 }, { type: "mount", fd: 5 }], seccomp: seccomp as never });
  const at = (name: string) => ops.findIndex((o) => o.op === name);
  t.ok(at("fork") < at("seccompListener") && at("seccompListener") < at("setresuid"), "after the fork (its pid), with the host uid");
  t.ok(at("seccompListener") < ops.findIndex((o) => o.op === "setnsFd" && o.fd === 5), "before the container's paths");
  t.same(names(ops).slice(-3), ["closeFrom", "seccomp", "exec"]);
  const plain = execPlan(proc, { ...base, namespaces: [], seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["chmod"], action: "SCMP_ACT_ERRNO" }] } as never });
  t.notOk(plain.ops.some((o) => o.op === "seccompListener"), "no agent without notify rules");
});
