// rongqi list: lists the containers under the state root.
import { defineCommand } from "../command.ts";

export const list = defineCommand({
  name: "list",
  summary: "list containers",
  description: "Lists the containers under --root with their status.",
  flags: [
    { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["table", "json"], default: "table", help: "table or json" },
    { name: "quiet", short: "q", type: "boolean", help: "display only container ids" },
  ] as const,
  args: [],
  async run({ flags, globals, out }) {
    const { list } = await import("../../src/state/list.ts");
    const items = list({ root: globals.root });
    if (flags.quiet) {
      out(items.map((c) => c.id + "\n").join(""));
    } else if (flags.format === "json") {
      out(JSON.stringify(items) + "\n");
    } else {
      const rows = [["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"], ...items.map((c) => [c.id, String(c.pid), c.status, c.bundle, c.created, c.owner])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      out(rows.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]! + 3))).join("")).join("\n") + "\n");
    }
  },
});
