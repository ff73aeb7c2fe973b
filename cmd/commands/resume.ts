// rongqi resume: thaws a paused container.
import { defineCommand } from "../command.ts";

export const resume = defineCommand({
  name: "resume",
  summary: "resume all processes of a paused container",
  description: "Thaws the processes \"rongqi pause\" froze; they carry on where they stopped.",
  flags: [] as const,
  args: [{ name: "container-id" }],
  async run({ args, globals }) {
    const { resume } = await import("../../src/state/resume.ts");
    resume({ root: globals.root, id: args[0]! });
  },
});
