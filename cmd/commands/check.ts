// rongqi check: validates a bundle without running anything.
import { join } from "node:path";
import { defineCommand } from "../command.ts";

export const check = defineCommand({
  name: "check",
  summary: "validate a bundle's config.json",
  description: `Loads the bundle's config.json and checks it against the OCI runtime
specification and what rongqi implements, without creating anything.
Prints the warnings (e.g. unknown properties, which the specification says to
ignore) on standard error. Exits 0 when the configuration is valid, and 1
listing every problem found when it is not.`,
  flags: [
    { name: "bundle", short: "b", type: "string", value: "DIR", help: "path to the root of the bundle directory", defaultHelp: "current directory" },
  ],
  args: [],
  async run({ flags, out, err }) {
    const { loadConfig } = await import("../../src/spec/load_config.ts");
    const loaded = loadConfig(flags.bundle ?? ".");
    for (const w of loaded.warnings) err(`rongqi: warning: ${w}\n`);
    const n = loaded.warnings.length;
    out(`${join(loaded.bundle, "config.json")}: valid${n ? ` (${n} warning${n === 1 ? "" : "s"})` : ""}\n`);
  },
});
