/**
 * cgroup v1 freezer: pause and resume through freezer.state. Freezing can
 * take a moment (the state reads FREEZING until every task stopped); a
 * cgroup that does not reach FROZEN in time is thawed again and the pause
 * fails.
 *
 * @example
 * ```ts
 * freezeV1("/sys/fs/cgroup/freezer/rongqi/web");
 * freezerStateV1("/sys/fs/cgroup/freezer/rongqi/web"); // "frozen"
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { readCgroupFile, writeCgroupFile } from "../_files.ts";
import { sleep } from "../_tree.ts";
import type { FreezerState } from "../types.ts";

export function freezerStateV1(dir: string): FreezerState {
  const s = readCgroupFile(dir, "freezer.state").trim();
  return s === "FROZEN" ? "frozen" : s === "FREEZING" ? "freezing" : "thawed";
}

export function freezeV1(dir: string, timeoutMs = 5000): void {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    writeCgroupFile(dir, "freezer.state", "FROZEN", "pause");
    if (freezerStateV1(dir) === "frozen") return;
    if (Date.now() >= deadline) {
      writeCgroupFile(dir, "freezer.state", "THAWED", "pause");
      throw new RongqiError(`pause: the processes of ${dir} did not all freeze within ${timeoutMs} ms`);
    }
    sleep(wait);
  }
}

export function thawV1(dir: string): void {
  writeCgroupFile(dir, "freezer.state", "THAWED", "resume");
  for (let i = 0; i < 1000 && freezerStateV1(dir) !== "thawed"; i++) sleep(1);
}
