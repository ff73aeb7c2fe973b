/**
 * Whether a container's cgroup is frozen (`paused`), read straight from
 * freezer.state (v1) or cgroup.freeze (v2) so that `state` and `list` stay
 * cheap. A freeze still in progress counts as paused, as does a cgroup that
 * can no longer be read as nothing.
 *
 * @example
 * ```ts
 * cgroupPaused(record.cgroup); // true after `rongqi pause`
 * ```
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UNIFIED, type CgroupRecord } from "./types.ts";

export function cgroupPaused(cgroup: CgroupRecord | undefined): boolean {
  if (!cgroup) return false;
  try {
    const freezer = cgroup.dirs["freezer"];
    if (freezer) return readFileSync(join(freezer, "freezer.state"), "utf8").trim() !== "THAWED";
    const unified = cgroup.dirs[UNIFIED];
    if (unified) return readFileSync(join(unified, "cgroup.freeze"), "utf8").trim() === "1";
  } catch {
    // gone: not paused
  }
  return false;
}
