/**
 * Runs the semantic checks (semantic/checks.ts) on a config: what the spec
 * requires that a schema cannot express, such as the namespaces a setting
 * needs or the rootfs directory. Returns errors and warnings (`warning: true`).
 *
 * Normally run on a config that passed the schema. Given the schema's
 * problems, it also runs on one that did not, so that one pass reports every
 * mistake: each check is then guarded (a check tripping on a malformed value
 * reports nothing) and findings at or under a pointer the schema already
 * flagged are dropped.
 *
 * @example
 * ```ts
 * import { checkConfig } from "./check_config.ts";
 * checkConfig({ ociVersion: "1.3.0", root: { path: "rootfs" }, hostname: "box" }, { bundle: "/b" });
 * // [..., { pointer: "/hostname", message: "cannot set the hostname without a uts namespace: ..." }]
 * ```
 */
import type { Problem } from "./problem.ts";
import { CONFIG_CHECKS, type Check, type CheckContext } from "./semantic/checks.ts";
import type { Config } from "./types/config.ts";

export interface CheckConfigOptions {
  /** Problems the schema found in this config, if any (see above). */
  schemaProblems?: readonly Problem[];
  /** The checks to run, in order (default: all of CONFIG_CHECKS). */
  checks?: readonly Check[];
}

export function checkConfig(config: Config, ctx: CheckContext, options: CheckConfigOptions = {}): Problem[] {
  const flagged = (options.schemaProblems ?? []).filter((p) => !p.warning).map((p) => p.pointer);
  const out: Problem[] = [];
  for (const check of options.checks ?? CONFIG_CHECKS) {
    if (flagged.length === 0) {
      out.push(...check(config, ctx));
      continue;
    }
    let found: Problem[];
    try {
      found = check(config, ctx);
    } catch {
      continue;
    }
    out.push(...found.filter((p) => !flagged.some((f) => p.pointer === f || p.pointer.startsWith(`${f}/`) || f === "")));
  }
  return out;
}
