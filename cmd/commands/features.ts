// rongqi features: the runtime-spec Features structure.
import { defineCommand } from "../command.ts";

export const features = defineCommand({
  name: "features",
  summary: "show the enabled features",
  description: `Prints the Features structure of the OCI runtime specification (features.md)
as JSON: the spec versions, hooks, mount options, namespaces, capabilities and
security features this build of rongqi implements, whatever the host offers.`,
  flags: [],
  args: [],
  async run({ out }) {
    const { features } = await import("../../src/spec/features.ts");
    out(JSON.stringify(features(), null, 4) + "\n");
  },
});
