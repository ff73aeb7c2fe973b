/**
 * process.scheduler values the kernel would refuse (sched_setattr(2)):
 * SCHED_FIFO and SCHED_RR need a priority from 1 to 99, other policies take
 * priority 0; SCHED_DEADLINE needs 1024 <= runtime <= deadline <= period (a
 * period of 0 means the deadline); SCHED_ISO is not implemented by Linux.
 *
 * @example
 * ```ts
 * import { checkScheduler } from "./scheduler.ts";
 * checkScheduler({ ociVersion: "1.3.0", root: { path: "r" }, process: { cwd: "/", args: ["sh"],
 *   scheduler: { policy: "SCHED_FIFO" } } });
 * // [{ pointer: "/process/scheduler/priority", message: "must be from 1 to 99 with SCHED_FIFO, not 0" }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

const AT = "/process/scheduler";

export function checkScheduler(config: Config): Problem[] {
  const s = config.process?.scheduler;
  if (!s) return [];
  const out: Problem[] = [];
  const priority = s.priority ?? 0;
  if (s.policy === "SCHED_FIFO" || s.policy === "SCHED_RR") {
    if (priority < 1 || priority > 99) out.push(problem(`${AT}/priority`, `must be from 1 to 99 with ${s.policy}, not ${priority}`));
  } else if (priority !== 0) {
    out.push(problem(`${AT}/priority`, `must be 0 with ${s.policy} (only SCHED_FIFO and SCHED_RR use it), not ${priority}`));
  }
  if (s.policy === "SCHED_ISO") out.push(problem(`${AT}/policy`, "SCHED_ISO is not implemented by Linux"));
  if (s.policy === "SCHED_DEADLINE") {
    const runtime = s.runtime ?? 0;
    const deadline = s.deadline ?? 0;
    const period = s.period ?? 0;
    if (runtime < 1024) out.push(problem(`${AT}/runtime`, `must be at least 1024 (nanoseconds) with SCHED_DEADLINE, not ${runtime}`));
    if (deadline < runtime) out.push(problem(`${AT}/deadline`, `must be at least runtime (${runtime}) with SCHED_DEADLINE, not ${deadline}`));
    if (period !== 0 && period < deadline) {
      out.push(problem(`${AT}/period`, `must be at least deadline (${deadline}) with SCHED_DEADLINE, or 0, not ${period}`));
    }
  }
  return out;
}
