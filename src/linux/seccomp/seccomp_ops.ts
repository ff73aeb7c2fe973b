/**
 * Where `linux.seccomp` goes in a container's plan.
 *
 * The filter is loaded as late as possible: after `start` released the
 * process, after the startContainer hooks and after the runtime's fds were
 * marked close-on-exec, right before execve, so none of the runtime's own
 * setup calls meets it. Loading a filter needs no_new_privs or
 * CAP_SYS_ADMIN. When `noNewPrivileges` is false and the process's
 * effective capabilities lack CAP_SYS_ADMIN, the process keeps
 * CAP_SYS_ADMIN (effective and permitted) past its capset until the filter
 * is loaded, and a second capset right after the filter sets the
 * configured capabilities; the filter then sees that capset and execve
 * (runc loads such a filter before all of its capability and user changes).
 *
 * With SCMP_ACT_NOTIFY, the agent's socket at `listenerPath` is connected
 * before pivot_root (it is a host path) and the listener fd goes to it with
 * the container process state when the filter is loaded (see
 * native/PROTOCOL.md, SECCOMP_LISTENER): the agent hears from the container
 * at `start`.
 *
 * @example
 * ```ts
 * const listener = seccompListenerOp(config.linux.seccomp);   // before pivot_root, or undefined
 * const s = seccompOps(config.linux.seccomp, processOps, { noNewPrivileges: false });
 * ops.push(...s.process);      // instead of processOps
 * ops.push(...s.load);         // last before exec
 * ```
 */
import { log } from "../../log.ts";
import type { Seccomp } from "../../spec/types/config.ts";
import { SPEC_VERSION } from "../../version.ts";
import type { Op } from "../process/protocol.ts";
import { compileSeccomp, type CompileOptions } from "./compile_seccomp.ts";

/** CAP_SYS_ADMIN as a capability mask bit. */
const CAP_SYS_ADMIN = 1n << 21n;

/** The container process state's start (config-linux.md): the helper adds pid and state. */
function statePrefix(s: Seccomp): string {
  const head = `{"ociVersion":${JSON.stringify(SPEC_VERSION)},"fds":["seccompFd"]`;
  return s.listenerMetadata !== undefined ? `${head},"metadata":${JSON.stringify(s.listenerMetadata)}` : head;
}

/** SECCOMP_LISTENER, for a filter that notifies: to go before pivot_root. */
export function seccompListenerOp(s: Seccomp | undefined): Op | undefined {
  if (!s?.listenerPath || !(s.syscalls ?? []).some((r) => r.action === "SCMP_ACT_NOTIFY")) return undefined;
  return {
    op: "seccompListener", path: s.listenerPath, prefix: statePrefix(s),
    desc: { step: `connect to the seccomp agent at ${s.listenerPath}`, field: "linux.seccomp.listenerPath", path: s.listenerPath, syscall: "connect" },
  };
}

export interface SeccompOps {
  /** the process's operations, with CAP_SYS_ADMIN held until the filter is loaded when that is needed */
  process: Op[];
  /** the filter, then (when CAP_SYS_ADMIN was held) the configured capabilities: last before exec */
  load: Op[];
  /** instructions in the filter */
  length: number;
}

export function seccompOps(s: Seccomp, processOps: readonly Op[], opts: { noNewPrivileges: boolean } & CompileOptions): SeccompOps {
  const c = compileSeccomp(s, opts);
  if (c.unknown.length) log.debug(`linux.seccomp: system calls this host does not know are skipped: ${c.unknown.join(", ")}`);
  const load: Op = {
    op: "seccomp", flags: c.flags, filter: c.filter,
    desc: { step: `load the seccomp filter (${c.length} instructions)`, field: "linux.seccomp", syscall: "seccomp(SECCOMP_SET_MODE_FILTER)" },
  };
  const capset = processOps.find((o) => o.op === "capset");
  if (opts.noNewPrivileges || !capset || capset.op !== "capset" || capset.effective & CAP_SYS_ADMIN) {
    return { process: [...processOps], load: [load], length: c.length };
  }
  const held: Op = {
    ...capset,
    effective: capset.effective | CAP_SYS_ADMIN,
    permitted: capset.permitted | CAP_SYS_ADMIN,
    desc: { step: "set capabilities, keeping CAP_SYS_ADMIN until the seccomp filter is loaded", field: "process.capabilities", syscall: "capset" },
  };
  const final: Op = { ...capset, desc: { step: "set capabilities (after the seccomp filter)", field: "process.capabilities", syscall: "capset" } };
  return { process: processOps.map((o) => (o === capset ? held : o)), load: [load, final], length: c.length };
}
