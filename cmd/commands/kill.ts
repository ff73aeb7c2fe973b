// rongqi kill: sends a signal to a container's process.
import { defineCommand } from "../command.ts";

export const kill = defineCommand({
  name: "kill",
  summary: "send a signal to a container's process",
  description: `Sends SIGNAL (a name such as TERM or SIGTERM, or a number; default SIGTERM)
to the container's process, or with --all to every process of the container.`,
  flags: [
    { name: "all", short: "a", type: "boolean", help: "send the signal to all processes in the container" },
  ] as const,
  args: [{ name: "container-id" }, { name: "signal", optional: true }],
  async run({ args, flags, globals }) {
    const { kill } = await import("../../src/state/kill.ts");
    kill({ root: globals.root, id: args[0]!, signal: args[1] ?? "SIGTERM", all: flags.all });
  },
});
