/**
 * cgroup v1 pids controller: limit (pids.max; -1 is "max", 0 a real limit).
 *
 * @example
 * ```ts
 * pidsV1.apply("/sys/fs/cgroup/pids/rongqi/web", { pids: { limit: 100 } }, opts);
 * ```
 */
import { readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter } from "../cgroup_stats.ts";
import { limitToV2 } from "../convert.ts";
import type { Controller } from "../types.ts";

export const pidsV1: Controller = {
  name: "pids",
  requested: (r) => (r.pids?.limit !== undefined ? "linux.resources.pids.limit" : undefined),
  apply(dir, r) {
    if (r.pids?.limit !== undefined) writeCgroupFile(dir, "pids.max", limitToV2(r.pids.limit), "linux.resources.pids.limit");
  },
  stats(dir, out) {
    out.pids = { current: counter(readCgroupFileIfExists(dir, "pids.current")), limit: counter(readCgroupFileIfExists(dir, "pids.max")) };
  },
};
