/**
 * Commands with actions (`rongqi image import ...`, `rongqi snapshot diff
 * ...`): a group is one registered command whose first argument names the
 * action; each action is an ordinary command descriptor (its `name` spelled
 * in full, e.g. "image import", so that its usage and help read right),
 * parsed and checked here exactly as main.ts does for top-level commands.
 *
 * @example
 * ```ts
 * export const image = defineGroup({
 *   name: "image", summary: "manage images in the snapshotter's store",
 *   actions: [imageImport, imageLs],
 * });
 * ```
 */
import type { AnyCommand, CommandDescriptor } from "./command.ts";
import { argUsage, commandHelp, HELP_FLAG, usageLine } from "./_help.ts";
import { parseArgs, usage } from "./_parse_args.ts";
import { suggest } from "./_suggest.ts";

export interface GroupDef {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly actions: readonly AnyCommand[];
}

/** The last word of an action's name: "import" for "image import". */
export function actionName(cmd: AnyCommand): string {
  return cmd.name.slice(cmd.name.lastIndexOf(" ") + 1);
}

export function defineGroup(def: GroupDef): CommandDescriptor<readonly []> & { actions: readonly AnyCommand[] } {
  const width = Math.max(...def.actions.map((a) => actionName(a).length));
  const list = def.actions.map((a) => `  ${actionName(a).padEnd(width)}   ${a.summary}`).join("\n");
  const usages = def.actions.map((a) => `  ${usageLine(a)}`).join("\n");
  return {
    name: def.name,
    summary: def.summary,
    description: `${def.description ? def.description.trim() + "\n\n" : ""}Actions:\n${list}\n\nUsage:\n${usages}\n\n` +
      `Run 'rongqi ${def.name} <action> --help' for the options of an action.`,
    flags: [] as const,
    args: [{ name: "action" }, { name: "arguments", optional: true, variadic: true }],
    interspersed: false,
    actions: def.actions,
    async run(ctx) {
      const [name, ...rest] = ctx.args;
      const action = def.actions.find((a) => actionName(a) === name);
      if (!action) {
        const near = suggest(name ?? "", def.actions.map(actionName));
        throw usage(`unknown action "${name}" for "${def.name}"${near ? ` (did you mean "${near}"?)` : ""}; actions: ${def.actions.map(actionName).join(", ")}`);
      }
      const parsed = parseArgs(rest, [...action.flags, HELP_FLAG], {
        owner: `"${action.name}"`,
        interspersed: action.interspersed ?? true,
      });
      if (parsed.flags.help) {
        ctx.out(commandHelp(action));
        return 0;
      }
      checkArgs(action, parsed.positionals);
      delete parsed.flags.help;
      return action.run({ ...ctx, flags: parsed.flags, args: parsed.positionals });
    },
  };
}

function checkArgs(cmd: AnyCommand, args: readonly string[]): void {
  const required = cmd.args.filter((a) => !a.optional && !a.variadic).length;
  const max = cmd.args.some((a) => a.variadic) ? Infinity : cmd.args.length;
  if (args.length >= required && args.length <= max) return;
  const names = cmd.args.map(argUsage).join(" ");
  if (cmd.args.length === 0) throw usage(`"${cmd.name}" takes no arguments, got ${JSON.stringify(args[0])}`);
  if (args.length < required) {
    const missing = cmd.args.filter((a) => !a.optional).slice(args.length).map(argUsage).join(" ");
    throw usage(`"${cmd.name}" needs ${missing} (usage: rongqi ${cmd.name} ${names})`);
  }
  throw usage(`"${cmd.name}" takes at most ${max} argument${max === 1 ? "" : "s"} (${names}), got ${args.length}`);
}
