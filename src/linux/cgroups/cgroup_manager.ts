/**
 * The manager of a container's cgroup, for its cgroup version: the v1
 * driver (v1/v1_manager.ts, also for hybrid hosts) or the v2 driver
 * (v2/v2_manager.ts). Both implement {@link CgroupManager}: create, add a
 * process, apply resources, freeze and thaw, statistics, list and signal
 * the processes, destroy.
 *
 * @example
 * ```ts
 * const m = cgroupManager(planCgroup({ id: "web" }));
 * m.create();
 * m.apply({ pids: { limit: 64 } }, { update: false, warn: console.warn });
 * m.addProcess(pid);
 * m.stats().pids.current;
 * ```
 */
import type { CgroupManager, CgroupRecord } from "./types.ts";
import { v1Manager } from "./v1/v1_manager.ts";
import { v2Manager } from "./v2/v2_manager.ts";

export type { CgroupManager, CgroupRecord };

export function cgroupManager(record: CgroupRecord): CgroupManager {
  return record.version === 2 ? v2Manager(record) : v1Manager(record);
}
