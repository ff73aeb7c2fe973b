/**
 * `process.execCPUAffinity` of an exec'd process: `initial` is the CPU list
 * the process runs on before it moves into the container's cgroup, `final`
 * the one after (config.md; not applicable to the container's init). Both
 * are set in the helper before its fork, which inherits them.
 *
 * @example
 * ```ts
 * const { before, after } = execCpuAffinityOps({ initial: "7", final: "0-3,7" });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { listBitmask } from "./list_bitmask.ts";
import type { Op } from "./process/protocol.ts";

export interface ExecCpuAffinity {
  initial?: string;
  final?: string;
}

/** "0-3,7" as a CPU mask of whole 64-bit words. */
export function cpuMask(list: string, field: string): Buffer {
  const mask = listBitmask(list, field, "CPU");
  if (!mask.length) throw new RongqiError(`${field}: lists no CPU`);
  return mask;
}

export function execCpuAffinityOps(affinity: ExecCpuAffinity | undefined): { before: Op[]; after: Op[] } {
  const op = (list: string | undefined, which: "initial" | "final"): Op[] =>
    list ? [{
      op: "affinity", mask: cpuMask(list, `process.execCPUAffinity.${which}`),
      desc: { step: `run on CPUs ${list} (${which === "initial" ? "before" : "after"} joining the cgroup)`, field: `process.execCPUAffinity.${which}`, syscall: "sched_setaffinity" },
    }] : [];
  return { before: op(affinity?.initial, "initial"), after: op(affinity?.final, "final") };
}
