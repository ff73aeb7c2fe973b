/**
 * A CPU or memory-node list as the spec writes it ("0-3,7") turned into the
 * bit mask the kernel takes (sched_setaffinity, set_mempolicy): whole 64-bit
 * words, bit N set for number N.
 *
 * @example
 * ```ts
 * listBitmask("0-1,9", "process.execCPUAffinity.final", "CPU"); // <03 02 00 00 00 00 00 00>
 * ```
 */
import { RongqiError } from "../errors.ts";

export function listBitmask(list: string | undefined, field: string, what: string, max = 8191): Buffer {
  const bits: number[] = [];
  for (const part of (list ?? "").split(",").filter(Boolean)) {
    const [a, b = a] = part.split("-").map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a! < 0 || b! < a! || b! > max) {
      throw new RongqiError(`${field}: "${part}" is not a ${what} number or range`);
    }
    for (let n = a!; n <= b!; n++) bits.push(n);
  }
  if (!bits.length) return Buffer.alloc(0);
  const mask = Buffer.alloc(Math.ceil((Math.max(...bits) + 1) / 64) * 8);
  for (const n of bits) mask[n >> 3]! |= 1 << (n & 7);
  return mask;
}
