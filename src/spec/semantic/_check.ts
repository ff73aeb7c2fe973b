/**
 * What a semantic check is: a function of the parsed config (already checked
 * against the schema) that returns the problems the schema cannot see, errors
 * and warnings alike, at JSON pointers into config.json.
 *
 * @example
 * ```ts
 * import type { Check } from "./_check.ts";
 * const noHostname: Check = (config) => (config.hostname ? [] : []);
 * ```
 */
import type { Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export interface CheckContext {
  /** Absolute path of the bundle directory. */
  bundle: string;
}

export type Check = (config: Config, ctx: CheckContext) => Problem[];
