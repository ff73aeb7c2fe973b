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
import { listBitmask } from "./list_bitmask.ts";
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
  return listBitmask(nodes, "linux.memoryPolicy.nodes", "node", 4095);
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
