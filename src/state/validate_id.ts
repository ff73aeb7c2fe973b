/**
 * Checks a container id the way runc does, before it is ever used as a path
 * component under the state root.
 *
 * Rules: not empty, at most 1024 characters, only `A-Z a-z 0-9 _ + . -`,
 * and not `.` or `..`.
 *
 * @example
 * ```ts
 * import { validateId } from "./validate_id.ts";
 * validateId("web-1");  // ok
 * validateId("a/b");    // throws: invalid container id "a/b": only A-Z, a-z, 0-9, '_', '+', '.' and '-' are allowed
 * ```
 */
import { RongqiError } from "../errors.ts";

export const MAX_ID_LENGTH = 1024;

export function validateId(id: string): void {
  const why = idProblem(id);
  if (why !== undefined) throw new RongqiError(`invalid container id ${quoteId(id)}: ${why}`);
}

/** The id quoted for a message, shortened when very long. */
export function quoteId(id: string): string {
  return JSON.stringify(typeof id === "string" && id.length > 80 ? `${id.slice(0, 80)}...` : id);
}

/** Why `id` is not a valid container id, or undefined when it is. */
export function idProblem(id: string): string | undefined {
  if (typeof id !== "string" || id.length === 0) return "it must not be empty";
  if (id.length > MAX_ID_LENGTH) return `it is ${id.length} characters long, the limit is ${MAX_ID_LENGTH}`;
  if (id === "." || id === "..") return "it must not be '.' or '..'";
  if (!/^[A-Za-z0-9_+.-]+$/.test(id)) return "only A-Z, a-z, 0-9, '_', '+', '.' and '-' are allowed";
  return undefined;
}
