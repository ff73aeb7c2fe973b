// rongqi pause: freezes every process of a container.
import { defineCommand } from "../command.ts";

export const pause = defineCommand({
  name: "pause",
  summary: "suspend all processes of a container",
  description: `Freezes every process of the container through its cgroup (the v1 freezer,
or cgroup.freeze on cgroup v2). The container's status becomes "paused" until
"rongqi resume".`,
  flags: [] as const,
  args: [{ name: "container-id" }],
  async run({ args, globals }) {
    const { pause } = await import("../../src/state/pause.ts");
    pause({ root: globals.root, id: args[0]! });
  },
});
