/**
 * Reads and validates the process document of `exec --process process.json`:
 * a config.json `process` object on its own. Same checks and error style as
 * {@link loadConfig}, with pointers from the process and the file's name as
 * prefix (`process.json: /cwd: is required`).
 *
 * @example
 * ```ts
 * import { loadProcess } from "./load_process.ts";
 * const warnings: string[] = [];
 * const proc = loadProcess("/tmp/process.json", warnings);
 * proc.args; // ["sh", "-c", "echo hi"]
 * ```
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { SPEC_VERSION } from "../version.ts";
import { checkConfig } from "./check_config.ts";
import { parseJson } from "./parse_json.ts";
import { formatProblem, type Problem } from "./problem.ts";
import { PROCESS_CHECKS } from "./semantic/checks.ts";
import type { Config, Process } from "./types/config.ts";
import { validateProcess } from "./validate_config.ts";
import { ValidationError } from "./validation_error.ts";

/** Loads `file`; warnings, each `<file name>: <pointer>: <message>`, are appended to `warnings` when given. */
export function loadProcess(file: string, warnings?: string[]): Process {
  const name = basename(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : (code ?? (e as Error).message);
    throw new RongqiError(`process file ${resolve(file)} ${code === "ENOENT" || code === "EISDIR" ? why : `cannot be read: ${why}`}`, { cause: e });
  }
  const doc = parseJson(text, name);
  const found: Problem[] = [];
  const errors = validateProcess(doc, found);
  found.push(...errors);
  // The process checks read config.process: run them on a config holding this process.
  const wrapped = { ociVersion: SPEC_VERSION, root: { path: "." }, process: doc } as Config;
  const schemaProblems = errors.map((p) => ({ ...p, pointer: `/process${p.pointer}` }));
  for (const p of checkConfig(wrapped, { bundle: "/" }, { checks: PROCESS_CHECKS, schemaProblems })) {
    found.push({ ...p, pointer: p.pointer.replace(/^\/process/, "") });
  }
  const problems = found.filter((p) => !p.warning);
  if (problems.length > 0) throw new ValidationError(name, problems);
  warnings?.push(...found.filter((p) => p.warning).map((p) => formatProblem(name, p)));
  return doc as Process;
}
