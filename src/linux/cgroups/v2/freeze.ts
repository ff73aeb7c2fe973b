/**
 * cgroup v2 freezing: cgroup.freeze asks, cgroup.events' `frozen` line says
 * when every process has stopped. A cgroup that does not get there in time
 * is thawed again and the pause fails.
 *
 * @example
 * ```ts
 * freezeV2("/sys/fs/cgroup/rongqi/web");
 * freezerStateV2("/sys/fs/cgroup/rongqi/web"); // "frozen"
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { parseKeyValues, readCgroupFile, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { sleep } from "../_tree.ts";
import type { FreezerState } from "../types.ts";

export function freezerStateV2(dir: string): FreezerState {
  if (readCgroupFile(dir, "cgroup.freeze").trim() !== "1") return "thawed";
  return parseKeyValues(readCgroupFileIfExists(dir, "cgroup.events"))["frozen"] === 1 ? "frozen" : "freezing";
}

export function freezeV2(dir: string, timeoutMs = 5000): void {
  writeCgroupFile(dir, "cgroup.freeze", "1", "pause");
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; freezerStateV2(dir) !== "frozen"; wait = Math.min(wait * 2, 50)) {
    if (Date.now() >= deadline) {
      writeCgroupFile(dir, "cgroup.freeze", "0", "pause");
      throw new RongqiError(`pause: the processes of ${dir} did not all freeze within ${timeoutMs} ms`);
    }
    sleep(wait);
  }
}

export function thawV2(dir: string): void {
  writeCgroupFile(dir, "cgroup.freeze", "0", "resume");
  const deadline = Date.now() + 1000;
  while (parseKeyValues(readCgroupFileIfExists(dir, "cgroup.events"))["frozen"] === 1 && Date.now() < deadline) sleep(1);
}
