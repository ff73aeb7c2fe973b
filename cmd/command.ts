/**
 * What a rongqi subcommand is: a descriptor with its name, help texts, flags,
 * positional arguments and run function. The CLI parses, validates and
 * documents (`--help`) every command from its descriptor alone.
 *
 * To add a command, write `cmd/commands/<name>.ts` exporting a descriptor made
 * with {@link defineCommand}, and add it to the list in `cmd/commands/index.ts`.
 * Keep the descriptor file light: import the implementation inside `run` with
 * `await import(...)`, so that other commands do not pay for loading it.
 *
 * @example
 * ```ts
 * export const state = defineCommand({
 *   name: "state",
 *   summary: "output the state of a container",
 *   args: [{ name: "container-id" }],
 *   flags: [{ name: "pretty", type: "boolean", help: "indent the JSON" }] as const,
 *   async run({ args, flags, globals, out }) {
 *     const { state } = await import("../../src/state/state.ts");
 *     out(JSON.stringify(await state(globals.root, args[0]!), null, flags.pretty ? 2 : 0) + "\n");
 *   },
 * });
 * ```
 */
import type { RuntimeOptions } from "../src/runtime_options.ts";

export type FlagType = "boolean" | "string" | "uint" | "strings";

export interface FlagDef {
  /** long name, used as `--name` and as the key in the parsed flags */
  readonly name: string;
  /** one-letter alias, used as `-x` */
  readonly short?: string;
  readonly type: FlagType;
  readonly help: string;
  /** placeholder shown in help, e.g. DIR (default: VALUE) */
  readonly value?: string;
  /** the only accepted values of a string flag */
  readonly choices?: readonly string[];
  /** value when the flag is absent (booleans: false, strings: []) */
  readonly default?: string | number;
  /** text for the default in help when it is computed, e.g. "current directory" */
  readonly defaultHelp?: string;
}

export interface ArgDef {
  readonly name: string;
  readonly optional?: boolean;
  /** takes all remaining arguments (last only) */
  readonly variadic?: boolean;
}

type ValueOf<F extends FlagDef> = F["type"] extends "boolean"
  ? boolean
  : F["type"] extends "strings"
    ? string[]
    : F["type"] extends "uint"
      ? F extends { default: number } ? number : number | undefined
      : F extends { default: string } ? string : string | undefined;

/** The parsed flags of a command, keyed by long name, typed from its definitions. */
export type FlagValues<Fs extends readonly FlagDef[]> = { [F in Fs[number] as F["name"]]: ValueOf<F> };

export interface CommandContext<Fs extends readonly FlagDef[] = readonly FlagDef[]> {
  flags: FlagValues<Fs>;
  /** positional arguments, already checked against `args` */
  args: string[];
  /** the global options, to pass to the library */
  globals: RuntimeOptions;
  /** writes to standard output */
  out: (text: string) => void;
  /** writes to standard error (for the user; records for the log go through src/log.ts) */
  err: (text: string) => void;
}

export interface CommandDescriptor<Fs extends readonly FlagDef[] = readonly FlagDef[]> {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** one line, lower case, no final period (shown in the command list) */
  readonly summary: string;
  /** longer help, plain text paragraphs */
  readonly description?: string;
  readonly flags: Fs;
  readonly args: readonly ArgDef[];
  /** false: flags are recognized only before the first positional argument
   *  (for commands whose trailing arguments are a command line of their own) */
  readonly interspersed?: boolean;
  /** resolves to the exit code (default 0); throws to fail */
  run(ctx: CommandContext<Fs>): Promise<number | void> | number | void;
}

/** Identity function that types a descriptor's `run` from its flag definitions. */
export function defineCommand<const Fs extends readonly FlagDef[]>(descriptor: CommandDescriptor<Fs>): CommandDescriptor<Fs> {
  return descriptor;
}

/** A descriptor of any flag set, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDescriptor<any>;
