// rongqi explain: prints the steps create would take for a bundle, changing nothing.
import { defineCommand } from "../command.ts";

export const explain = defineCommand({
  name: "explain",
  summary: "list the steps create would take for a bundle, without taking them",
  description: `Prints, in order, every step "rongqi create" would take for the bundle:
the runtime's own (state, uid/gid maps, hooks) and each namespace, mount,
device, pivot_root, capability, seccomp and exec step of the container's
setup, with the config.json field it comes from, the system call and the
path. Nothing is created: no state, no fifo, no process. Steps marked
"start" are taken when "rongqi start" releases the process. With a
container id, paths and names that depend on it are shown for that id.`,
  flags: [
    { name: "bundle", short: "b", type: "string", value: "DIR", help: "path to the root of the bundle directory", defaultHelp: "current directory" },
    { name: "no-pivot", type: "boolean", help: "explain create --no-pivot" },
    { name: "no-new-keyring", type: "boolean", help: "explain create --no-new-keyring" },
    { name: "preserve-fds", type: "uint", value: "N", default: 0, help: "explain create --preserve-fds N" },
    { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["text", "json"], default: "text", help: "text or json" },
  ] as const,
  args: [{ name: "container-id", optional: true }],
  async run({ args, flags, globals, out, err }) {
    const { explain } = await import("../../src/state/explain.ts");
    const { steps, warnings } = explain({ bundle: flags.bundle ?? ".", root: globals.root, id: args[0], noPivot: flags["no-pivot"], noNewKeyring: flags["no-new-keyring"], preserveFds: flags["preserve-fds"] });
    if (flags.format === "json") {
      out(JSON.stringify({ steps, warnings }, null, 2) + "\n");
      return;
    }
    const { formatExplain } = await import("../../src/state/format_explain.ts");
    out(formatExplain(steps));
    for (const w of warnings) err(`warning: ${w}\n`);
  },
});
