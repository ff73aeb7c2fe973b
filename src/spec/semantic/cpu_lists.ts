/**
 * CPU and memory node lists (resources.cpu.cpus and mems, execCPUAffinity,
 * memoryPolicy.nodes) must not have a range that runs backwards ("3-1"):
 * the kernel refuses it. Their form is checked by the schema.
 *
 * @example
 * ```ts
 * import { checkCpuLists } from "./cpu_lists.ts";
 * checkCpuLists({ ociVersion: "1.3.0", root: { path: "r" }, linux: { resources: { cpu: { cpus: "0,3-1" } } } });
 * // [{ pointer: "/linux/resources/cpu/cpus", message: 'range "3-1" runs backwards: write "1-3"' }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { cpuListRanges } from "./_cpu_list.ts";

export function checkCpuLists(config: Config): Problem[] {
  const lists: [string, string | undefined][] = [
    ["/linux/resources/cpu/cpus", config.linux?.resources?.cpu?.cpus],
    ["/linux/resources/cpu/mems", config.linux?.resources?.cpu?.mems],
    ["/linux/memoryPolicy/nodes", config.linux?.memoryPolicy?.nodes],
    ["/process/execCPUAffinity/initial", config.process?.execCPUAffinity?.initial],
    ["/process/execCPUAffinity/final", config.process?.execCPUAffinity?.final],
  ];
  const out: Problem[] = [];
  for (const [at, list] of lists) {
    if (typeof list !== "string") continue;
    const { reversed } = cpuListRanges(list);
    if (reversed !== undefined) {
      out.push(problem(at, `range "${reversed}" runs backwards: write "${reversed.split("-").reverse().join("-")}"`));
    }
  }
  return out;
}
