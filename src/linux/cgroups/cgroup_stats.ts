/**
 * A container's resource usage read from its cgroup, and its JSON in the
 * form `runc events` prints (the `data` of a "stats" event), so tools that
 * parse runc's output read rongqi's unchanged. Counters that can exceed
 * 2^53 (byte counts, "unlimited" limits) are kept as bigint when they do.
 *
 * @example
 * ```ts
 * const s = emptyStats();
 * s.pids.current = 3;
 * runcStatsJson(s); // '{"cpu":{"usage":{"kernel":0,"user":0},"throttling":{}},...,"pids":{"current":3},...}'
 * ```
 */

/** A counter: a number, or a bigint when it does not fit one exactly. */
export type Counter = number | bigint;

export interface MemoryEntry {
  limit: Counter;
  usage: Counter;
  max: Counter;
  failcnt: Counter;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: Counter;
}

export interface CgroupStats {
  cpu: {
    usage: { total: Counter; percpu: Counter[]; percpuKernel: Counter[]; percpuUser: Counter[]; kernel: Counter; user: Counter };
    throttling: { periods: Counter; throttledPeriods: Counter; throttledTime: Counter };
  };
  cpuset: {
    cpus: number[]; mems: number[]; cpuExclusive: number; memHardwall: number; memExclusive: number; memoryMigrate: number;
    memorySpreadPage: number; memorySpreadSlab: number; memoryPressure: number; schedLoadBalance: number; schedRelaxDomainLevel: number;
  };
  memory: { cache: Counter; usage: MemoryEntry; swap: MemoryEntry; kernel: MemoryEntry; kernelTCP: MemoryEntry; raw: Record<string, Counter> };
  pids: { current: Counter; limit: Counter };
  blkio: {
    ioServiceBytesRecursive: BlkioEntry[]; ioServicedRecursive: BlkioEntry[]; ioQueuedRecursive: BlkioEntry[];
    ioServiceTimeRecursive: BlkioEntry[]; ioWaitTimeRecursive: BlkioEntry[]; ioMergedRecursive: BlkioEntry[];
    ioTimeRecursive: BlkioEntry[]; sectorsRecursive: BlkioEntry[];
  };
  /** by page size, e.g. "2MB" */
  hugetlb: Record<string, { usage: Counter; max: Counter; failcnt: Counter }>;
  /** processes killed by the OOM killer in the cgroup (not part of runc's JSON) */
  oomKills: Counter;
}

const memoryEntry = (): MemoryEntry => ({ limit: 0, usage: 0, max: 0, failcnt: 0 });

export function emptyStats(): CgroupStats {
  return {
    cpu: {
      usage: { total: 0, percpu: [], percpuKernel: [], percpuUser: [], kernel: 0, user: 0 },
      throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 },
    },
    cpuset: {
      cpus: [], mems: [], cpuExclusive: 0, memHardwall: 0, memExclusive: 0, memoryMigrate: 0, memorySpreadPage: 0,
      memorySpreadSlab: 0, memoryPressure: 0, schedLoadBalance: 0, schedRelaxDomainLevel: 0,
    },
    memory: { cache: 0, usage: memoryEntry(), swap: memoryEntry(), kernel: memoryEntry(), kernelTCP: memoryEntry(), raw: {} },
    pids: { current: 0, limit: 0 },
    blkio: {
      ioServiceBytesRecursive: [], ioServicedRecursive: [], ioQueuedRecursive: [], ioServiceTimeRecursive: [],
      ioWaitTimeRecursive: [], ioMergedRecursive: [], ioTimeRecursive: [], sectorsRecursive: [],
    },
    hugetlb: {},
    oomKills: 0,
  };
}

/** A decimal counter from a cgroup file: a number when exact, else a bigint. */
export function counter(text: string | undefined): Counter {
  const t = (text ?? "").trim();
  if (!/^\d+$/.test(t)) return 0;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : BigInt(t);
}

/** The largest 64-bit unsigned value: what runc reports for "max" on cgroup v2. */
export const UNLIMITED = 18446744073709551615n;

