/**
 * Writes the starter config.json into a bundle directory, refusing to
 * replace one that exists (as `runc spec` does).
 *
 * @example
 * ```ts
 * import { writeDefaultConfig } from "./write_default_config.ts";
 * writeDefaultConfig("/tmp/bundle", { rootless: true }); // "/tmp/bundle/config.json"
 * ```
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { defaultConfig, type DefaultConfigOptions } from "./default_config.ts";

/** Returns the path written. */
export function writeDefaultConfig(bundleDir: string, options: DefaultConfigOptions = {}): string {
  const path = join(resolve(bundleDir), "config.json");
  const text = JSON.stringify(defaultConfig(options), null, "\t") + "\n";
  try {
    writeFileSync(path, text, { flag: "wx", mode: 0o666 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new RongqiError(`${path} exists: remove it first`, { cause: err });
    if (code === "ENOENT") throw new RongqiError(`bundle directory ${resolve(bundleDir)} does not exist`, { cause: err });
    throw new RongqiError(`cannot write ${path}: ${code ?? String(err)}`, { cause: err });
  }
  return path;
}
