/**
 * Locates the native helper `build/rongqi-init` of this rongqi installation:
 * the directory holding package.json, found by walking up from this module,
 * works both from source (src/linux/process/) and from the bundle (dist/).
 *
 * @example
 * ```ts
 * import { findHelper } from "./find_helper.ts";
 * findHelper(); // "/opt/rongqi/build/rongqi-init"
 * ```
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RongqiError } from "../../errors.ts";

let found: string | undefined;

export function findHelper(from: string = import.meta.url): string {
  if (found !== undefined && from === import.meta.url) return found;
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new RongqiError(`rongqi-init: no package.json above ${fileURLToPath(from)}`);
    dir = up;
  }
  const helper = join(dir, "build", "rongqi-init");
  if (!existsSync(helper)) {
    throw new RongqiError(`rongqi-init not found at ${helper} (build it with: sh scripts/build-native.sh)`);
  }
  if (from === import.meta.url) found = helper;
  return helper;
}
