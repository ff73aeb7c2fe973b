/**
 * Reads and validates a bundle's config.json, as create and run need it:
 * parsed, checked against the schema and the semantic checks, every error
 * reported at once in a {@link ValidationError} (one line per problem,
 * `config.json: <pointer>: <message>`). Warnings (unknown properties,
 * deprecated forms, capabilities that cannot be granted...) are returned for
 * the caller to log.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./load_config.ts";
 * const { config, rootfs, warnings } = loadConfig("/containers/redis");
 * rootfs;   // "/containers/redis/rootfs"
 * warnings; // ['config.json: /process/terminall: unknown property, ignored']
 * ```
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { checkConfig } from "./check_config.ts";
import { parseJson } from "./parse_json.ts";
import { formatProblem, type Problem } from "./problem.ts";
import type { Config } from "./types/config.ts";
import { validateConfig } from "./validate_config.ts";
import { ValidationError } from "./validation_error.ts";

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the bundle directory. */
  bundle: string;
  /** Absolute path of the root filesystem: root.path resolved against the bundle. */
  rootfs: string;
  /** Warnings to log, each `config.json: <pointer>: <message>`. */
  warnings: string[];
}

const FILE = "config.json";

export function loadConfig(bundleDir: string): LoadedConfig {
  const bundle = resolve(bundleDir);
  const doc = parseJson(readConfigText(bundle), FILE);
  const found: Problem[] = [];
  const errors = validateConfig(doc, found);
  found.push(...errors);
  found.push(...checkConfig(doc as Config, { bundle }, { schemaProblems: errors }));
  const problems = found.filter((p) => !p.warning);
  if (problems.length > 0) throw new ValidationError(FILE, problems);
  const config = doc as Config;
  return {
    config,
    bundle,
    rootfs: resolve(bundle, config.root.path),
    warnings: found.filter((p) => p.warning).map((p) => formatProblem(FILE, p)),
  };
}

function readConfigText(bundle: string): string {
  const file = join(bundle, FILE);
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      let bundleExists = true;
      try {
        statSync(bundle);
      } catch {
        bundleExists = false;
      }
      throw new RongqiError(
        bundleExists
          ? `no config.json in bundle ${bundle}: ${file} does not exist`
          : `bundle directory ${bundle} does not exist`,
        { cause: e },
      );
    }
    if (code === "ENOTDIR") throw new RongqiError(`bundle ${bundle} is not a directory`, { cause: e });
    if (code === "EISDIR") throw new RongqiError(`${file} is a directory, not a file`, { cause: e });
    throw new RongqiError(`cannot read ${file}: ${code ?? (e as Error).message}`, { cause: e });
  }
}
