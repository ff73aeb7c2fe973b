/**
 * cgroup v1 memory controller: limit (memory.limit_in_bytes), reservation
 * (memory.soft_limit_in_bytes), swap (memory.memsw.limit_in_bytes: memory
 * plus swap, as the spec means it), kernel and kernelTCP (memory.kmem.*),
 * swappiness, disableOOMKiller (memory.oom_control) and useHierarchy.
 * limit and swap are written in the order that keeps memsw >= limit at
 * every step. checkBeforeUpdate needs nothing here: the v1 kernel itself
 * refuses a limit below the current usage.
 *
 * @example
 * ```ts
 * memoryV1.apply("/sys/fs/cgroup/memory/rongqi/web", { memory: { limit: 64 << 20 } }, opts);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, parseKeyValues, readCgroupFileIfExists, readNumber, writeCgroupFile } from "../_files.ts";
import { counter, type CgroupStats, type MemoryEntry } from "../cgroup_stats.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.memory";

function requested(r: Parameters<Controller["requested"]>[0]): string | undefined {
  const m = r.memory;
  if (!m) return undefined;
  for (const k of ["limit", "reservation", "swap", "kernel", "kernelTCP", "swappiness", "useHierarchy"] as const) {
    if (m[k] !== undefined) return `${F}.${k}`;
  }
  return m.disableOOMKiller ? `${F}.disableOOMKiller` : undefined;
}

function entry(dir: string, prefix: string): MemoryEntry {
  return {
    usage: counter(readCgroupFileIfExists(dir, `${prefix}.usage_in_bytes`)),
    max: counter(readCgroupFileIfExists(dir, `${prefix}.max_usage_in_bytes`)),
    failcnt: counter(readCgroupFileIfExists(dir, `${prefix}.failcnt`)),
    limit: counter(readCgroupFileIfExists(dir, `${prefix}.limit_in_bytes`)),
  };
}

export const memoryV1: Controller = {
  name: "memory",
  requested,
  apply(dir, r, opts) {
    const m = r.memory;
    if (!m) return;
    if (m.swappiness !== undefined && (m.swappiness < 0 || m.swappiness > 100)) {
      throw new RongqiError(`${F}.swappiness: ${m.swappiness} is not between 0 and 100`);
    }
    const writeLimit = () => m.limit !== undefined && writeCgroupFile(dir, "memory.limit_in_bytes", String(m.limit), `${F}.limit`);
    const writeSwap = () => {
      if (m.swap === undefined) return;
      if (!cgroupFileExists(dir, "memory.memsw.limit_in_bytes")) {
        throw new RongqiError(`${F}.swap: this kernel does not account swap (memory.memsw.limit_in_bytes is missing; boot with swapaccount=1)`);
      }
      writeCgroupFile(dir, "memory.memsw.limit_in_bytes", String(m.swap), `${F}.swap`);
    };
    // memsw must never fall below the memory limit: raise it first, lower it last.
    const memsw = readNumber(dir, "memory.memsw.limit_in_bytes");
    if (m.swap !== undefined && (m.swap === -1 || memsw === undefined || m.swap > memsw)) {
      writeSwap();
      writeLimit();
    } else {
      writeLimit();
      writeSwap();
    }
    if (m.reservation !== undefined) writeCgroupFile(dir, "memory.soft_limit_in_bytes", String(m.reservation), `${F}.reservation`);
    if (m.kernel !== undefined && m.kernel !== -1) {
      writeCgroupFile(dir, "memory.kmem.limit_in_bytes", String(m.kernel), `${F}.kernel`);
      opts.warn(`${F}.kernel: written to memory.kmem.limit_in_bytes, but Linux 5.16 and later do not enforce kernel memory limits`);
    }
    if (m.kernelTCP !== undefined) writeCgroupFile(dir, "memory.kmem.tcp.limit_in_bytes", String(m.kernelTCP), `${F}.kernelTCP`);
    if (m.swappiness !== undefined) writeCgroupFile(dir, "memory.swappiness", String(m.swappiness), `${F}.swappiness`);
    if (m.disableOOMKiller !== undefined && (m.disableOOMKiller || opts.update)) {
      writeCgroupFile(dir, "memory.oom_control", m.disableOOMKiller ? "1" : "0", `${F}.disableOOMKiller`);
    }
    if (m.useHierarchy !== undefined) {
      const now = readCgroupFileIfExists(dir, "memory.use_hierarchy");
      if (!m.useHierarchy && now === "1") {
        throw new RongqiError(`${F}.useHierarchy: false is not possible: this kernel always accounts memory hierarchically`);
      }
      if (now !== (m.useHierarchy ? "1" : "0")) writeCgroupFile(dir, "memory.use_hierarchy", m.useHierarchy ? "1" : "0", `${F}.useHierarchy`);
    }
  },
  stats(dir, out: CgroupStats) {
    const raw = parseKeyValues(readCgroupFileIfExists(dir, "memory.stat"));
    out.memory.raw = raw;
    out.memory.cache = raw["cache"] ?? 0;
    out.memory.usage = entry(dir, "memory");
    out.memory.swap = entry(dir, "memory.memsw");
    out.memory.kernel = entry(dir, "memory.kmem");
    out.memory.kernelTCP = entry(dir, "memory.kmem.tcp");
    out.oomKills = parseKeyValues(readCgroupFileIfExists(dir, "memory.oom_control"))["oom_kill"] ?? 0;
  },
};
