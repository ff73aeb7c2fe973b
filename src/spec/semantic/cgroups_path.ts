/**
 * linux.cgroupsPath is absolute (from the cgroup mount point) or relative (to
 * where rongqi puts containers); "Runtimes MAY consider certain cgroupsPath
 * values to be invalid, and MUST generate an error if this is the case"
 * (config-linux.md). rongqi refuses paths with a .. component, which could
 * climb out of the place meant for the container, and NUL characters.
 *
 * @example
 * ```ts
 * import { checkCgroupsPath } from "./cgroups_path.ts";
 * checkCgroupsPath({ ociVersion: "1.3.0", root: { path: "r" }, linux: { cgroupsPath: "../../etc" } });
 * // [{ pointer: "/linux/cgroupsPath", message: '"../../etc" must not contain a .. component' }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkCgroupsPath(config: Config): Problem[] {
  const path = config.linux?.cgroupsPath;
  if (path === undefined) return [];
  if (path.includes("\0")) return [problem("/linux/cgroupsPath", "must not contain a NUL character")];
  if (path.split("/").includes("..")) {
    return [problem("/linux/cgroupsPath", `${JSON.stringify(path)} must not contain a .. component`)];
  }
  return [];
}
