/**
 * Process identity and liveness from `/proc/PID/stat`, without FFI.
 *
 * A pid alone does not name a process: after it exits, the kernel may give
 * the same pid to another. A pid plus its start time (field 22 of
 * `/proc/PID/stat`, clock ticks since boot) does. `comm` (field 2) may hold
 * spaces and parentheses, so the fields are read after the *last* `)`.
 *
 * Liveness rule: a process in state `Z` (zombie: exited, not yet reaped) or
 * `X` (dead) has stopped running; `isProcessAlive` reports it as gone, so a
 * zombie container init means the container is "stopped" (as in runc).
 * `isSameProcess` only answers the identity question.
 *
 * @example
 * ```ts
 * import { processStartTime, isSameProcess, isProcessAlive } from "./process_start_time.ts";
 * const start = processStartTime(pid); // e.g. 123456n, or undefined if gone
 * isSameProcess(pid, start!);          // true while that very process exists
 * isProcessAlive(pid, start!);         // ...and has not exited
 * ```
 */
import { readFileSync } from "node:fs";
import { fsError } from "./_fs_error.ts";

interface ProcStat {
  state: string;
  startTime: bigint;
}

/** The fields of /proc/PID/stat rongqi uses; undefined when the process does not exist. */
function readStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return undefined;
    throw fsError(err, `reading the status of process ${pid}`);
  }
  return parseProcStat(text);
}

/** Parses /proc/PID/stat content (exported for tests). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  // After ") ": field 3 (state) is index 0, so field N is index N - 3.
  const fields = text.slice(close + 2).trim().split(" ");
  const state = fields[0];
  const start = fields[22 - 3];
  if (state === undefined || start === undefined || !/^[0-9]+$/.test(start)) return undefined;
  return { state, startTime: BigInt(start) };
}

/** The start time of process `pid` in clock ticks since boot, or undefined if there is no such process. */
export function processStartTime(pid: number): bigint | undefined {
  return readStat(pid)?.startTime;
}

/** The state letter of process `pid` (`R`, `S`, `D`, `T`, `t`, `Z`, `X`, `I`...), or undefined if it is gone. */
export function processState(pid: number): string | undefined {
  return readStat(pid)?.state;
}

/** True when `pid` is still the process that had `startTime` (a reused pid is not), zombie or not. */
export function isSameProcess(pid: number, startTime: bigint): boolean {
  return processStartTime(pid) === startTime;
}

/** True when `pid` is the process that had `startTime` and it has not exited (not a zombie). */
export function isProcessAlive(pid: number, startTime: bigint): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== "Z" && stat.state !== "X";
}
