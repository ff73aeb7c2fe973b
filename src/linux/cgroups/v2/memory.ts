/**
 * cgroup v2 memory controller: limit (memory.max), reservation
 * (memory.low), swap (memory.swap.max, converted from the spec's memory
 * plus swap), and checkBeforeUpdate (a new limit below memory.current is
 * refused rather than left to the OOM killer). What v2 cannot do is an
 * error: swappiness, kernel and kernelTCP limits, disableOOMKiller and
 * useHierarchy false.
 *
 * @example
 * ```ts
 * memoryV2.apply("/sys/fs/cgroup/rongqi/web", { memory: { limit: 64 << 20, swap: 128 << 20 } }, opts);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, parseKeyValues, readCgroupFileIfExists, readNumber, writeCgroupFile } from "../_files.ts";
import { addCounters, counter, UNLIMITED, type Counter } from "../cgroup_stats.ts";
import { limitToV2, swapToV2 } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.memory";

const limitOf = (text: string | undefined): Counter => ((text ?? "").trim() === "max" ? UNLIMITED : counter(text));

function refuse(field: string, why: string): never {
  throw new RongqiError(`${F}.${field}: ${why}`);
}

export const memoryV2: Controller = {
  name: "memory",
  requested(r) {
    const m = r.memory;
    if (!m) return undefined;
    for (const k of ["limit", "reservation", "swap"] as const) if (m[k] !== undefined) return `${F}.${k}`;
    return undefined;
  },
  apply(dir, r, opts) {
    const m = r.memory;
    if (!m) return;
    if (m.swappiness !== undefined) refuse("swappiness", "cgroup v2 has no per-cgroup swappiness");
    if (m.kernel !== undefined && m.kernel !== -1) refuse("kernel", "cgroup v2 has no kernel memory limit");
    if (m.kernelTCP !== undefined && m.kernelTCP !== -1) refuse("kernelTCP", "cgroup v2 has no kernel TCP memory limit");
    if (m.disableOOMKiller) refuse("disableOOMKiller", "cgroup v2 cannot disable the OOM killer");
    if (m.useHierarchy === false) refuse("useHierarchy", "cgroup v2 always accounts memory hierarchically");
    if (opts.update && m.checkBeforeUpdate && m.limit !== undefined && m.limit !== -1) {
      const usage = readNumber(dir, "memory.current");
      if (usage !== undefined && m.limit < usage) refuse("limit", `${m.limit} is below the current usage ${usage} (checkBeforeUpdate)`);
    }
    const swap = swapToV2(m.swap, m.limit);
    if (m.limit !== undefined) writeCgroupFile(dir, "memory.max", limitToV2(m.limit), `${F}.limit`);
    if (m.reservation !== undefined) writeCgroupFile(dir, "memory.low", limitToV2(m.reservation), `${F}.reservation`);
    if (swap !== undefined) {
      if (!cgroupFileExists(dir, "memory.swap.max")) refuse("swap", "this kernel does not account swap (memory.swap.max is missing)");
      writeCgroupFile(dir, "memory.swap.max", swap, `${F}.swap`);
    }
  },
  stats(dir, out) {
    const raw = parseKeyValues(readCgroupFileIfExists(dir, "memory.stat"));
    const events = parseKeyValues(readCgroupFileIfExists(dir, "memory.events"));
    const usage = counter(readCgroupFileIfExists(dir, "memory.current"));
    const limit = limitOf(readCgroupFileIfExists(dir, "memory.max"));
    out.memory.raw = raw;
    out.memory.cache = raw["file"] ?? 0;
    out.memory.usage = { usage, limit, max: counter(readCgroupFileIfExists(dir, "memory.peak")), failcnt: events["max"] ?? 0 };
    if (cgroupFileExists(dir, "memory.swap.current")) {
      // runc reports swap as memory plus swap, as v1 did
      const swapLimit = limitOf(readCgroupFileIfExists(dir, "memory.swap.max"));
      out.memory.swap = {
        usage: addCounters(usage, counter(readCgroupFileIfExists(dir, "memory.swap.current"))),
        limit: swapLimit === UNLIMITED || limit === UNLIMITED ? UNLIMITED : addCounters(swapLimit, limit),
        max: 0,
        failcnt: parseKeyValues(readCgroupFileIfExists(dir, "memory.swap.events"))["max"] ?? 0,
      };
    }
    out.oomKills = events["oom_kill"] ?? 0;
  },
};
