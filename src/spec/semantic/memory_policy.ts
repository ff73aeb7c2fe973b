/**
 * linux.memoryPolicy: the nodes a mode takes (set_mempolicy(2), as
 * config-linux.md points to): MPOL_DEFAULT and MPOL_LOCAL take none;
 * MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE and
 * MPOL_PREFERRED_MANY need at least one; MPOL_PREFERRED takes one or none.
 * MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other.
 *
 * @example
 * ```ts
 * import { checkMemoryPolicy } from "./memory_policy.ts";
 * checkMemoryPolicy({ ociVersion: "1.3.0", root: { path: "r" }, linux: { memoryPolicy: { mode: "MPOL_BIND" } } });
 * // [{ pointer: "/linux/memoryPolicy/nodes", message: "is required with MPOL_BIND: list at least one node" }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config, MemoryPolicyMode } from "../types/config.ts";
import { cpuListRanges } from "./_cpu_list.ts";

const NO_NODES: readonly MemoryPolicyMode[] = ["MPOL_DEFAULT", "MPOL_LOCAL"];
const NEEDS_NODES: readonly MemoryPolicyMode[] = ["MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY"];

export function checkMemoryPolicy(config: Config): Problem[] {
  const policy = config.linux?.memoryPolicy;
  if (!policy) return [];
  const out: Problem[] = [];
  const nodes = policy.nodes === undefined ? [] : cpuListRanges(policy.nodes).ranges;
  const count = nodes.reduce((n, [a, b]) => n + Math.max(0, b - a + 1), 0);
  if (NO_NODES.includes(policy.mode) && count > 0) {
    out.push(problem("/linux/memoryPolicy/nodes", `must be empty with ${policy.mode}`));
  }
  if (NEEDS_NODES.includes(policy.mode) && count === 0) {
    out.push(problem("/linux/memoryPolicy/nodes", `is required with ${policy.mode}: list at least one node`));
  }
  if (policy.mode === "MPOL_PREFERRED" && count > 1) {
    out.push(problem("/linux/memoryPolicy/nodes", "must name one node with MPOL_PREFERRED (MPOL_PREFERRED_MANY takes several)"));
  }
  const flags = policy.flags ?? [];
  if (flags.includes("MPOL_F_STATIC_NODES") && flags.includes("MPOL_F_RELATIVE_NODES")) {
    out.push(problem("/linux/memoryPolicy/flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be used together"));
  }
  return out;
}
