/**
 * cgroup v2 pids controller: limit (pids.max; -1 is "max", 0 a real limit).
 *
 * @example
 * ```ts
 * pidsV2.apply("/sys/fs/cgroup/rongqi/web", { pids: { limit: 100 } }, opts);
 * ```
 */
import { readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter } from "../cgroup_stats.ts";
import { limitToV2 } from "../convert.ts";
import type { Controller } from "../types.ts";

export const pidsV2: Controller = {
  name: "pids",
  requested: (r) => (r.pids?.limit !== undefined ? "linux.resources.pids.limit" : undefined),
  apply(dir, r) {
    if (r.pids?.limit !== undefined) writeCgroupFile(dir, "pids.max", limitToV2(r.pids.limit), "linux.resources.pids.limit");
  },
  stats(dir, out) {
    const max = readCgroupFileIfExists(dir, "pids.max")?.trim();
    out.pids = { current: counter(readCgroupFileIfExists(dir, "pids.current")), limit: max === "max" ? 0 : counter(max) };
  },
};
