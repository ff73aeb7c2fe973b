// rongqi ps: lists the processes of a container.
import { defineCommand } from "../command.ts";

export const ps = defineCommand({
  name: "ps",
  summary: "list the processes running in a container",
  description: `Lists the processes of the container (every process in its cgroup), as host
pids. With --format json: a JSON array of pids. With --format table (the
default): the host's ps(1) run with PS-OPTIONS (default -ef), showing its header
and the container's lines.`,
  flags: [
    { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["table", "json"], default: "table", help: "output format" },
  ] as const,
  args: [{ name: "container-id" }, { name: "ps-options", optional: true, variadic: true }],
  interspersed: false,
  async run({ args, flags, globals, out }) {
    const { ps, psTable } = await import("../../src/state/ps.ts");
    const { RongqiError } = await import("../../src/errors.ts");
    const pids = ps({ root: globals.root, id: args[0]! });
    if (flags.format === "json") {
      if (args.length > 1) throw new RongqiError(`ps options (${args.slice(1).join(" ")}) only go with --format table`);
      out(JSON.stringify(pids) + "\n");
      return;
    }
    const { execFileSync } = await import("node:child_process");
    const psArgs = args.length > 1 ? args.slice(1) : ["-ef"];
    let output: string;
    try {
      output = execFileSync("ps", psArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      const e = err as { code?: string; stderr?: string };
      throw new RongqiError(e.code === "ENOENT" ? "ps: the ps program is not installed on this host (use --format json)" : `ps ${psArgs.join(" ")}: ${String(e.stderr ?? err).trim()}`);
    }
    out(psTable(pids, output));
  },
});
