/**
 * Checks a container state document (runtime.md, State) against rongqi's
 * schema (schemas/state.schema.json, precompiled). The state MAY carry
 * properties the spec does not define, so those are not problems.
 *
 * @example
 * ```ts
 * import { validateState } from "./validate_state.ts";
 * validateState({ ociVersion: "1.3.0", id: "c1", status: "running", bundle: "/b" });
 * // [{ pointer: "/pid", message: "is required" }]
 * ```
 */
import { validateContainerProcessStateSchema, validateStateSchema } from "./_state_validator.generated.js";
import { schemaProblems } from "./_schema_problems.ts";
import type { Problem } from "./problem.ts";

export function validateState(doc: unknown): Problem[] {
  if (validateStateSchema(doc)) return [];
  return schemaProblems(validateStateSchema.errors ?? [], doc, { unknownProperties: "warn" }).filter((p) => !p.warning);
}

/** Checks the container process state sent to a seccomp agent (config-linux.md). */
export function validateContainerProcessState(doc: unknown): Problem[] {
  if (validateContainerProcessStateSchema(doc)) return [];
  const errors = validateContainerProcessStateSchema.errors ?? [];
  return schemaProblems(errors, doc, { unknownProperties: "warn" }).filter((p) => !p.warning);
}
