/**
 * ociVersion must be a version rongqi implements (1.0.0 to 1.3.x): "Runtimes
 * MUST generate an error when invalid or unsupported values are encountered"
 * (config.md, Valid values). Its SemVer form is checked by the schema.
 *
 * @example
 * ```ts
 * import { checkOciVersion } from "./oci_version.ts";
 * checkOciVersion({ ociVersion: "2.0.0", root: { path: "rootfs" } }, { bundle: "/b" });
 * // [{ pointer: "/ociVersion", message: 'version 2.0.0 is not supported: rongqi accepts 1.0.0 to 1.3.x' }]
 * ```
 */
import { isSupportedOciVersion, supportedOciVersions } from "../oci_version.ts";
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkOciVersion(config: Config): Problem[] {
  if (typeof config.ociVersion !== "string" || isSupportedOciVersion(config.ociVersion)) return [];
  return [problem("/ociVersion", `version ${config.ociVersion} is not supported: rongqi accepts ${supportedOciVersions()}`)];
}
