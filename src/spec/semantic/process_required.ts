/**
 * A config for create must have a process: "This property is REQUIRED when
 * start is called" (config.md) and start "MUST generate an error if process
 * was not set" (runtime.md); refusing at create saves making a container that
 * can never start.
 *
 * @example
 * ```ts
 * import { checkProcessRequired } from "./process_required.ts";
 * checkProcessRequired({ ociVersion: "1.3.0", root: { path: "rootfs" } });
 * // [{ pointer: "/process", message: "is required: start runs this process" }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkProcessRequired(config: Config): Problem[] {
  return config.process === undefined ? [problem("/process", "is required: start runs this process")] : [];
}
