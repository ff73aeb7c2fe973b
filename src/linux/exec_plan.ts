/**
 * The plan of `exec`: a new process inside a running (or created)
 * container, as the ordered helper operations (native/PROTOCOL.md). Read
 * top to bottom, this is what `rongqi exec` does to the kernel:
 *
 *  1. join the container's user namespace first (with fds the runtime
 *     opened from /proc/<init>/ns/*);
 *  2. join its other namespaces but the mount namespace;
 *  3. wait while the runtime puts the helper in the container's cgroup;
 *  4. fork: the child is in the container's pid (and time) namespace;
 *     start a new session (oom_score_adj was set first of all, as the
 *     host's root); connect to the seccomp agent (a host path) if the
 *     container's filter notifies one; become root of the user namespace
 *     when uid 0 is mapped there;
 *  5. join the mount namespace last: root and cwd become the container's
 *     root, so every later path (the cwd, /dev/ptmx, the executable) is
 *     resolved inside the container, never on the host;
 *  6. the terminal (process.terminal): a pty from the container's devpts;
 *  7. the container's personality, the process's scheduling and attributes
 *     (process_ops.ts, shared with create);
 *  8. close every fd but stdio and preserved ones, load the container's
 *     seccomp filter (linux.seccomp, as runc applies it to exec), execve.
 *
 * @example
 * ```ts
 * const { ops } = execPlan(proc, { namespaces: [{ type: "user", fd: 5 }, { type: "mount", fd: 6 }], userRoot: true, preserveFds: 0, lastCap: 40, grantable: all, setgroups: true });
 * ```
 */
import { execCpuAffinityOps, type ExecCpuAffinity } from "./exec_cpu_affinity.ts";
import type { IOPriority, Personality, Scheduler, Seccomp } from "../spec/types/config.ts";
import { TAG } from "./container_plan.ts";
import { NAMESPACE_KINDS, type NamespaceType } from "./namespaces.ts";
import type { Op } from "./process/protocol.ts";
import { processOps, type LsmFacts, type ProcessSpec } from "./process_ops.ts";
import { seccompListenerOp, seccompOps } from "./seccomp/seccomp_ops.ts";
import { personalityOps } from "./security/personality_op.ts";
import { schedulingOps } from "./security/scheduling_ops.ts";
import { consoleOp, type ConsoleSize } from "./terminal_ops.ts";

export interface ExecProcess extends ProcessSpec {
  terminal?: boolean;
  consoleSize?: ConsoleSize;
  oomScoreAdj?: number;
  ioPriority?: IOPriority;
  scheduler?: Scheduler;
  execCPUAffinity?: ExecCpuAffinity;
}

export interface ExecPlanOptions {
  /** the namespaces to join, each as the helper's fd of /proc/<init>/ns/<kind> (any order) */
  namespaces: readonly { type: NamespaceType; fd: number }[];
  /** uid and gid 0 are mapped in the joined user namespace: become its root before the rest */
  userRoot: boolean;
  /** the helper's fd of the console socket (process.terminal) */
  consoleFd?: number;
  preserveFds: number;
  lastCap: number;
  /** capabilities the process may get: all in the container's own user namespace, else the runtime's bounding set */
  grantable: bigint;
  /** false when the user namespace's setgroups is "deny" */
  setgroups: boolean;
  lsm?: LsmFacts;
  /** the container's linux.seccomp: the exec'd process gets the same filter (as in runc) */
  seccomp?: Seccomp;
  /** the container's linux.personality */
  personality?: Personality;
}

const RANK: Record<NamespaceType, number> = { user: 0, ipc: 1, uts: 1, network: 1, cgroup: 1, pid: 1, time: 1, mount: 2 };

export function execPlan(proc: ExecProcess, opts: ExecPlanOptions): { ops: Op[]; warnings: string[] } {
  const ops: Op[] = [];
  const join = (type: NamespaceType, fd: number): Op => ({
    op: "setnsFd", fd, nstype: NAMESPACE_KINDS[type].flag,
    desc: { step: `join the container's ${type} namespace`, path: `/proc/<init>/ns/${NAMESPACE_KINDS[type].proc}`, syscall: "setns" },
  });
  const sorted = [...opts.namespaces].sort((a, b) => RANK[a.type] - RANK[b.type]);
  const mount = sorted.filter((n) => n.type === "mount");

  // 0. oom_score_adj while the helper is still the host's root (lowering it
  // needs CAP_SYS_RESOURCE there); the fork below inherits it.
  if (proc.oomScoreAdj !== undefined) {
    ops.push({ op: "writeFile", path: "/proc/self/oom_score_adj", data: String(proc.oomScoreAdj), desc: { step: `set oom_score_adj ${proc.oomScoreAdj}`, field: "process.oomScoreAdj", path: "/proc/self/oom_score_adj", syscall: "write" } });
  }
  // 1-2. user first (its capabilities let us join the rest), mount last.
  for (const n of sorted) if (n.type !== "mount") ops.push(join(n.type, n.fd));
  // 3. the cgroup, before the fork so the child starts in it, with the CPU
  // affinity asked for before and after the move.
  const affinity = execCpuAffinityOps(proc.execCPUAffinity);
  ops.push(...affinity.before);
  ops.push({ op: "sync", tag: TAG.CGROUP, desc: { step: "join the container's cgroup" } });
  ops.push(...affinity.after);
  // 4. pid and time namespaces apply to children only.
  ops.push({ op: "fork", desc: { step: "fork the process in the container's pid namespace", syscall: "fork" } });
  ops.push({ op: "setsid", desc: { step: "start a new session", syscall: "setsid" } });
  // The seccomp agent's socket is a host path, and the process still has the
  // host's uid: connected here (it records the pid from the host's /proc).
  const listener = opts.seccomp ? seccompListenerOp(opts.seccomp) : undefined;
  if (listener) ops.push(listener);
  if (opts.userRoot) {
    ops.push({ op: "setresgid", rgid: 0, egid: 0, sgid: 0, desc: { step: "become gid 0 in the user namespace", syscall: "setresgid" } });
    ops.push({ op: "setresuid", ruid: 0, euid: 0, suid: 0, desc: { step: "become uid 0 in the user namespace", syscall: "setresuid" } });
  }
  // 5. from here on every path is the container's.
  for (const n of mount) ops.push(join(n.type, n.fd));
  // 6. the terminal.
  if (opts.consoleFd !== undefined) ops.push(consoleOp(opts.consoleFd, proc.consoleSize, { devConsole: false }));
  // 7. the process, with the container's seccomp filter loaded last.
  const p = processOps(proc, { lastCap: opts.lastCap, grantable: opts.grantable, setgroups: opts.setgroups, lsm: opts.lsm });
  ops.push(...personalityOps(opts.personality), ...schedulingOps(proc));
  const filter = opts.seccomp ? seccompOps(opts.seccomp, p.ops, { noNewPrivileges: proc.noNewPrivileges === true }) : undefined;
  ops.push(...(filter?.process ?? p.ops));
  // 8. exec.
  ops.push({ op: "closeFrom", first: 3 + opts.preserveFds, desc: { step: "close the runtime's fds", syscall: "close_range" } });
  ops.push(...(filter?.load ?? []));
  ops.push({ op: "exec", argv: proc.args!, env: proc.env ?? [], desc: { step: `execute ${proc.args![0]}`, field: "process.args", path: proc.args![0]!, syscall: "execve" } });
  return { ops, warnings: p.warnings };
}
