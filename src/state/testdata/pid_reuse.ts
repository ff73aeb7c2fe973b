// Test helper for process_start_time_test.ts, run as pid 1 of a new pid
// namespace with its own /proc (`unshare -p -f --mount-proc`): makes the
// kernel hand a dead child's pid to a new child (through ns_last_pid) and
// reports what isSameProcess says about the old and new start times.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { isSameProcess, processStartTime } from "../process_start_time.ts";

const nap = new Int32Array(new SharedArrayBuffer(4));
const gone = (c: ChildProcess) => new Promise((resolve) => c.once("exit", resolve));
const out: Record<string, unknown> = { reused: false };
for (let attempt = 0; attempt < 10 && !out.reused; attempt++) {
  const first = spawn("sleep", ["30"]);
  const pid = first.pid!;
  const oldStart = processStartTime(pid)!;
  first.kill("SIGKILL");
  await gone(first);
  Atomics.wait(nap, 0, 0, 50); // several clock ticks, so the start times differ
  writeFileSync("/proc/sys/kernel/ns_last_pid", String(pid - 1));
  const again = spawn("sleep", ["30"]);
  if (again.pid === pid) {
    const newStart = processStartTime(pid)!;
    Object.assign(out, {
      reused: true,
      differentStart: newStart !== oldStart,
      oldIsSame: isSameProcess(pid, oldStart),
      newIsSame: isSameProcess(pid, newStart),
    });
  }
  again.kill("SIGKILL");
  await gone(again);
}
process.stdout.write(JSON.stringify(out) + "\n");
