/**
 * Decoding of the status word `waitpid(2)` fills in (the W* macros of
 * <sys/wait.h>), and the shell-style exit code rongqi reports for it.
 *
 * @example
 * ```ts
 * import { decodeWaitStatus, exitCodeOf } from "./_wait_status.ts";
 * decodeWaitStatus(0x0300);            // { kind: "exited", code: 3 }
 * exitCodeOf(decodeWaitStatus(0x0009)); // 137 (killed by SIGKILL)
 * ```
 */
import type { WaitStatus } from "./sys.ts";

/** Decodes a raw wait status. */
export function decodeWaitStatus(raw: number): WaitStatus {
  const low = raw & 0x7f;
  if (low === 0) return { kind: "exited", code: (raw >> 8) & 0xff };
  if (raw === 0xffff) return { kind: "continued" };
  if ((raw & 0xff) === 0x7f) return { kind: "stopped", signal: (raw >> 8) & 0xff };
  return { kind: "signaled", signal: low, coreDumped: (raw & 0x80) !== 0 };
}

/**
 * The exit code a shell would report: the code of a process that exited,
 * 128 + the signal number of one killed by a signal (stopped or continued: -1,
 * as those are not terminations).
 */
export function exitCodeOf(status: WaitStatus): number {
  switch (status.kind) {
    case "exited":
      return status.code;
    case "signaled":
      return 128 + status.signal;
    default:
      return -1;
  }
}
