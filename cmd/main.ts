/**
 * The rongqi command line: parses the global options, picks the command from
 * the registry, parses its options and arguments, runs it, and turns any
 * failure into one line on standard error and a non-zero exit code.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * process.exitCode = await main(["--root", "/run/x", "features"]);
 * ```
 */
import { errorLine, RongqiError } from "../src/errors.ts";
import { configureLog, log } from "../src/log.ts";
import type { LogFormat } from "../src/log.ts";
import { defaultStateRoot, type RootlessSetting, type RuntimeOptions } from "../src/runtime_options.ts";
import { privateStateRoot } from "../src/state/private_state_root.ts";
import { SPEC_VERSION, VERSION } from "../src/version.ts";
import type { AnyCommand } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { GLOBAL_FLAGS } from "./_global_flags.ts";
import { argUsage, commandHelp, HELP_FLAG, mainHelp } from "./_help.ts";
import { parseArgs, usage } from "./_parse_args.ts";
import { suggest } from "./_suggest.ts";
import { writeAll } from "./_write_all.ts";

export interface MainIO {
  out(text: string): void;
  err(text: string): void;
}

const processIO: MainIO = {
  out: (text) => writeAll(1, text),
  err: (text) => writeAll(2, text),
};

/** The text of `rongqi --version`. */
export function versionText(): string {
  return `rongqi version ${VERSION}\nspec: ${SPEC_VERSION}\nnode: ${process.version}\n`;
}

/** Runs the CLI on `argv` (without the program name); resolves to the exit code. */
export async function main(argv: readonly string[], io: MainIO = processIO, commands: readonly AnyCommand[] = COMMANDS): Promise<number> {
  let debug = false;
  try {
    const global = parseArgs(argv, GLOBAL_FLAGS, { owner: "rongqi", interspersed: false });
    const g = global.flags;
    debug = g.debug === true;
    if (g.version) {
      io.out(versionText());
      return 0;
    }
    const [name, ...rest] = global.positionals;
    if (g.help || name === undefined) {
      io.out(mainHelp(commands, GLOBAL_FLAGS));
      return 0;
    }
    const globals: RuntimeOptions = {
      root: (g.root as string | undefined) ?? defaultRoot(),
      debug,
      log: g.log as string | undefined,
      logFormat: g["log-format"] as LogFormat,
      rootless: g.rootless as RootlessSetting,
    };
    openLog(globals);
    if (g["systemd-cgroup"]) {
      throw usage("--systemd-cgroup: the systemd cgroup manager is not supported yet; rongqi manages cgroups through cgroupfs only");
    }
    if (name === "help" || name === "h") {
      if (rest.length > 1) throw usage(`"help" takes at most one argument: the command`);
      io.out(rest[0] === undefined ? mainHelp(commands, GLOBAL_FLAGS) : commandHelp(findCommand(rest[0], commands)));
      return 0;
    }
    const cmd = findCommand(name, commands);
    const parsed = parseArgs(rest, [...cmd.flags, HELP_FLAG], {
      owner: `"${cmd.name}"`,
      interspersed: cmd.interspersed ?? true,
      unknownHint: (flag) =>
        GLOBAL_FLAGS.some((f) => f.name === flag && f.name !== "help")
          ? `--${flag} is a global option: put it before the command (rongqi --${flag} ... ${cmd.name})`
          : undefined,
    });
    if (parsed.flags.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    checkArgs(cmd, parsed.positionals);
    delete parsed.flags.help;
    log.debug(`rongqi ${argv.join(" ")}`);
    const code = await cmd.run({ flags: parsed.flags, args: parsed.positionals, globals, out: io.out, err: io.err });
    return code ?? 0;
  } catch (err) {
    return report(err, io, debug);
  }
}

/** The state root without --root: /tmp/rongqi-<uid>, in a directory anyone can write, is checked to be the user's own. */
function defaultRoot(): string {
  const root = defaultStateRoot();
  return root.startsWith("/tmp/") ? privateStateRoot(root) : root;
}

function openLog(globals: RuntimeOptions): void {
  try {
    configureLog({ file: globals.log, format: globals.logFormat, level: globals.debug ? "debug" : "info" });
  } catch (err) {
    throw new RongqiError(`--log ${globals.log}: cannot open: ${errorLine(err)}`, { cause: err });
  }
}

function findCommand(name: string, commands: readonly AnyCommand[]): AnyCommand {
  const cmd = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (cmd) return cmd;
  const near = suggest(name, [...commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]), "help"]);
  throw usage(`unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ""}; 'rongqi help' lists the commands`);
}

function checkArgs(cmd: AnyCommand, args: readonly string[]): void {
  const required = cmd.args.filter((a) => !a.optional && !a.variadic).length;
  const variadic = cmd.args.some((a) => a.variadic);
  const max = variadic ? Infinity : cmd.args.length;
  if (args.length >= required && args.length <= max) return;
  const names = cmd.args.map(argUsage).join(" ");
  if (cmd.args.length === 0) throw usage(`"${cmd.name}" takes no arguments, got ${JSON.stringify(args[0])}`);
  if (args.length < required) {
    const missing = cmd.args.filter((a) => !a.optional).slice(args.length).map(argUsage).join(" ");
    throw usage(`"${cmd.name}" needs ${missing} (usage: rongqi ${cmd.name} ${names})`);
  }
  throw usage(`"${cmd.name}" takes at most ${max} argument${max === 1 ? "" : "s"} (${names}), got ${args.length}`);
}

/**
 * Prints the failure as `rongqi: <message>` on standard error (one such line
 * per line of the message: a ValidationError lists every problem) and returns
 * its exit code. When the log goes to a file, the error is also logged there
 * (containerd and conmon show the last error record's msg to their users);
 * the stack trace is logged only with --debug.
 */
function report(err: unknown, io: MainIO, debug: boolean): number {
  const line = errorLine(err);
  if (log.options.file !== undefined) log.error(line);
  // A ValidationError has one line per problem: each line is marked as ours.
  io.err(line.split("\n").map((l) => `rongqi: ${l}\n`).join(""));
  if (debug && err instanceof Error && err.stack) log.debug(err.stack);
  const code = err instanceof RongqiError ? err.exitCode : 1;
  return code > 0 ? code : 1;
}
