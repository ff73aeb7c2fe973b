/**
 * cgroup v2 cpu controller: shares (converted to cpu.weight), quota and
 * period (cpu.max, "max" for no quota; one of them alone keeps the other's
 * current value), burst (cpu.max.burst) and idle (cpu.idle). Realtime
 * bandwidth has no v2 interface and is an error.
 *
 * @example
 * ```ts
 * cpuV2.apply("/sys/fs/cgroup/rongqi/web", { cpu: { shares: 1024, quota: 50000 } }, opts); // cpu.weight 39, cpu.max "50000 100000"
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { parseKeyValues, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { scaleCounter } from "../cgroup_stats.ts";
import { cpuSharesToWeight } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.cpu";
const KEYS = ["shares", "quota", "period", "burst", "idle"] as const;

export const cpuV2: Controller = {
  name: "cpu",
  requested: (r) => KEYS.filter((k) => r.cpu?.[k] !== undefined).map((k) => `${F}.${k}`)[0],
  apply(dir, r) {
    const c = r.cpu;
    if (!c) return;
    for (const k of ["realtimeRuntime", "realtimePeriod"] as const) {
      if (c[k] !== undefined && c[k] !== 0) throw new RongqiError(`${F}.${k}: cgroup v2 has no realtime CPU bandwidth control`);
    }
    if (c.shares !== undefined && c.shares !== 0) writeCgroupFile(dir, "cpu.weight", String(cpuSharesToWeight(c.shares)), `${F}.shares`);
    if ((c.quota !== undefined && c.quota !== 0) || (c.period !== undefined && c.period !== 0)) {
      const [curQuota = "max", curPeriod = "100000"] = (readCgroupFileIfExists(dir, "cpu.max") ?? "").trim().split(/\s+/);
      const quota = c.quota === undefined || c.quota === 0 ? curQuota : c.quota < 0 ? "max" : String(c.quota);
      const period = c.period === undefined || c.period === 0 ? curPeriod : String(c.period);
      writeCgroupFile(dir, "cpu.max", `${quota} ${period}`, c.quota !== undefined ? `${F}.quota` : `${F}.period`);
    }
    if (c.burst !== undefined) writeCgroupFile(dir, "cpu.max.burst", String(c.burst), `${F}.burst`);
    if (c.idle !== undefined) writeCgroupFile(dir, "cpu.idle", String(c.idle), `${F}.idle`);
  },
  stats(dir, out) {
    const s = parseKeyValues(readCgroupFileIfExists(dir, "cpu.stat"));
    out.cpu.usage.total = scaleCounter(s["usage_usec"] ?? 0, 1000);
    out.cpu.usage.user = scaleCounter(s["user_usec"] ?? 0, 1000);
    out.cpu.usage.kernel = scaleCounter(s["system_usec"] ?? 0, 1000);
    out.cpu.throttling = {
      periods: s["nr_periods"] ?? 0, throttledPeriods: s["nr_throttled"] ?? 0, throttledTime: scaleCounter(s["throttled_usec"] ?? 0, 1000),
    };
  },
};
