/**
 * `linux.memoryPolicy`: the NUMA memory policy of the container's process,
 * set with set_mempolicy(2) right before execve (it is inherited across
 * execve and by every child). The mode and flag tables here are also what
 * `features` reports.
 *
 * @example
 * ```ts
 * memoryPolicyOp({ mode: "MPOL_BIND", nodes: "0-1" });
 * // { op: "mempolicy", mode: 2, nodemask: <03 00 00 00 00 00 00 00>, ... }
 * ```
 */
import { RongqiError } from "../errors.ts";
import type { Op } from "./process/protocol.ts";

/** MPOL_* modes (linux/mempolicy.h). */
export const MEMPOLICY_MODES = {
  MPOL_DEFAULT: 0, MPOL_PREFERRED: 1, MPOL_BIND: 2, MPOL_INTERLEAVE: 3, MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5, MPOL_WEIGHTED_INTERLEAVE: 6,
} as const;

/** MPOL_F_* mode flags. */
export const MEMPOLICY_FLAGS = {
  MPOL_F_NUMA_BALANCING: 1 << 13, MPOL_F_RELATIVE_NODES: 1 << 14, MPOL_F_STATIC_NODES: 1 << 15,
} as const;

export interface MemoryPolicySpec {
  mode: string;
  nodes?: string;
  flags?: string[];
}

/** "0-3,7" as a nodemask of whole 64-bit words. */
export function nodemask(nodes: string | undefined): Buffer {
  const bits: number[] = [];
  for (const part of (nodes ?? "").split(",").filter(Boolean)) {
    const [a, b = a] = part.split("-").map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a! < 0 || b! < a! || b! > 4095) {
      throw new RongqiError(`linux.memoryPolicy.nodes: "${part}" is not a node number or range`);
    }
    for (let n = a!; n <= b!; n++) bits.push(n);
  }
  if (!bits.length) return Buffer.alloc(0);
  const mask = Buffer.alloc(Math.ceil((Math.max(...bits) + 1) / 64) * 8);
  for (const n of bits) mask[n >> 3]! |= 1 << (n & 7);
  return mask;
}

export function memoryPolicyOp(policy: MemoryPolicySpec): Op {
  const mode = (MEMPOLICY_MODES as Record<string, number>)[policy.mode];
  if (mode === undefined) throw new RongqiError(`linux.memoryPolicy.mode: "${policy.mode}" is not one of ${Object.keys(MEMPOLICY_MODES).join(", ")}`);
  let flags = 0;
  for (const f of policy.flags ?? []) {
    const bit = (MEMPOLICY_FLAGS as Record<string, number>)[f];
    if (bit === undefined) throw new RongqiError(`linux.memoryPolicy.flags: "${f}" is not one of ${Object.keys(MEMPOLICY_FLAGS).join(", ")}`);
    flags |= bit;
  }
  return {
    op: "mempolicy", mode: mode | flags, nodemask: nodemask(policy.nodes),
    desc: { step: `set the memory policy ${policy.mode}${policy.nodes ? ` on nodes ${policy.nodes}` : ""}`, field: "linux.memoryPolicy", syscall: "set_mempolicy" },
  };
}
