/**
 * rongqi's version and the runtime-spec version it implements.
 *
 * @example
 * ```ts
 * import { VERSION, SPEC_VERSION } from "./version.ts";
 * `rongqi ${VERSION} implements runtime-spec ${SPEC_VERSION}`;
 * ```
 */
import pkg from "../package.json" with { type: "json" };

/** The package version (package.json is the one place it is written). */
export const VERSION: string = pkg.version;

/** The OCI runtime-spec version rongqi implements and writes in `rongqi spec`. */
export const SPEC_VERSION = "1.3.0";

/** The oldest runtime-spec version rongqi accepts in a config.json. */
export const SPEC_VERSION_MIN = "1.0.0";
