// Test helper for lock_container_test.ts.
// Prints "start" right before it asks for the lock.
//   serial ROOT ID LOG HOLD_MS   lock, append "begin PID" and later "end PID" to LOG, release
//   hold ROOT ID [remove|recreate]
//                                lock, print "locked", wait for stdin to close, then optionally
//                                remove the directory (and create it again), and release
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorLine } from "../../errors.ts";
import { lockContainer } from "../lock_container.ts";

const [mode, root, id, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
const nap = new Int32Array(new SharedArrayBuffer(4));

process.stdout.write("start\n");
try {
  const lock = lockContainer(root, id, { timeoutMs: 20_000 });
  if (mode === "serial") {
    const [log, hold] = rest as [string, string];
    appendFileSync(log, `begin ${process.pid}\n`);
    Atomics.wait(nap, 0, 0, Number(hold));
    appendFileSync(log, `end ${process.pid}\n`);
    lock.release();
  } else {
    process.stdout.write("locked\n");
    process.stdin.resume();
    process.stdin.on("end", () => {
      if (rest[0] === "remove" || rest[0] === "recreate") rmSync(join(root, id), { recursive: true });
      if (rest[0] === "recreate") mkdirSync(join(root, id));
      lock.release();
      process.stdout.write("released\n");
    });
  }
} catch (err) {
  process.stdout.write(errorLine(err) + "\n");
  process.exitCode = 1;
}
