/**
 * A problem found in a JSON document (config.json, process.json, state,
 * features): where, as a JSON pointer (RFC 6901, "" for the whole document),
 * and what is wrong in words that also say what is allowed. A problem marked
 * `warning` is logged and does not stop the operation.
 *
 * @example
 * ```ts
 * import { problem, pointer, formatProblem } from "./problem.ts";
 * const p = problem(pointer("linux", "namespaces", 2, "type"), '"netz" is not one of pid, network');
 * formatProblem("config.json", p); // 'config.json: /linux/namespaces/2/type: "netz" is not one of pid, network'
 * ```
 */
export interface Problem {
  /** JSON pointer to the offending value; "" is the whole document. */
  pointer: string;
  message: string;
  /** true for a warning (logged, never fatal); absent for an error. */
  warning?: true;
}

/** An error at `pointer`. */
export function problem(pointer: string, message: string): Problem {
  return { pointer, message };
}

/** A warning at `pointer`. */
export function warning(pointer: string, message: string): Problem {
  return { pointer, message, warning: true };
}

/** Builds a JSON pointer from reference tokens, escaping `~` and `/`. */
export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => "/" + String(t).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/** `file: pointer: message`, or `file: message` for the whole document. */
export function formatProblem(file: string, p: Problem): string {
  return p.pointer === "" ? `${file}: ${p.message}` : `${file}: ${p.pointer}: ${p.message}`;
}

/** Quotes a value for a message: strings as JSON strings, others as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}
