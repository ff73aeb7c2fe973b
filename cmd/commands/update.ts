// rongqi update: changes a container's resource limits.
import { defineCommand } from "../command.ts";

const size = (name: string, help: string) => ({ name, type: "string", value: "BYTES", help }) as const;
const int = (name: string, help: string) => ({ name, type: "string", value: "N", help }) as const;

export const update = defineCommand({
  name: "update",
  summary: "update container resource constraints",
  description: `Changes the resource limits of a created, running or paused container. The
change is a linux.resources document (config.json's form) read from --resources
FILE ("-" for standard input), and/or the flags below, which override it. Sizes
take k, m, g, t suffixes (units of 1024); -1 means unlimited. Device rules cannot
be changed.`,
  flags: [
    { name: "resources", short: "r", type: "string", value: "FILE", help: "the resources to update, as JSON (\"-\": read standard input)" },
    int("blkio-weight", "block IO weight, 10 to 1000"),
    int("cpu-period", "CPU CFS period in microseconds"),
    int("cpu-quota", "CPU CFS quota in microseconds per period (-1: none)"),
    int("cpu-burst", "CPU CFS burst in microseconds per period"),
    int("cpu-share", "CPU shares (relative weight)"),
    int("cpu-rt-period", "CPU realtime period in microseconds"),
    int("cpu-rt-runtime", "CPU realtime runtime in microseconds per period"),
    int("cpu-idle", "1: the cgroup runs at SCHED_IDLE priority; 0: normal"),
    { name: "cpuset-cpus", type: "string", value: "LIST", help: "CPUs to run on, e.g. 0-3,7" },
    { name: "cpuset-mems", type: "string", value: "LIST", help: "memory nodes to use, e.g. 0-1" },
    size("memory", "memory limit"),
    size("memory-reservation", "memory soft limit"),
    size("memory-swap", "limit of memory plus swap (-1: unlimited swap)"),
    size("kernel-memory", "kernel memory limit (cgroup v1; not enforced by Linux 5.16 and later)"),
    size("kernel-memory-tcp", "kernel TCP buffer memory limit (cgroup v1)"),
    int("pids-limit", "maximum number of processes (-1: no limit)"),
    { name: "l3-cache-schema", type: "string", value: "SCHEMA", help: "Intel RDT L3 cache schema: refused, rongqi has no Intel RDT support" },
    { name: "mem-bw-schema", type: "string", value: "SCHEMA", help: "Intel RDT memory bandwidth schema: refused, rongqi has no Intel RDT support" },
  ] as const,
  args: [{ name: "container-id" }],
  async run({ args, flags, globals }) {
    const { RongqiError } = await import("../../src/errors.ts");
    for (const f of ["l3-cache-schema", "mem-bw-schema"] as const) {
      if (flags[f] !== undefined) throw new RongqiError(`--${f}: Intel RDT is not supported by rongqi`);
    }
    const { mergeResources, resourcesFromFlags, update } = await import("../../src/state/update.ts");
    let fromFile = {};
    const file = flags.resources;
    if (file !== undefined) {
      const { readFileSync } = await import("node:fs");
      const { parseJson } = await import("../../src/spec/parse_json.ts");
      let text: string;
      try {
        text = readFileSync(file === "-" ? 0 : file, "utf8");
      } catch (err) {
        throw new RongqiError(`--resources ${file}: cannot read: ${(err as Error).message}`);
      }
      fromFile = parseJson(text, file === "-" ? "standard input" : file) as object;
      if (fromFile === null || typeof fromFile !== "object" || Array.isArray(fromFile)) {
        throw new RongqiError(`--resources ${file}: must hold a JSON object (linux.resources)`);
      }
    }
    const { resources: _file, ...rest } = flags;
    const change = mergeResources(fromFile, resourcesFromFlags(rest));
    if (Object.keys(change).length === 0) throw new RongqiError("update: nothing to change (give --resources or a limit flag)");
    update({ root: globals.root, id: args[0]!, resources: change, source: file === undefined ? "flags" : file === "-" ? "standard input" : file });
  },
});
