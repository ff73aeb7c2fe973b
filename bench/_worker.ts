// Measures one runtime: every row of _rows.ts, written as JSON to the file
// the orchestrator (bench.ts) names. It runs in its own process so that a
// runtime needing a private mount namespace (crun here) runs in one.
// Usage: node bench/_worker.ts CONFIG.json
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bundles } from "./_bundles.ts";
import { CallError, CallLog, peakRssKiB, runBatched, rssKiB, stats, timeCall, timeConcurrent, timeRuns, timeRunsAlternately, type Stats } from "./_measure.ts";

export interface WorkerConfig {
  name: string;
  bin: string;
  root: string;
  bundles: Bundles;
  warmup: number;
  runs: number;
  /** containers present for the "state/list with N" rows */
  population: number;
  /** containers started at once */
  concurrent: number;
  /** repetitions of the concurrent start and of memory measurements */
  rounds: number;
  /** the sections to run (ids of SECTIONS in _rows.ts), in order */
  sections: string[];
  /** the Node to time `node -e 0` with, alternately with `state` (rongqi's worker) */
  nodeBaseline?: string;
  /** prefix of the container ids, unique per worker */
  prefix: string;
  log: string;
  out: string;
}

export type RowResult = Stats | { error: string };

const config = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as WorkerConfig;
const log = new CallLog(config.log);
const rt = (...args: string[]) => [config.bin, "--root", config.root, ...args];
const results: Record<string, RowResult> = {};
const live = new Set<string>();
let seq = 0;
const newId = (what: string) => `${config.prefix}${what}-${++seq}`;
const say = (msg: string) => process.stderr.write(`  ${config.name}: ${msg}\n`);

function forceDelete(id: string): void {
  try {
    timeCall(rt("delete", "--force", id), log);
  } catch {
    // reported by the leftover check of the orchestrator
  }
  live.delete(id);
}

/** Runs one section if it was asked for; a failure is recorded for its rows and the others go on. */
async function section(id: string, rows: string[], what: string, fn: () => Promise<void> | void): Promise<void> {
  if (!config.sections.includes(id)) return;
  say(what);
  try {
    await fn();
  } catch (err) {
    const msg = err instanceof CallError ? err.message : String((err as Error).stack ?? err);
    for (const r of rows) results[r] ??= { error: msg };
    say(`FAILED: ${msg.split("\n")[0]}`);
  } finally {
    await runBatched([...live].map((id) => rt("delete", "--force", id)), 8, log).catch(() => {});
    live.clear();
  }
}

const timing = { warmup: config.warmup, runs: config.runs };

await section("version", ["version"], "--version", () => {
  results["version"] = timeRuns(timing, () => [config.bin, "--version"], log);
});

await section("run", ["run"], "run /bin/true", () => {
  results["run"] = timeRuns(timing, () => rt("run", "--bundle", config.bundles.true, newId("run")), log);
});

await section("csd", ["csd", "create", "start", "delete"], "create + start + delete", () => {
  const parts: Record<"create" | "start" | "delete", number[]> = { create: [], start: [], delete: [] };
  const sums: number[] = [];
  for (let i = 0; i < config.warmup + config.runs; i++) {
    const id = newId("csd");
    live.add(id);
    const c = timeCall(rt("create", "--bundle", config.bundles.true, id), log);
    const s = timeCall(rt("start", id), log);
    const d = timeCall(rt("delete", "--force", id), log);
    live.delete(id);
    if (i < config.warmup) continue;
    parts.create.push(c);
    parts.start.push(s);
    parts.delete.push(d);
    sums.push(c + s + d);
  }
  results["csd"] = stats(sums);
  for (const k of ["create", "start", "delete"] as const) results[k] = stats(parts[k]);
});

await section("createdRss", ["createdRss"], "RSS in the created state", () => {
  const samples: number[] = [];
  for (let i = 0; i < config.rounds; i++) {
    const id = newId("rss");
    live.add(id);
    timeCall(rt("create", "--bundle", config.bundles.sleep, id), log);
    const r = stateOf(id);
    if (r.status !== "created") throw new CallError(`${id} is ${r.status}, not created`);
    samples.push(rssKiB(r.pid));
    forceDelete(id);
  }
  results["createdRss"] = stats(samples);
});

/** The container's state as the runtime reports it. */
function stateOf(id: string): { pid: number; status: string } {
  const r = spawnSync(config.bin, ["--root", config.root, "state", id], { encoding: "utf8", stdio: ["ignore", "pipe", log.fd] });
  if (r.status !== 0) throw new CallError(`state ${id}: exit status ${r.status}`);
  return JSON.parse(r.stdout) as { pid: number; status: string };
}

const peaks = ["create", "start", "state", "list", "delete", "run"].map((c) => `peak.${c}`);
await section("peak", peaks, "peak RSS of each call", () => {
  const s: Record<string, number[]> = Object.fromEntries(peaks.map((p) => [p, []]));
  const scratch = join(config.root, "..", `time-${config.name}.txt`);
  for (let i = 0; i < config.rounds; i++) {
    const id = newId("peak");
    live.add(id);
    s["peak.create"]!.push(peakRssKiB(rt("create", "--bundle", config.bundles.true, id), log, scratch));
    s["peak.state"]!.push(peakRssKiB(rt("state", id), log, scratch));
    s["peak.list"]!.push(peakRssKiB(rt("list"), log, scratch));
    s["peak.start"]!.push(peakRssKiB(rt("start", id), log, scratch));
    s["peak.delete"]!.push(peakRssKiB(rt("delete", "--force", id), log, scratch));
    live.delete(id);
    s["peak.run"]!.push(peakRssKiB(rt("run", "--bundle", config.bundles.true, newId("peakrun")), log, scratch));
  }
  for (const p of peaks) results[p] = stats(s[p]!);
});

await section("concurrent", ["concurrent"], `${config.concurrent} containers started concurrently`, async () => {
  const samples: number[] = [];
  for (let r = 0; r < config.rounds; r++) {
    const ids = Array.from({ length: config.concurrent }, () => newId("conc"));
    for (const id of ids) live.add(id);
    samples.push(await timeConcurrent(ids.map((id) => rt("run", "--detach", "--bundle", config.bundles.sleep, id)), log));
    await runBatched(ids.map((id) => rt("delete", "--force", id)), 8, log);
    for (const id of ids) live.delete(id);
  }
  results["concurrent"] = stats(samples);
});

await section("population", ["state1", "list1", "stateN", "listN"], `state and list with 1 and ${config.population} containers`, async () => {
  const first = newId("pop");
  live.add(first);
  timeCall(rt("run", "--detach", "--bundle", config.bundles.sleep, first), log);
  if (config.nodeBaseline) {
    // The state target is a ratio to `node -e 0`: both timed alternately.
    [results["state1"], results["nodeBesideState"]] = timeRunsAlternately(timing, () => rt("state", first), () => [config.nodeBaseline!, "-e", "0"], log);
  } else {
    results["state1"] = timeRuns(timing, () => rt("state", first), log);
  }
  results["list1"] = timeRuns(timing, () => rt("list"), log);
  const more = Array.from({ length: config.population - 1 }, () => newId("pop"));
  for (const id of more) live.add(id);
  await runBatched(more.map((id) => rt("run", "--detach", "--bundle", config.bundles.sleep, id)), 4, log);
  results["stateN"] = timeRuns(timing, () => rt("state", first), log);
  results["listN"] = timeRuns(timing, () => rt("list"), log);
});

log.close();
writeFileSync(config.out, JSON.stringify(results));
