// rongqi run: creates and starts a container, by default waiting for it.
import { defineCommand } from "../command.ts";
import { rootlessCgroups } from "../../src/runtime_options.ts";
import { createFlags } from "./create.ts";

export const run = defineCommand({
  name: "run",
  summary: "create and run a container",
  description: `Creates and starts the container. In the foreground (the default) rongqi
forwards the signals it receives to the container's process, waits for it,
deletes the container and exits with its status (128+N when killed by signal
N). With --detach it returns once the container has started.`,
  flags: [
    ...createFlags,
    { name: "detach", short: "d", type: "boolean", help: "detach from the container's process" },
    { name: "keep", type: "boolean", help: "do not delete the container after it exits" },
  ] as const,
  args: [{ name: "container-id" }],
  async run({ args, flags, globals }) {
    const { run } = await import("../../src/state/run.ts");
    const go = () => run({
      root: globals.root, id: args[0]!, bundle: flags.bundle ?? ".", pidFile: flags["pid-file"],
      consoleSocket: flags["console-socket"], noPivot: flags["no-pivot"], noNewKeyring: flags["no-new-keyring"], preserveFds: flags["preserve-fds"],
      rootless: rootlessCgroups(globals.rootless),
      detach: flags.detach, keep: flags.keep,
    });
    // Only a traced call loads the trace writer.
    return (flags.trace === undefined ? go() : (await import("../../src/trace/with_trace.ts")).withTrace(flags.trace, "run", go));
  },
});
