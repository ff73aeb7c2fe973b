/**
 * `events`: a container's events as runc prints them, one JSON object per
 * line: `{"type":"stats","id":ID,"data":{...}}` with the cgroup's
 * statistics, and `{"type":"oom","id":ID}` when the OOM killer acts. With
 * `stats` one stats event is printed and the call returns; otherwise stats
 * come every `intervalMs` and oom events as they happen (the OOM counter is
 * polled every 100 ms at most) until the container stops.
 *
 * @example
 * ```ts
 * await events({ root: "/run/rongqi", id: "web", stats: true, intervalMs: 5000, out: (l) => process.stdout.write(l) });
 * parseDuration("1m30s"); // 90000
 * ```
 */
import { RongqiError } from "../errors.ts";
import { cgroupManager } from "../linux/cgroups/cgroup_manager.ts";
import { jsonWithBigints, runcStats } from "../linux/cgroups/cgroup_stats.ts";
import { oomCount } from "../linux/cgroups/oom_count.ts";
import { containerStatus, readRecord } from "./container_record.ts";
import { validateId } from "./validate_id.ts";

export interface EventsOptions {
  root: string;
  id: string;
  /** print one stats event and return */
  stats: boolean;
  /** milliseconds between stats events */
  intervalMs: number;
  /** receives each line (with its newline) */
  out: (line: string) => void;
  /** stops the loop */
  signal?: AbortSignal;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (5s, 100ms, 1m30s, 1.5h) in milliseconds. */
export function parseDuration(text: string, flag = "interval"): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) {
    throw new RongqiError(`--${flag}: "${text}" is not a duration (e.g. 5s, 500ms, 1m30s)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

export async function events(opts: EventsOptions): Promise<void> {
  validateId(opts.id);
  if (!(opts.intervalMs > 0)) throw new RongqiError("--interval: must be greater than 0");
  const record = readRecord(opts.root, opts.id);
  if (containerStatus(record) === "stopped") throw new RongqiError(`container "${opts.id}" is not running`);
  const cgroup = record.cgroup;
  if (!cgroup) throw new RongqiError(`container "${opts.id}" has no cgroup (it was created rootless without cgroup access): no events`);
  const m = cgroupManager(cgroup);
  const statsEvent = () => opts.out(jsonWithBigints({ type: "stats", id: opts.id, data: runcStats(m.stats()) }) + "\n");
  if (opts.stats) {
    statsEvent();
    return;
  }
  const tick = Math.min(100, opts.intervalMs);
  let ooms = oomCount(cgroup);
  let nextStats = Date.now() + opts.intervalMs;
  while (!opts.signal?.aborted) {
    await sleep(Math.max(1, Math.min(tick, nextStats - Date.now())), opts.signal);
    if (opts.signal?.aborted) break;
    const now = oomCount(cgroup);
    if (now > ooms) opts.out(JSON.stringify({ type: "oom", id: opts.id }) + "\n");
    ooms = now;
    if (containerStatus(record) === "stopped") break;
    if (Date.now() >= nextStats) {
      statsEvent();
      nextStats += opts.intervalMs;
    }
  }
}
