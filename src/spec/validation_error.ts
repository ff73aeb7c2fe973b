/**
 * The error a document that breaks the spec raises: every problem found, one
 * per line, each `file: pointer: message`.
 *
 * @example
 * ```ts
 * import { ValidationError } from "./validation_error.ts";
 * const e = new ValidationError("config.json", [{ pointer: "/process/cwd", message: "is required" }]);
 * e.message; // "config.json: /process/cwd: is required"
 * ```
 */
import { RongqiError } from "../errors.ts";
import { formatProblem, type Problem } from "./problem.ts";

export class ValidationError extends RongqiError {
  /** The document's name as shown in messages, e.g. config.json. */
  readonly file: string;
  /** The errors found (never warnings), in the order they were found. */
  readonly problems: Problem[];
  constructor(file: string, problems: Problem[]) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"));
    this.name = "ValidationError";
    this.file = file;
    this.problems = problems;
  }
}
