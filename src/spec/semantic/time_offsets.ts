/**
 * linux.timeOffsets set the clocks of a new time namespace
 * (config-linux.md): without a time entry in linux.namespaces there is none,
 * and the offsets of a namespace joined by path cannot be changed (the kernel
 * only accepts them before a process enters it).
 *
 * @example
 * ```ts
 * import { checkTimeOffsets } from "./time_offsets.ts";
 * checkTimeOffsets({ ociVersion: "1.3.0", root: { path: "r" }, linux: { timeOffsets: { boottime: { secs: 1 } } } });
 * // [{ pointer: "/linux/timeOffsets", message: 'need a new time namespace: add {"type": "time"} to linux.namespaces' }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { namespaceOf } from "./_namespaces.ts";

export function checkTimeOffsets(config: Config): Problem[] {
  const offsets = config.linux?.timeOffsets;
  if (offsets === undefined || Object.keys(offsets).length === 0) return [];
  const ns = namespaceOf(config, "time");
  if (!ns) return [problem("/linux/timeOffsets", `need a new time namespace: add {"type": "time"} to linux.namespaces`)];
  if (ns.path !== undefined) {
    return [problem("/linux/timeOffsets", `cannot be set on the time namespace joined at ${ns.path}: they need a new one (no path)`)];
  }
  return [];
}
