/**
 * linux.resources values that contradict each other: cpu.burst "MUST be no
 * larger than any positive quota" (config-linux.md, CPU), and memory.swap,
 * the limit of memory plus swap, cannot be below memory.limit (neither
 * cgroup version can express that).
 *
 * @example
 * ```ts
 * import { checkCgroupResources } from "./cgroup_resources.ts";
 * checkCgroupResources({ ociVersion: "1.3.0", root: { path: "r" },
 *   linux: { resources: { cpu: { quota: 1000, burst: 5000 } } } });
 * // [{ pointer: "/linux/resources/cpu/burst", message: "5000 is larger than quota 1000" }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkCgroupResources(config: Config): Problem[] {
  const out: Problem[] = [];
  const cpu = config.linux?.resources?.cpu;
  if (cpu?.burst !== undefined && cpu.quota !== undefined && cpu.quota > 0 && cpu.burst > cpu.quota) {
    out.push(problem("/linux/resources/cpu/burst", `${cpu.burst} is larger than quota ${cpu.quota}`));
  }
  const mem = config.linux?.resources?.memory;
  if (mem?.swap !== undefined && mem.limit !== undefined && mem.swap > 0 && mem.limit > 0 && mem.swap < mem.limit) {
    out.push(
      problem("/linux/resources/memory/swap", `${mem.swap} is below limit ${mem.limit}: swap limits memory plus swap, so it must be at least limit (or -1)`),
    );
  }
  return out;
}
