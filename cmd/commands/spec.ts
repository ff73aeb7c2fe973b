// rongqi spec: writes a starter config.json.
import { defineCommand } from "../command.ts";

export const spec = defineCommand({
  name: "spec",
  summary: "create a new specification file",
  description: `Writes a starter config.json into the bundle directory: a container that runs
"sh" on a terminal, with its root file system in the bundle's "rootfs"
directory. Edit it to suit (at least "process.args"). An existing config.json
is never replaced.

With --rootless the configuration suits a user without privileges: a user
namespace maps root in the container to the calling user, the host's network
is shared, /sys is bind-mounted, and cgroup mounts and device rules are left out.`,
  flags: [
    { name: "bundle", short: "b", type: "string", value: "DIR", help: "path to the root of the bundle directory", defaultHelp: "current directory" },
    { name: "rootless", type: "boolean", help: "generate a configuration for a rootless container" },
  ],
  args: [],
  async run({ flags }) {
    const { writeDefaultConfig } = await import("../../src/spec/write_default_config.ts");
    writeDefaultConfig(flags.bundle ?? ".", { rootless: flags.rootless });
  },
});
