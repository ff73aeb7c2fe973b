/**
 * linux.seccomp rules a schema cannot say (config-linux.md, Seccomp):
 * errnoRet and defaultErrnoRet only go with actions that return an errno
 * (SCMP_ACT_ERRNO, SCMP_ACT_TRACE): otherwise "the runtime MUST print and
 * error and fail"; SCMP_ACT_NOTIFY needs listenerPath (where else would the
 * notifications go) and cannot be the default action (the runtime's own
 * system calls after loading the filter would wait for an agent). A default
 * kill with no rules is allowed but kills the process at its first system
 * call: a warning.
 *
 * @example
 * ```ts
 * import { checkSeccomp } from "./seccomp.ts";
 * checkSeccomp({ ociVersion: "1.3.0", root: { path: "r" }, linux: { seccomp: {
 *   defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 1 } } });
 * // [{ pointer: "/linux/seccomp/defaultErrnoRet", message: "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" }]
 * ```
 */
import { pointer, problem, warning, type Problem } from "../problem.ts";
import type { Config, SeccompAction } from "../types/config.ts";

const WITH_ERRNO: readonly SeccompAction[] = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"];
const KILLS: readonly SeccompAction[] = ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"];
const ACTIONS: readonly string[] = [...WITH_ERRNO, ...KILLS, "SCMP_ACT_TRAP", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"];
/** Whether errnoRet next to `action` is wrong (an unknown action is the schema's to report). */
const errnoMisplaced = (action: SeccompAction) => ACTIONS.includes(action) && !WITH_ERRNO.includes(action);

export function checkSeccomp(config: Config): Problem[] {
  const s = config.linux?.seccomp;
  if (!s) return [];
  const out: Problem[] = [];
  const errnoMismatch = (action: SeccompAction) => `only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not ${action}`;
  if (s.defaultErrnoRet !== undefined && errnoMisplaced(s.defaultAction)) {
    out.push(problem("/linux/seccomp/defaultErrnoRet", errnoMismatch(s.defaultAction)));
  }
  if (s.defaultAction === "SCMP_ACT_NOTIFY") {
    out.push(problem("/linux/seccomp/defaultAction", "SCMP_ACT_NOTIFY cannot be the default action: use it in syscalls rules"));
  }
  let notifies = false;
  s.syscalls?.forEach((rule, i) => {
    if (rule.errnoRet !== undefined && errnoMisplaced(rule.action)) {
      out.push(problem(pointer("linux", "seccomp", "syscalls", i, "errnoRet"), errnoMismatch(rule.action)));
    }
    if (rule.action === "SCMP_ACT_NOTIFY") notifies = true;
  });
  if ((notifies || s.defaultAction === "SCMP_ACT_NOTIFY") && !s.listenerPath) {
    out.push(problem("/linux/seccomp/listenerPath", "is required when an action is SCMP_ACT_NOTIFY"));
  }
  if (KILLS.includes(s.defaultAction) && (s.syscalls ?? []).length === 0) {
    out.push(
      warning("/linux/seccomp/syscalls", `is empty with defaultAction ${s.defaultAction}: the process is killed at its first system call`),
    );
  }
  return out;
}
