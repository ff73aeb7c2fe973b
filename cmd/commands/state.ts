// rongqi state: prints a container's state as JSON.
import { defineCommand } from "../command.ts";

export const state = defineCommand({
  name: "state",
  summary: "output the state of a container",
  description: "Prints the container's state as the OCI runtime specification defines it (JSON).",
  flags: [] as const,
  args: [{ name: "container-id" }],
  async run({ args, globals, out }) {
    const { state } = await import("../../src/state/state.ts");
    out(JSON.stringify(state({ root: globals.root, id: args[0]! }), null, 2) + "\n");
  },
});
