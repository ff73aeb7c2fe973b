// rongqi start: runs the program of a created container.
import { defineCommand } from "../command.ts";

export const start = defineCommand({
  name: "start",
  summary: "start a created container",
  description: "Runs the program of config.json's process in a container made by \"rongqi create\".",
  flags: [] as const,
  args: [{ name: "container-id" }],
  async run({ args, globals }) {
    const { start } = await import("../../src/state/start.ts");
    await start({ root: globals.root, id: args[0]! });
  },
});
