// rongqi events: a container's statistics and OOM events as JSON lines.
import { defineCommand } from "../command.ts";

export const events = defineCommand({
  name: "events",
  summary: "display container events such as OOM notifications and resource statistics",
  description: `Prints the container's events as runc does, one JSON object per line:
{"type":"stats","id":...,"data":{...}} with its cgroup's statistics every
--interval, and {"type":"oom","id":...} when the OOM killer acts, until the
container stops. With --stats: one stats event, then exit.`,
  flags: [
    { name: "interval", type: "string", value: "DURATION", default: "5s", help: "time between stats events (e.g. 500ms, 5s, 1m)" },
    { name: "stats", type: "boolean", help: "print the container's statistics once, then exit" },
  ] as const,
  args: [{ name: "container-id" }],
  async run({ args, flags, globals, out }) {
    const { events, parseDuration } = await import("../../src/state/events.ts");
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      await events({
        root: globals.root, id: args[0]!, stats: flags.stats, intervalMs: parseDuration(flags.interval), out, signal: stop.signal,
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});
