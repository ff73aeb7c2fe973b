/**
 * cgroup v1 cpu controller: shares (cpu.shares), the CFS bandwidth limit
 * (cpu.cfs_period_us, cpu.cfs_quota_us, cpu.cfs_burst_us), realtime
 * bandwidth (cpu.rt_period_us, cpu.rt_runtime_us) and idle (cpu.idle).
 *
 * A realtime runtime must fit in the parent's: when the kernel refuses it,
 * the ancestors below the hierarchy root whose runtime is smaller are raised
 * to it (top down) and the write is tried again, since a new parent cgroup
 * starts with no realtime time at all.
 *
 * @example
 * ```ts
 * cpuV1.apply("/sys/fs/cgroup/cpu/rongqi/web", { cpu: { shares: 512, quota: 50000, period: 100000 } }, opts);
 * ```
 */
import { dirname } from "node:path";
import { RongqiError, SyscallError } from "../../../errors.ts";
import { cgroupFileExists, parseKeyValues, readCgroupFileIfExists, readNumber, writeCgroupFile } from "../_files.ts";
import { scaleCounter } from "../cgroup_stats.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.cpu";
const KEYS = ["shares", "quota", "period", "burst", "realtimeRuntime", "realtimePeriod", "idle"] as const;

function writeRtRuntime(dir: string, runtime: number): void {
  try {
    writeCgroupFile(dir, "cpu.rt_runtime_us", String(runtime), `${F}.realtimeRuntime`);
    return;
  } catch (err) {
    if (!(err instanceof SyscallError) || err.code !== "EINVAL" || runtime <= 0) throw err;
  }
  // Raise the ancestors that have less (those with the file; the hierarchy root is left alone).
  const chain: string[] = [];
  for (let d = dirname(dir); cgroupFileExists(dirname(d), "cpu.rt_runtime_us") && d !== dirname(d); d = dirname(d)) chain.unshift(d);
  for (const d of chain) {
    const have = readNumber(d, "cpu.rt_runtime_us") ?? 0;
    if (have >= 0 && have < runtime) writeCgroupFile(d, "cpu.rt_runtime_us", String(runtime), `${F}.realtimeRuntime (parent ${d})`);
  }
  writeCgroupFile(dir, "cpu.rt_runtime_us", String(runtime), `${F}.realtimeRuntime`);
}

export const cpuV1: Controller = {
  name: "cpu",
  requested: (r) => KEYS.filter((k) => r.cpu?.[k] !== undefined).map((k) => `${F}.${k}`)[0],
  apply(dir, r) {
    const c = r.cpu;
    if (!c) return;
    if (c.shares !== undefined && c.shares !== 0) {
      writeCgroupFile(dir, "cpu.shares", String(c.shares), `${F}.shares`);
      const got = readNumber(dir, "cpu.shares");
      if (got !== undefined && got !== c.shares) {
        throw new RongqiError(`${F}.shares: ${c.shares} is out of the kernel's range (it set ${got}; allowed 2 to 262144)`);
      }
    }
    if (c.period !== undefined && c.period !== 0) writeCgroupFile(dir, "cpu.cfs_period_us", String(c.period), `${F}.period`);
    if (c.quota !== undefined && c.quota !== 0) writeCgroupFile(dir, "cpu.cfs_quota_us", String(c.quota), `${F}.quota`);
    if (c.burst !== undefined) writeCgroupFile(dir, "cpu.cfs_burst_us", String(c.burst), `${F}.burst`);
    if (c.realtimePeriod !== undefined && c.realtimePeriod !== 0) {
      writeCgroupFile(dir, "cpu.rt_period_us", String(c.realtimePeriod), `${F}.realtimePeriod`);
    }
    if (c.realtimeRuntime !== undefined && c.realtimeRuntime !== 0) writeRtRuntime(dir, c.realtimeRuntime);
    if (c.idle !== undefined) writeCgroupFile(dir, "cpu.idle", String(c.idle), `${F}.idle`);
  },
  stats(dir, out) {
    const s = parseKeyValues(readCgroupFileIfExists(dir, "cpu.stat"));
    out.cpu.throttling = { periods: s["nr_periods"] ?? 0, throttledPeriods: s["nr_throttled"] ?? 0, throttledTime: s["throttled_time"] ?? 0 };
    if (s["throttled_usec"] !== undefined && s["throttled_time"] === undefined) out.cpu.throttling.throttledTime = scaleCounter(s["throttled_usec"], 1000);
  },
};
