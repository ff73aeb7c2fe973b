/**
 * The fuzzer: runs each target for its share of a time budget, counts how
 * inputs ended (ok, clear error, crash, hang, leak, escape), keeps the
 * inputs that failed, and replays the corpus of inputs that once failed
 * (test/hardening/corpus/<target>/*.json) as regression tests.
 *
 * Run by hand (longer runs, findings written to a directory):
 * `node src/fuzz/fuzz.ts [--seconds 600] [--targets config,cli] [--seed N] [--findings DIR]`;
 * the test suite runs it for a bounded time (test/hardening/fuzz_test.ts).
 *
 * @example
 * ```ts
 * const reports = await fuzz({ targets: allTargets(), seconds: 60, seed: 1 });
 * for (const r of reports) console.log(r.target, r.inputs, r.crash);
 * ```
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "./_mutate.ts";
import { Rng } from "./_rng.ts";
import { FAILURES, type Outcome, type OutcomeKind, type Target } from "./_target.ts";

export interface Finding {
  target: string;
  outcome: Outcome;
  input: Json;
}

export type TargetReport = { target: string; inputs: number; seconds: number; seed: number } & Record<OutcomeKind, number> & {
  /** up to 10 failing inputs, with how they failed */
  findings: Finding[];
  /** the most frequent clear errors, to see what the inputs reached */
  topErrors: [string, number][];
};

export interface FuzzOptions {
  targets: readonly Target<unknown>[];
  /** total budget, shared by the targets by weight */
  seconds: number;
  seed?: number;
  /** called with each failing input as it is found */
  onFinding?: (f: Finding) => void;
  /** called with a line of progress now and then */
  progress?: (line: string) => void;
}

function emptyReport(target: string, seed: number): TargetReport {
  return { target, inputs: 0, seconds: 0, seed, ok: 0, error: 0, crash: 0, hang: 0, leak: 0, escape: 0, findings: [], topErrors: [] };
}

export async function fuzz(opts: FuzzOptions): Promise<TargetReport[]> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const total = opts.targets.reduce((s, t) => s + t.weight, 0);
  const reports: TargetReport[] = [];
  for (const [i, target] of opts.targets.entries()) {
    const rng = new Rng(seed + i);
    const report = emptyReport(target.name, rng.seed);
    const errors = new Map<string, number>();
    const budgetMs = (opts.seconds * 1000 * target.weight) / total;
    const t0 = Date.now();
    await target.setup?.();
    try {
      while (Date.now() - t0 < budgetMs) {
        const input = target.generate(rng);
        const outcome = await target.run(input);
        report.inputs++;
        report[outcome.kind]++;
        target.feedback?.(input, outcome);
        if (outcome.kind === "error") {
          const key = (outcome.detail ?? "").replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N").slice(0, 120);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
        if (FAILURES.includes(outcome.kind)) {
          const f = { target: target.name, outcome, input: target.save(input) };
          if (report.findings.length < 10) report.findings.push(f);
          opts.onFinding?.(f);
        }
        if (report.inputs % 500 === 0) opts.progress?.(`${target.name}: ${report.inputs} inputs`);
      }
    } finally {
      await target.teardown?.();
    }
    report.seconds = Math.round((Date.now() - t0) / 100) / 10;
    report.topErrors = [...errors].sort((a, b) => b[1] - a[1]).slice(0, 8);
    reports.push(report);
  }
  return reports;
}

/** A corpus file: an input that once failed, kept as a regression test. */
export interface CorpusEntry {
  target: string;
  /** what went wrong and what fixed it */
  note: string;
  input: Json;
}

/** Runs every corpus input of the given targets; returns those that still fail. */
export async function replayCorpus(dir: string, targets: readonly Target<unknown>[]): Promise<{ file: string; outcome: Outcome }[]> {
  const failed: { file: string; outcome: Outcome }[] = [];
  for (const target of targets) {
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, target.name)).filter((f) => f.endsWith(".json")).sort();
    } catch {
      continue;
    }
    await target.setup?.();
    try {
      for (const f of files) {
        const entry = JSON.parse(readFileSync(join(dir, target.name, f), "utf8")) as CorpusEntry;
        const outcome = await target.run(target.load(entry.input));
        if (FAILURES.includes(outcome.kind)) failed.push({ file: join(target.name, f), outcome });
      }
    } finally {
      await target.teardown?.();
    }
  }
  return failed;
}

/** Writes a finding as a corpus entry (to be moved into the corpus once fixed); returns its path. */
export function saveFinding(dir: string, f: Finding): string {
  const text = JSON.stringify(f.input);
  const name = `${f.outcome.kind}-${createHash("sha256").update(text).digest("hex").slice(0, 12)}.json`;
  mkdirSync(join(dir, f.target), { recursive: true });
  const path = join(dir, f.target, name);
  const entry: CorpusEntry = { target: f.target, note: `${f.outcome.kind}: ${f.outcome.detail ?? ""}`, input: f.input };
  writeFileSync(path, JSON.stringify(entry, null, 1) + "\n");
  return path;
}

/** The counts as a table, one line per target. */
export function formatReports(reports: readonly TargetReport[]): string {
  const cols = ["target", "inputs", "ok", "error", "crash", "hang", "leak", "escape", "seconds"] as const;
  const rows = reports.map((r) => cols.map((c) => String(r[c])));
  const sum = cols.map((c) => (c === "target" ? "total" : String(Math.round(reports.reduce((s, r) => s + Number(r[c]), 0) * 10) / 10)));
  const all = [cols.map(String), ...rows, sum];
  const width = cols.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((v, i) => (i ? v.padStart(width[i]!) : v.padEnd(width[i]!))).join("  ")).join("\n");
}
