/**
 * Parses a JSON document read from `file`, or throws a RongqiError that says
 * where the text stops being JSON, by line and column.
 *
 * @example
 * ```ts
 * import { parseJson } from "./parse_json.ts";
 * parseJson('{"ociVersion": "1.2.0"}', "config.json"); // { ociVersion: "1.2.0" }
 * parseJson('{\n  "a": 1\n  "b": 2\n}', "config.json");
 * // throws: config.json: invalid JSON at line 3, column 3: expected "," or "}" after property value, found "\""
 * ```
 */
import { RongqiError } from "../errors.ts";
import { locateJsonError } from "./_json_error.ts";

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (text.trim() === "") throw new RongqiError(`${file}: invalid JSON: the file is empty`);
    const where = locateJsonError(text);
    if (where) {
      throw new RongqiError(`${file}: invalid JSON at line ${where.line}, column ${where.column}: ${where.message}`);
    }
    throw new RongqiError(`${file}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}
