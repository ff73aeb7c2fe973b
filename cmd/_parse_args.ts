// The command-line parser: Go-flag-compatible forms, as runc accepts them.
//   --name value, --name=value, -name value, -name=value, -x value (short)
//   booleans: --name, --name=true, --name=false (also 1/0, t/f)
//   "--" ends the flags; a lone "-" is an argument.
import { RongqiError } from "../src/errors.ts";
import type { FlagDef } from "./command.ts";
import { suggest } from "./_suggest.ts";

export type FlagValue = boolean | string | number | string[] | undefined;

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  positionals: string[];
}

export interface ParseOptions {
  /** flags may follow positional arguments (default true) */
  interspersed?: boolean;
  /** names the flags' owner in messages, e.g. `"spec"` or `rongqi` */
  owner: string;
  /** extra hint for an unknown flag (e.g. that it is a global flag) */
  unknownHint?: (name: string) => string | undefined;
}

const TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

/** Parses `argv` against flag definitions, filling defaults. Throws usage errors. */
export function parseArgs(argv: readonly string[], defs: readonly FlagDef[], options: ParseOptions): ParsedArgs {
  const byName = new Map<string, FlagDef>();
  for (const def of defs) {
    byName.set(def.name, def);
    if (def.short) byName.set(def.short, def);
  }
  const flags: Record<string, FlagValue> = {};
  for (const def of defs) flags[def.name] = initial(def);
  const positionals: string[] = [];
  const interspersed = options.interspersed ?? true;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || (!interspersed && positionals.length > 0)) {
      positionals.push(arg);
      continue;
    }
    const body = arg.slice(arg.startsWith("--") ? 2 : 1);
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const def = byName.get(name);
    if (!def) throw unknownFlag(name, defs, options);
    const spelled = (def.short === name ? "-" : "--") + name;
    if (def.type === "boolean") {
      if (inline === undefined) flags[def.name] = true;
      else if (TRUE.has(inline)) flags[def.name] = true;
      else if (FALSE.has(inline)) flags[def.name] = false;
      else throw usage(`invalid value "${inline}" for ${spelled}: expected true or false`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw usage(`flag ${spelled} needs a value${def.value ? ` (${def.value})` : ""}`);
      value = argv[++i]!;
    }
    flags[def.name] = convert(def, spelled, value, flags[def.name]);
  }
  return { flags, positionals };
}

function initial(def: FlagDef): FlagValue {
  switch (def.type) {
    case "boolean":
      return false;
    case "strings":
      return [];
    default:
      return def.default;
  }
}

function convert(def: FlagDef, spelled: string, value: string, previous: FlagValue): FlagValue {
  switch (def.type) {
    case "strings":
      return [...(previous as string[]), value];
    case "uint": {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw usage(`invalid value "${value}" for ${spelled}: expected a non-negative integer`);
      }
      return Number(value);
    }
    default:
      if (def.choices && !def.choices.includes(value)) {
        throw usage(`invalid value "${value}" for ${spelled}: must be one of ${def.choices.join(", ")}`);
      }
      return value;
  }
}

function unknownFlag(name: string, defs: readonly FlagDef[], options: ParseOptions): RongqiError {
  const spelled = (name.length === 1 ? "-" : "--") + name;
  const hint = options.unknownHint?.(name);
  if (hint) return usage(`unknown flag ${spelled} for ${options.owner}: ${hint}`);
  const candidates = defs.flatMap((d) => (d.short ? [d.name, d.short] : [d.name]));
  const near = name.length > 1 ? suggest(name, candidates) : undefined;
  const nearDef = near === undefined ? undefined : defs.find((d) => d.name === near || d.short === near);
  return usage(`unknown flag ${spelled} for ${options.owner}${nearDef ? ` (did you mean --${nearDef.name}?)` : ""}`);
}

/** A command-line mistake: exit code 1, like runc. */
export function usage(message: string): RongqiError {
  return new RongqiError(message, { exitCode: 1 });
}