function normal(n: bigint): Counter {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export function addCounters(a: Counter, b: Counter): Counter {
  return normal(BigInt(a) + BigInt(b));
}

/** a * factor, e.g. microseconds to nanoseconds */
export function scaleCounter(a: Counter, factor: number): Counter {
  return normal(BigInt(a) * BigInt(factor));
}

/** Go's encoding/json omitempty: drops zero numbers and empty arrays and maps. */
function omitEmpty(obj: Record<string, unknown>, keep: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (keep.includes(k)) out[k] = v;
    else if (v === 0 || v === 0n || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    else if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0 && k === "raw") continue;
    else out[k] = v;
  }
  return out;
}

const mem = (e: MemoryEntry) => omitEmpty({ limit: e.limit, usage: e.usage, max: e.max, failcnt: e.failcnt }, ["limit", "failcnt"]);
const blk = (es: BlkioEntry[]) => es.map((e) => omitEmpty({ major: e.major, minor: e.minor, op: e.op, value: e.value }));

/** The stats as the object runc's `events` puts in `data` (its field names and omitempty rules). */
export function runcStats(s: CgroupStats): Record<string, unknown> {
  const b = s.blkio;
  const hugetlb: Record<string, unknown> = {};
  for (const [size, h] of Object.entries(s.hugetlb)) hugetlb[size] = omitEmpty({ usage: h.usage, max: h.max, failcnt: h.failcnt }, ["failcnt"]);
  return {
    cpu: {
      usage: omitEmpty({
        total: s.cpu.usage.total, percpu: s.cpu.usage.percpu, percpu_kernel: s.cpu.usage.percpuKernel,
        percpu_user: s.cpu.usage.percpuUser, kernel: s.cpu.usage.kernel, user: s.cpu.usage.user,
      }, ["kernel", "user"]),
      throttling: omitEmpty({ ...s.cpu.throttling }),
    },
    cpuset: omitEmpty({
      cpus: s.cpuset.cpus, cpu_exclusive: s.cpuset.cpuExclusive, mems: s.cpuset.mems, mem_hardwall: s.cpuset.memHardwall,
      mem_exclusive: s.cpuset.memExclusive, memory_migrate: s.cpuset.memoryMigrate, memory_spread_page: s.cpuset.memorySpreadPage,
      memory_spread_slab: s.cpuset.memorySpreadSlab, memory_pressure: s.cpuset.memoryPressure,
      sched_load_balance: s.cpuset.schedLoadBalance, sched_relax_domain_level: s.cpuset.schedRelaxDomainLevel,
    }, ["cpu_exclusive", "mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page", "memory_spread_slab",
      "memory_pressure", "sched_load_balance", "sched_relax_domain_level"]),
    memory: omitEmpty({
      cache: s.memory.cache, usage: mem(s.memory.usage), swap: mem(s.memory.swap), kernel: mem(s.memory.kernel),
      kernelTCP: mem(s.memory.kernelTCP), raw: s.memory.raw,
    }),
    pids: omitEmpty({ ...s.pids }),
    blkio: omitEmpty({
      ioServiceBytesRecursive: blk(b.ioServiceBytesRecursive), ioServicedRecursive: blk(b.ioServicedRecursive),
      ioQueueRecursive: blk(b.ioQueuedRecursive), ioServiceTimeRecursive: blk(b.ioServiceTimeRecursive),
      ioWaitTimeRecursive: blk(b.ioWaitTimeRecursive), ioMergedRecursive: blk(b.ioMergedRecursive),
      ioTimeRecursive: blk(b.ioTimeRecursive), sectorsRecursive: blk(b.sectorsRecursive),
    }),
    hugetlb,
    intel_rdt: {},
    network_interfaces: null,
  };
}

/** JSON.stringify that writes bigints as plain JSON numbers. */
export function jsonWithBigints(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `\u0000big:${v}` : v)).replace(/"\\u0000big:(\d+)"/g, "$1");
}

export function runcStatsJson(s: CgroupStats): string {
  return jsonWithBigints(runcStats(s));
}
