// rongqi delete: removes a stopped container and what it made.
import { defineCommand } from "../command.ts";
import { traceFlag } from "../_trace_flag.ts";

export const del = defineCommand({
  name: "delete",
  summary: "delete a container and everything it made",
  description: `Removes a stopped (or created) container: its state, and anything its
create made. A running container is refused unless --force, which kills it.`,
  flags: [
    { name: "force", short: "f", type: "boolean", help: "forcibly delete the container if it is still running (uses SIGKILL)" },
    traceFlag,
  ] as const,
  args: [{ name: "container-id" }],
  async run({ args, flags, globals }) {
    const { del } = await import("../../src/state/delete.ts");
    const go = async () => del({ root: globals.root, id: args[0]!, force: flags.force });
    // Only a traced call loads the trace writer.
    await (flags.trace === undefined ? go() : (await import("../../src/trace/with_trace.ts")).withTrace(flags.trace, "delete", go));
  },
});
