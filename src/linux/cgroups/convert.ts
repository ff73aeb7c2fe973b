/**
 * Conversions between the runtime spec's (cgroup v1 flavoured) values and
 * cgroup v2 files, where the spec or common practice defines one:
 *
 * - cpu.shares [2, 262144] -> cpu.weight [1, 10000], linearly (the mapping
 *   runc, crun and Kubernetes use: shares 1024 -> weight 39);
 * - blkio weight [10, 1000] -> io.weight [1, 10000], linearly;
 * - memory.swap (memory + swap) -> memory.swap.max (swap alone);
 * - -1 (unlimited) -> "max".
 *
 * @example
 * ```ts
 * cpuSharesToWeight(1024);        // 39
 * blkioWeightToIoWeight(500);     // 4951
 * swapToV2(1 << 30, 512 << 20);   // "536870912"
 * hugepageSizeBytes("2MB");       // 2097152
 * ```
 */
import { readdirSync } from "node:fs";
import { RongqiError } from "../../errors.ts";

export function cpuSharesToWeight(shares: number): number {
  const s = Math.min(Math.max(shares, 2), 262144);
  return 1 + Math.floor(((s - 2) * 9999) / 262142);
}

export function blkioWeightToIoWeight(weight: number): number {
  const w = Math.min(Math.max(weight, 10), 1000);
  return 1 + Math.floor(((w - 10) * 9999) / 990);
}

/** A limit for a v2 file: -1 is "max". */
export function limitToV2(n: number): string {
  return n === -1 ? "max" : String(n);
}

/**
 * memory.swap.max from the spec's swap (memory plus swap) and limit.
 * undefined when swap is not set.
 */
export function swapToV2(swap: number | undefined, limit: number | undefined): string | undefined {
  if (swap === undefined || swap === 0) return undefined;
  if (swap === -1) return "max";
  if (limit === undefined || limit === 0 || limit === -1) {
    throw new RongqiError(`linux.resources.memory.swap: cgroup v2 limits swap alone; converting ${swap} (memory plus swap) needs memory.limit too`);
  }
  if (swap < limit) throw new RongqiError(`linux.resources.memory.swap: ${swap} is below limit ${limit}`);
  return String(swap - limit);
}

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };

/** "2MB" -> 2097152 (units of 1024, as the spec says). */
export function hugepageSizeBytes(size: string): number {
  const m = /^(\d+)([KMGTP])B$/.exec(size);
  if (!m) throw new RongqiError(`linux.resources.hugepageLimits: page size "${size}" is not of the form <number><K|M|G|T|P>B (e.g. 2MB)`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

/** The kernel's name for a huge page size in cgroup files: 2MB, 1GB, 64KB. */
export function hugepageSizeName(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GB`;
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}MB`;
  return `${bytes / 1024}KB`;
}

/** The huge page sizes this host supports, by their cgroup file names. */
export function hostHugepageSizes(dir = "/sys/kernel/mm/hugepages"): string[] {
  try {
    return readdirSync(dir)
      .map((n) => /^hugepages-(\d+)kB$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => hugepageSizeName(Number(m[1]) * 1024));
  } catch {
    return [];
  }
}

/** The cgroup name of a hugepageLimits[].pageSize, checked against the host's sizes. */
export function hugepageFileSize(pageSize: string, field: string, sizes = hostHugepageSizes()): string {
  const name = hugepageSizeName(hugepageSizeBytes(pageSize));
  if (!sizes.includes(name)) {
    throw new RongqiError(`${field}: page size ${pageSize} is not supported by this host (it has ${sizes.join(", ") || "no huge pages"})`);
  }
  return name;
}

/** "0-3,7" -> [0,1,2,3,7] */
export function parseCpuList(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? "").trim().split(",")) {
    if (!part) continue;
    const [a, b] = part.split("-").map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}
