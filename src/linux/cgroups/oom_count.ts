/**
 * How many times the container's cgroup hit the OOM condition, cheaply
 * (one small file), for `events` to poll: v1 memory.oom_control (kills,
 * plus a cgroup sitting under_oom with the killer disabled), v2
 * memory.events (oom and oom_kill). Grows by at least one per OOM event.
 *
 * @example
 * ```ts
 * const before = oomCount(record.cgroup);
 * // ... later
 * if (oomCount(record.cgroup) > before) console.log("oom");
 * ```
 */
import { parseKeyValues, readCgroupFileIfExists } from "./_files.ts";
import { UNIFIED, type CgroupRecord } from "./types.ts";

export function oomCount(cgroup: CgroupRecord): number {
  const memory = cgroup.dirs["memory"];
  if (cgroup.version === 1 && memory) {
    const c = parseKeyValues(readCgroupFileIfExists(memory, "memory.oom_control"));
    return Number(c["oom_kill"] ?? 0) + Number(c["under_oom"] ?? 0);
  }
  const unified = cgroup.dirs[UNIFIED];
  if (!unified) return 0;
  const e = parseKeyValues(readCgroupFileIfExists(unified, "memory.events"));
  return Math.max(Number(e["oom"] ?? 0), Number(e["oom_kill"] ?? 0));
}
