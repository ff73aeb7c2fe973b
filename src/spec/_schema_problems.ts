/**
 * Turns the errors of a precompiled ajv validator into rongqi's problems:
 * one readable message per mistake, saying what is wrong and what is allowed,
 * at the JSON pointer of the offending value. Noise is dropped: `if` reports,
 * the branches of an anyOf (one message for the whole choice), the outer
 * report of a propertyNames failure, and duplicates.
 *
 * @example
 * ```ts
 * import { schemaProblems } from "./_schema_problems.ts";
 * const doc = { linux: { namespaces: [{ type: "netz" }] } };
 * schemaProblems([{ keyword: "enum", instancePath: "/linux/namespaces/0/type", schemaPath: "#/enum",
 *   params: { allowedValues: ["pid", "network"] } }], doc, { unknownProperties: "warn" });
 * // [{ pointer: "/linux/namespaces/0/type", message: '"netz" is not one of pid, network' }]
 * ```
 */
import type { SchemaError } from "./_config_validator.generated.js";
import { pointer as joinPointer, show, warning, type Problem } from "./problem.ts";

export interface SchemaProblemOptions {
  /**
   * How to report an `additionalProperties` failure: "warn" for config.json,
   * whose unknown properties must be ignored (logged at most); "error" where
   * the spec forbids them (the features structure).
   */
  unknownProperties: "warn" | "error";
}

/** Readable names for the patterns of rongqi's schemas (a test keeps this complete). */
export const PATTERN_NAMES: Readonly<Record<string, (v: string) => string>> = {
  "^/": (v) => `${show(v)} is not an absolute path (it must start with /)`,
  "^(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)(?:-(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$":
    (v) => `${show(v)} is not a SemVer 2.0.0 version such as 1.2.0`,
  "^(?:[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*)?$": (v) =>
    `${show(v)} is not a list of numbers and ranges separated by commas, such as 0-3,7`,
  "^(?!\\.\\.?$)[^/:\\s]{1,15}$": (v) =>
    `${show(v)} is not a network interface name (1 to 15 characters, no /, : or whitespace, not . or ..)`,
  "^(?!\\.\\.?$)[^/]+$": (v) => `${show(v)} is not a cgroup file name (no /, not . or ..)`,
  "^(?:/|(?!\\.\\.?$)[^/\\n]+)$": (v) =>
    `${show(v)} is not a resctrl group name (no / and no newline, not . or ..; / alone means the default group)`,
  "^MB:[^\\n]*$": (v) => `${show(v)} must start with MB: and be a single line`,
  "^[0-9]+[KMGTPE]?B$": (v) => `${show(v)} is not a page size such as 64KB, 2MB or 1GB`,
  "^[^\\n]*$": (v) => `${show(v)} must not contain a newline`,
  "^[rwm]*$": (v) => `${show(v)} must be made of r (read), w (write) and m (mknod)`,
};

