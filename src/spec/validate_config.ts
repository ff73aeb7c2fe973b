/**
 * Checks a parsed config.json against rongqi's schema (schemas/config.schema.json,
 * precompiled: no schema is compiled at run time). Returns every error found,
 * as readable problems; unknown properties are not errors (config.md,
 * Extensibility) and go to `warnings` when given.
 *
 * This is the schema only: the checks a schema cannot express (namespaces a
 * setting needs, the rootfs directory, ...) are in {@link checkConfig}, and
 * {@link loadConfig} runs both.
 *
 * @example
 * ```ts
 * import { validateConfig } from "./validate_config.ts";
 * validateConfig({ ociVersion: "1.2.0", root: { path: "rootfs" }, linux: { namespaces: [{ type: "netz" }] } });
 * // [{ pointer: "/linux/namespaces/0/type",
 * //    message: '"netz" is not one of pid, network, mount, ipc, uts, user, cgroup, time' }]
 * ```
 */
import { validateConfigSchema, validateProcessSchema } from "./_config_validator.generated.js";
import { schemaProblems } from "./_schema_problems.ts";
import type { Problem } from "./problem.ts";

export function validateConfig(value: unknown, warnings?: Problem[]): Problem[] {
  if (validateConfigSchema(value)) return [];
  return split(schemaProblems(validateConfigSchema.errors ?? [], value, { unknownProperties: "warn" }), warnings);
}

/** Same for a process object alone (the document of `exec --process`); pointers start at the process. */
export function validateProcess(value: unknown, warnings?: Problem[]): Problem[] {
  if (validateProcessSchema(value)) return [];
  return split(schemaProblems(validateProcessSchema.errors ?? [], value, { unknownProperties: "warn" }), warnings);
}

function split(found: Problem[], warnings: Problem[] | undefined): Problem[] {
  if (warnings) warnings.push(...found.filter((p) => p.warning));
  return found.filter((p) => !p.warning);
}
