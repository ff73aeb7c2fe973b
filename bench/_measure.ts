// Timing and memory measurement of CLI calls: each call is a process spawned
// and waited for; times are wall-clock milliseconds, medians over runs.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, statSync } from "node:fs";

export interface Stats {
  median: number;
  min: number;
  max: number;
  mean: number;
  n: number;
  samples: number[];
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples");
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    median: round(median), min: round(s[0]!), max: round(s.at(-1)!), mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    n: s.length, samples: samples.map(round),
  };
}

/** A call that failed: carries the end of the log its output went to. */
export class CallError extends Error {}

/** Where the calls' stdout and stderr go (files: a container inherits them). */
export class CallLog {
  readonly path: string;
  readonly fd: number;
  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, "a");
  }
  /** What was written since offset `from` (at most the last `n` bytes), to explain a failure. */
  tail(from = 0, n = 600): string {
    const text = readFileSync(this.path).subarray(from).toString("utf8");
    return text.slice(-n).trim();
  }
  size(): number {
    return statSync(this.path).size;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** Runs argv once; returns its wall time in ms; throws CallError when it does not exit 0. */
export function timeCall(argv: readonly string[], log: CallLog): number {
  const from = log.size();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", log.fd, log.fd] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new CallError(`${argv.join(" ")}: ${r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`)}\n${log.tail(from)}`);
  }
  return ms;
}

/** Runs `prepare(i)`, then times `argv(i)`, `warmup` + `runs` times; `after(i)` cleans up untimed. */
export function timeRuns(
  opts: { warmup: number; runs: number },
  argv: (i: number) => readonly string[],
  log: CallLog,
  after?: (i: number) => void,
): Stats {
  const samples: number[] = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const ms = timeCall(argv(i), log);
    after?.(i);
    if (i >= opts.warmup) samples.push(ms);
  }
  return stats(samples);
}

/**
 * Times two calls alternately (a, b, a, b, ...), `warmup` + `runs` times
 * each, so that both see the same machine: for a ratio of the two.
 */
export function timeRunsAlternately(
  opts: { warmup: number; runs: number },
  a: () => readonly string[],
  b: () => readonly string[],
  log: CallLog,
): [Stats, Stats] {
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const ta = timeCall(a(), log);
    const tb = timeCall(b(), log);
    if (i >= opts.warmup) {
      sa.push(ta);
      sb.push(tb);
    }
  }
  return [stats(sa), stats(sb)];
}

/** Starts every argv at once; returns the wall time until the last one exited (ms). */
export async function timeConcurrent(argvs: readonly (readonly string[])[], log: CallLog): Promise<number> {
  const from = log.size();
  const t0 = process.hrtime.bigint();
  const failures: string[] = [];
  await Promise.all(argvs.map((argv) => new Promise<void>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", log.fd, log.fd] });
    child.on("error", (err) => {
      failures.push(`${argv.join(" ")}: ${err.message}`);
      resolve();
    });
    child.on("exit", (code, signal) => {
      if (code !== 0) failures.push(`${argv.join(" ")}: ${signal ?? `exit status ${code}`}`);
      resolve();
    });
  })));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (failures.length) throw new CallError(`${failures.length} of ${argvs.length} concurrent calls failed, e.g. ${failures[0]}\n${log.tail(from)}`);
  return ms;
}

/** Runs argvs, at most `width` at a time (for untimed set-up and clean-up). */
export async function runBatched(argvs: readonly (readonly string[])[], width: number, log: CallLog): Promise<void> {
  for (let i = 0; i < argvs.length; i += width) await timeConcurrent(argvs.slice(i, i + width), log);
}

/** GNU time, which reports a call's peak resident set size (ru_maxrss of its process tree). */
export const GNU_TIME = "/usr/bin/time";

export function hasGnuTime(): boolean {
  const r = spawnSync(GNU_TIME, ["-f", "%M", "true"], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  return r.status === 0 && /^\d+\s*$/.test(r.stderr);
}

/** The peak RSS (KiB) of one call, as wait4's ru_maxrss reports it; throws CallError when the call fails. */
export function peakRssKiB(argv: readonly string[], log: CallLog, scratch: string): number {
  const from = log.size();
  const r = spawnSync(GNU_TIME, ["-f", "%M", "-o", scratch, "--", ...argv], { stdio: ["ignore", log.fd, log.fd] });
  try {
    if (r.status !== 0) throw new CallError(`${argv.join(" ")}: exit status ${r.status}\n${log.tail(from)}`);
    return Number(readFileSync(scratch, "utf8").trim().split("\n").at(-1));
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** Resident set size (KiB) of a live process, from /proc/PID/status. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}
