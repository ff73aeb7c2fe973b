/**
 * Blocks the calling thread for `ms` milliseconds. The CLI's commands are
 * synchronous where they wait (for a lock, a process to die, a cgroup to
 * empty), and a blocking wait costs no event-loop turn.
 *
 * @example
 * ```ts
 * sleepSync(2);
 * ```
 */
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
