/**
 * cgroup v1 cpuacct controller: usage statistics only (no resource of the
 * spec maps to it). User and system times come in clock ticks
 * (cpuacct.stat) and are reported in nanoseconds, as runc does.
 *
 * @example
 * ```ts
 * const s = emptyStats(); cpuacctV1.stats("/sys/fs/cgroup/cpuacct/rongqi/web", s); s.cpu.usage.total;
 * ```
 */
import { parseKeyValues, readCgroupFileIfExists } from "../_files.ts";
import { counter, scaleCounter, type Counter } from "../cgroup_stats.ts";
import type { Controller } from "../types.ts";

/** USER_HZ: the unit of cpuacct.stat on every Linux architecture rongqi runs on */
const NS_PER_TICK = 10_000_000;

const list = (text: string | undefined): Counter[] => (text ?? "").trim().split(/\s+/).filter(Boolean).map(counter);

export const cpuacctV1: Controller = {
  name: "cpuacct",
  requested: () => undefined,
  apply() {},
  stats(dir, out) {
    const u = out.cpu.usage;
    u.total = counter(readCgroupFileIfExists(dir, "cpuacct.usage"));
    u.percpu = list(readCgroupFileIfExists(dir, "cpuacct.usage_percpu"));
    u.percpuKernel = list(readCgroupFileIfExists(dir, "cpuacct.usage_percpu_sys"));
    u.percpuUser = list(readCgroupFileIfExists(dir, "cpuacct.usage_percpu_user"));
    const s = parseKeyValues(readCgroupFileIfExists(dir, "cpuacct.stat"));
    u.user = scaleCounter(s["user"] ?? 0, NS_PER_TICK);
    u.kernel = scaleCounter(s["system"] ?? 0, NS_PER_TICK);
  },
};
