// Help texts, generated from the command descriptors and flag definitions.
import type { AnyCommand, ArgDef, FlagDef } from "./command.ts";

export const HELP_FLAG: FlagDef = { name: "help", short: "h", type: "boolean", help: "show help" };

/** `rongqi --help`: the commands and global options. */
export function mainHelp(commands: readonly AnyCommand[], globalFlags: readonly FlagDef[]): string {
  const rows: [string, string][] = commands.map((c) => [[c.name, ...(c.aliases ?? [])].join(", "), c.summary]);
  rows.push(["help, h", "show the list of commands or help for one command"]);
  return [
    "rongqi - an OCI container runtime",
    "",
    "Usage: rongqi [global options] <command> [command options] [arguments...]",
    "",
    "Commands:",
    table(rows),
    "",
    "Global options:",
    flagTable(globalFlags),
    "",
    "Run 'rongqi help <command>' or 'rongqi <command> --help' for the options of a command.",
    "",
  ].join("\n");
}

/** `rongqi <command> --help`. */
export function commandHelp(cmd: AnyCommand): string {
  const lines = [`Usage: ${usageLine(cmd)}`, "", capitalize(cmd.summary) + "."];
  if (cmd.aliases?.length) lines.push("", `Aliases: ${cmd.aliases.join(", ")}`);
  if (cmd.description) lines.push("", cmd.description.trim());
  lines.push("", "Options:", flagTable([...cmd.flags, HELP_FLAG]), "");
  return lines.join("\n");
}

/** `rongqi kill [options] <container-id> [<signal>]` */
export function usageLine(cmd: AnyCommand): string {
  return ["rongqi", cmd.name, ...(cmd.flags.length ? ["[options]"] : []), ...cmd.args.map(argUsage)].join(" ");
}

/**
 * The CLI reference of the README (Markdown): global options, then each
 * command's usage, summary and options. scripts/cli_reference.ts writes it.
 */
export function cliReference(commands: readonly AnyCommand[], globalFlags: readonly FlagDef[]): string {
  const parts = ["Global options (before the command):", "", "```text", flagTable(globalFlags), "```"];
  for (const cmd of commands) {
    parts.push("", `#### ${cmd.name}`, "", `\`${usageLine(cmd)}\`: ${cmd.summary}.`);
    if (cmd.aliases?.length) parts.push(`Aliases: ${cmd.aliases.join(", ")}.`);
    if (cmd.flags.length) parts.push("", "```text", flagTable(cmd.flags), "```");
  }
  return parts.join("\n") + "\n";
}

export function argUsage(a: ArgDef): string {
  const core = `<${a.name}>${a.variadic ? "..." : ""}`;
  return a.optional ? `[${core}]` : core;
}

function flagTable(flags: readonly FlagDef[]): string {
  return table(flags.map((f) => [flagSpelling(f), flagHelp(f)]));
}

function flagSpelling(f: FlagDef): string {
  const value = f.type === "boolean" ? "" : ` ${f.value ?? (f.type === "uint" ? "N" : "VALUE")}`;
  return `${f.short ? `-${f.short}, ` : "    "}--${f.name}${value}`;
}

function flagHelp(f: FlagDef): string {
  const notes: string[] = [];
  if (f.choices) notes.push(f.choices.join("|"));
  if (f.type === "strings") notes.push("repeatable");
  const dflt = f.defaultHelp ?? (f.default !== undefined ? String(f.default) : undefined);
  if (dflt !== undefined) notes.push(`default: ${dflt}`);
  return notes.length ? `${f.help} (${notes.join("; ")})` : f.help;
}

function table(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`).join("\n");
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
