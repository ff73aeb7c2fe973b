// rongqi create: creates a container from a bundle; its process waits for `start`.
import { defineCommand } from "../command.ts";
import { rootlessCgroups } from "../../src/runtime_options.ts";
import { traceFlag } from "../_trace_flag.ts";

export const createFlags = [
  { name: "bundle", short: "b", type: "string", value: "DIR", help: "path to the root of the bundle directory", defaultHelp: "current directory" },
  { name: "console-socket", type: "string", value: "PATH", help: "path to an AF_UNIX socket which will receive the pseudoterminal's master fd" },
  { name: "pid-file", type: "string", value: "FILE", help: "file to write the container process's pid to" },
  { name: "no-pivot", type: "boolean", help: "do not use pivot_root to jail the process inside the rootfs (move the rootfs to / and chroot)" },
  { name: "no-new-keyring", type: "boolean", help: "do not create a new session keyring for the container (it keeps the runtime's)" },
  { name: "preserve-fds", type: "uint", value: "N", default: 0, help: "pass N additional file descriptors (3 .. 3+N-1) to the container" },
  traceFlag,
] as const;

export const create = defineCommand({
  name: "create",
  summary: "create a container",
  description: `Creates the container from the bundle (config.json and its rootfs): its
namespaces, mounts, devices and process are set up, and the process waits
until "rongqi start" runs the program of config.json's process.`,
  flags: createFlags,
  args: [{ name: "container-id" }],
  async run({ args, flags, globals }) {
    const { create } = await import("../../src/state/create.ts");
    const go = () => create({
      root: globals.root, id: args[0]!, bundle: flags.bundle ?? ".", pidFile: flags["pid-file"],
      consoleSocket: flags["console-socket"], noPivot: flags["no-pivot"], noNewKeyring: flags["no-new-keyring"], preserveFds: flags["preserve-fds"],
      rootless: rootlessCgroups(globals.rootless),
    });
    // Only a traced call loads the trace writer.
    await (flags.trace === undefined ? go() : (await import("../../src/trace/with_trace.ts")).withTrace(flags.trace, "create", go));
  },
});
