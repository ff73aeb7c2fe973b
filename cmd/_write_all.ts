// Synchronous output to a file descriptor. Going through process.stdout
// would build a stream (and for a pipe, a socket) at every start; this costs
// nothing and is complete when it returns, whatever exits the process next.
import { writeSync } from "node:fs";

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd`. A reader that went away (EPIPE) ends the
 * output quietly, as for `rongqi features | head -1`; a non-blocking
 * descriptor that is full (EAGAIN) is waited for.
 */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(fd, buf, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
