/**
 * `process.ioPriority` and `process.scheduler` as helper operations:
 * ioprio_set(IOPRIO_WHO_PROCESS, 0, class << 13 | priority) and
 * sched_setattr(0, ...), both on the container's process before its
 * capabilities are dropped (a real-time class or policy needs
 * CAP_SYS_ADMIN or CAP_SYS_NICE). Both are inherited by every process the
 * container starts, which is how the I/O priority reaches "the entire
 * process group" (runc sets it the same way).
 *
 * @example
 * ```ts
 * schedulingOps({ ioPriority: { class: "IOPRIO_CLASS_IDLE", priority: 7 }, scheduler: { policy: "SCHED_BATCH", nice: 5 } });
 * // [{ op: "ioprio", which: 1, who: 0, ioprio: 0x6007 }, { op: "schedAttr", policy: 3, nice: 5, ... }]
 * ```
 */
import { RongqiError } from "../../errors.ts";
import type { IOPriority, Scheduler, SchedulerFlag, SchedulerPolicy } from "../../spec/types/config.ts";
import type { Op } from "../process/protocol.ts";

export const IOPRIO_WHO_PROCESS = 1;
export const IOPRIO_CLASS_SHIFT = 13;
export const IOPRIO_CLASSES: Readonly<Record<IOPriority["class"], number>> = {
  IOPRIO_CLASS_RT: 1,
  IOPRIO_CLASS_BE: 2,
  IOPRIO_CLASS_IDLE: 3,
};

/** SCHED_* (linux/sched.h); SCHED_ISO was never merged into Linux. */
export const SCHED_POLICIES: Readonly<Record<SchedulerPolicy, number>> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};

/** SCHED_FLAG_* (linux/sched.h). */
export const SCHED_FLAGS: Readonly<Record<SchedulerFlag, number>> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

export function schedulingOps(proc: { ioPriority?: IOPriority; scheduler?: Scheduler }): Op[] {
  const ops: Op[] = [];
  const io = proc.ioPriority;
  if (io) {
    const cls = IOPRIO_CLASSES[io.class];
    if (cls === undefined) throw new RongqiError(`process.ioPriority.class: unknown class ${JSON.stringify(io.class)}`);
    if (!Number.isInteger(io.priority) || io.priority < 0 || io.priority > 7) {
      throw new RongqiError(`process.ioPriority.priority: ${io.priority} is not a level from 0 to 7`);
    }
    ops.push({
      op: "ioprio", which: IOPRIO_WHO_PROCESS, who: 0, ioprio: (cls << IOPRIO_CLASS_SHIFT) | io.priority,
      desc: { step: `set the I/O priority ${io.class} ${io.priority}`, field: "process.ioPriority", syscall: "ioprio_set" },
    });
  }
  const s = proc.scheduler;
  if (s) {
    const policy = SCHED_POLICIES[s.policy];
    if (policy === undefined) throw new RongqiError(`process.scheduler.policy: unknown policy ${JSON.stringify(s.policy)}`);
    let flags = 0;
    for (const [i, f] of (s.flags ?? []).entries()) {
      const bit = SCHED_FLAGS[f];
      if (bit === undefined) throw new RongqiError(`process.scheduler.flags[${i}]: unknown flag ${JSON.stringify(f)}`);
      flags |= bit;
    }
    ops.push({
      op: "schedAttr", policy, flags, nice: s.nice ?? 0, priority: s.priority ?? 0,
      runtime: s.runtime ?? 0, deadline: s.deadline ?? 0, period: s.period ?? 0,
      desc: { step: `set the scheduling policy ${s.policy}`, field: "process.scheduler", syscall: "sched_setattr" },
    });
  }
  return ops;
}