export function schemaProblems(errors: readonly SchemaError[], doc: unknown, options: SchemaProblemOptions): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const add = (p: Problem | undefined) => {
    if (!p) return;
    const key = `${p.warning ? "w" : "e"}\0${p.pointer}\0${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  // The reports of an anyOf/oneOf's branches come before the report of the choice itself:
  // find them first, then translate everything in order.
  const consumed = new Set<number>();
  const choices = new Map<number, Problem[]>();
  errors.forEach((e, i) => {
    if (e.keyword !== "anyOf" && e.keyword !== "oneOf") return;
    const branches = branchErrors(errors, i);
    for (const j of branches.keys()) consumed.add(j);
    choices.set(i, choiceProblems(e, [...branches.values()], doc, options));
  });
  errors.forEach((e, i) => {
    if (choices.has(i)) choices.get(i)!.forEach(add);
    else if (consumed.has(i)) return;
    else if (e.keyword === "propertyNames" && hasInnerNameError(errors, e)) return;
    else add(translate(e, doc, options));
  });
  return out;
}

/** The errors (by index) that belong to the branches of the choice at errors[at]. */
function branchErrors(errors: readonly SchemaError[], at: number): Map<number, SchemaError> {
  const choice = errors[at]!;
  const prefix = `${choice.schemaPath}/`;
  const found = new Map<number, SchemaError>();
  for (let j = at - 1; j >= 0; j--) {
    const e = errors[j]!;
    if (!e.schemaPath.startsWith(prefix) || !isWithin(e.instancePath, choice.instancePath)) break;
    found.set(j, e);
  }
  return found;
}

function choiceProblems(choice: SchemaError, branches: SchemaError[], doc: unknown, options: SchemaProblemOptions): Problem[] {
  if (choice.keyword === "oneOf" && Array.isArray(choice.params.passingSchemas)) {
    return [{ pointer: choice.instancePath, message: "matches more than one of the allowed forms" }];
  }
  if (branches.length > 0 && branches.every((b) => b.keyword === "required" && b.instancePath === choice.instancePath)) {
    const names = [...new Set(branches.map((b) => String(b.params.missingProperty)))].reverse();
    return [{ pointer: choice.instancePath, message: `must have at least one of ${names.join(", ")}` }];
  }
  // Otherwise report the branch that got furthest into the data: the deepest errors, then the fewest.
  const byBranch = new Map<string, SchemaError[]>();
  for (const b of branches) {
    const branch = b.schemaPath.slice(choice.schemaPath.length + 1).split("/")[0]!;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), b]);
  }
  let best: SchemaError[] | undefined;
  let bestScore = [-1, 0];
  for (const errs of byBranch.values()) {
    const depth = Math.max(...errs.map((e) => e.instancePath.length));
    if (depth > bestScore[0]! || (depth === bestScore[0] && errs.length < bestScore[1]!)) {
      best = errs;
      bestScore = [depth, errs.length];
    }
  }
  if (!best) return [{ pointer: choice.instancePath, message: "does not match any of the allowed forms" }];
  return schemaProblems([...best].reverse(), doc, options);
}

function hasInnerNameError(errors: readonly SchemaError[], outer: SchemaError): boolean {
  return errors.some(
    (e) => e !== outer && e.propertyName === outer.params.propertyName && e.instancePath === outer.instancePath,
  );
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

function translate(e: SchemaError, doc: unknown, options: SchemaProblemOptions): Problem | undefined {
  const p = e.params;
  // An error about a property name (propertyNames) points at that property and quotes the key.
  const isKey = e.propertyName !== undefined;
  const at = isKey ? e.instancePath + joinPointer(e.propertyName!) : e.instancePath;
  const value = isKey ? e.propertyName : valueAt(doc, e.instancePath);
  const subject = isKey ? "key " : "";
  const err = (message: string): Problem => ({ pointer: at, message });
  switch (e.keyword) {
    case "required":
      return { pointer: e.instancePath + joinPointer(String(p.missingProperty)), message: "is required" };
    case "dependentRequired":
      return {
        pointer: e.instancePath + joinPointer(String(p.missingProperty)),
        message: `is required when ${p.property} is set`,
      };
    case "additionalProperties": {
      const where = e.instancePath + joinPointer(String(p.additionalProperty));
      return options.unknownProperties === "warn"
        ? warning(where, "unknown property, ignored")
        : { pointer: where, message: "unknown property: not defined by the spec" };
    }
    case "type":
      return err(`${subject}must be ${typeNames(p.type)}, not ${describe(value)}`);
    case "enum":
      return err(`${subject}${show(value)} is not one of ${(p.allowedValues as unknown[]).map(plain).join(", ")}`);
    case "const":
      return err(`${subject}must be ${show(p.allowedValue)}, not ${show(value)}`);
    case "pattern": {
      const named = PATTERN_NAMES[String(p.pattern)];
      const text = named ? named(String(value)) : `${show(value)} does not match the pattern ${p.pattern}`;
      return err(subject + text);
    }
    case "minimum":
      return err(`must be at least ${limit(p.limit)}, not ${show(value)}`);
    case "maximum":
      return err(`must be at most ${limit(p.limit)}, not ${show(value)}`);
    case "exclusiveMinimum":
      return err(`must be greater than ${limit(p.limit)}, not ${show(value)}`);
    case "exclusiveMaximum":
      return err(`must be less than ${limit(p.limit)}, not ${show(value)}`);
    case "minLength":
      return err(p.limit === 1 ? `${subject}must not be empty` : `${subject}must be at least ${p.limit} characters long`);
    case "maxLength":
      return err(`${subject}must be at most ${p.limit} characters long`);
    case "minItems":
      return err(p.limit === 1 ? "must have at least one entry" : `must have at least ${p.limit} entries`);
    case "maxItems":
      return err(p.limit === 0 ? "must be empty" : `must have at most ${p.limit} entries`);
    case "uniqueItems":
      return err(`has the same entry twice (entries ${p.j} and ${p.i})`);
    case "propertyNames":
      return { pointer: e.instancePath + joinPointer(String(p.propertyName)), message: "is not an allowed key" };
    case "false schema":
      return err("is not allowed");
    case "if":
      return undefined; // the failing `then` says what is wrong
    default:
      return err(`fails the schema's ${e.keyword} rule (${JSON.stringify(p)})`);
  }
}

/** The value at a JSON pointer in doc (undefined when absent). */
export function valueAt(doc: unknown, ptr: string): unknown {
  if (ptr === "") return doc;
  let v: unknown = doc;
  for (const raw of ptr.slice(1).split("/")) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[token];
  }
  return v;
}

function plain(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

const ARTICLE: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "an object",
  array: "an array",
  null: "null",
};

function typeNames(t: unknown): string {
  const list = Array.isArray(t) ? t : String(t).split(",");
  const names = list.map((x) => ARTICLE[String(x)] ?? String(x));
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return `a string (${show(v)})`;
    case "number":
      return `a number (${v})`;
    case "boolean":
      return `a boolean (${v})`;
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}

/** Limits as the spec writes them: 2^64-1 and friends are not exact doubles. */
function limit(n: unknown): string {
  if (n === 2 ** 64) return "18446744073709551615";
  if (n === 2 ** 63) return "9223372036854775807";
  if (n === -(2 ** 63)) return "-9223372036854775808";
  return String(n);
}
