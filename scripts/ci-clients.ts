// Runs the client suites (test/clients/podman_test.ts, containerd_test.ts)
// with rongqi and with runc, prints every check's result side by side, and
// times `podman run --rm IMAGE true` with each runtime in the same run.
//
//   node_modules/.bin/node scripts/ci-clients.ts [--rongqi PATH] [--runc PATH] [--runs N] [--out FILE] [--timing-only]
//
// --rongqi defaults to this checkout's bin/rongqi (rebuilt if stale), --runc
// to runc on the PATH, --runs (timed runs per runtime) to 20. The report is
// Markdown; --out also writes it to FILE, and each suite's TAP beside it
// (FILE.rongqi.podman.tap, ...). The exit status is 1 if a check
// failed with either runtime.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeNamed } from "../test/clients/_host.ts";
import { podmanMissing, startPodman } from "../test/clients/_podman.ts";

const TOP = join(dirname(fileURLToPath(import.meta.url)), "..");
const SUITES = ["test/clients/podman_test.ts", "test/clients/containerd_test.ts"];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Check {
  name: string;
  ok: boolean;
  ms: number;
  /** the failed assertions, for a failed check */
  failed: string[];
}

interface SuiteRun {
  checks: Check[];
  /** a skip or a crash of the whole file */
  note?: string;
  seconds: number;
}

/** Runs one suite file under tap with the given runtime and reads each check's result from its TAP. */
function runSuite(file: string, runtime: string, label: string): SuiteRun {
  const started = performance.now();
  const res = spawnSync(process.execPath, [join(TOP, "node_modules/.bin/tap"), "--reporter=tap", "--timeout=600", file], {
    cwd: TOP, env: { ...process.env, RONGQI_CLIENT_RUNTIME: runtime }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const out = option("out", "");
  if (out) writeFileSync(`${out}.${label}.${file.replace(/^.*\//, "").replace(/_test\.ts$/, "")}.tap`, res.stdout + res.stderr);
  const checks: Check[] = [];
  let failed: string[] = [];
  for (const line of res.stdout.split("\n")) {
    const check = /^ {4}(not ok|ok) \d+ - (.*?)(?: # time=([\d.]+)ms)?$/.exec(line);
    if (check) {
      checks.push({ name: check[2]!, ok: check[1] === "ok", ms: Number(check[3] ?? 0), failed });
      failed = [];
      continue;
    }
    const assertion = /^ {8,}not ok \d+ - (.*?)(?: # time=.*)?$/.exec(line);
    if (assertion) failed.push(assertion[1]!);
  }
  const top = /^(?:not ok|ok) 1 - \S+(.*)$/m.exec(res.stdout);
  let note: string | undefined;
  if (checks.length === 0) note = top?.[1]?.trim() || `no checks ran (exit ${res.status}): ${(res.stderr || res.stdout).slice(-500)}`;
  return { checks, note, seconds };
}

/** Times `podman run --rm IMAGE true` with each runtime, interleaved so both see the same machine. */
function timePodman(runtimes: Array<{ label: string; path: string }>, runs: number): string[] {
  const missing = podmanMissing();
  if (missing) return [`podman timing skipped: ${missing}`];
  const envs = runtimes.map((r) => ({ label: r.label, env: startPodman(runtimeNamed(r.path)), ms: [] as number[] }));
  try {
    for (const e of envs) e.env.run(["--rm", e.env.image, "true"]); // warm-up: image mount, caches
    for (let i = 0; i < runs; i++) {
      for (const e of envs) {
        const r = e.env.run(["--rm", e.env.image, "true"]);
        if (r.status !== 0) return [`podman run --rm IMAGE true failed with ${e.label}: ${r.stderr.trim()}`];
        e.ms.push(r.ms);
      }
    }
  } finally {
    for (const e of envs) e.env.cleanup();
  }
  const out = [`| runtime | median | mean | min | max |`, `| --- | --- | --- | --- | --- |`];
  for (const e of envs) {
    const sorted = [...e.ms].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const f = (ms: number) => `${Math.round(ms)} ms`;
    out.push(`| ${e.label} | ${f(median)} | ${f(mean)} | ${f(sorted[0]!)} | ${f(sorted.at(-1)!)} |`);
  }
  return out;
}

const rongqiPath = option("rongqi", "rongqi");
const runcPath = option("runc", "runc");
const runs = Number(option("runs", "20"));
const report: string[] = [];
let anyFailed = false;
let passed = 0;
let failedCount = 0;

const suites = process.argv.includes("--timing-only") ? [] : SUITES;
for (const suite of suites) {
  const rq = runSuite(suite, rongqiPath, "rongqi");
  const rc = runSuite(suite, runcPath, "runc");
  report.push(`### ${suite}`, "", `rongqi: ${rq.seconds.toFixed(0)} s, runc: ${rc.seconds.toFixed(0)} s`, "");
  if (rq.note) report.push(`rongqi: ${rq.note}`, "");
  if (rc.note) report.push(`runc: ${rc.note}`, "");
  report.push("| check | rongqi | runc | what failed with rongqi |", "| --- | --- | --- | --- |");
  const names = [...new Set([...rq.checks.map((c) => c.name), ...rc.checks.map((c) => c.name)])];
  for (const name of names) {
    const a = rq.checks.find((c) => c.name === name);
    const b = rc.checks.find((c) => c.name === name);
    const mark = (c?: Check) => (c ? (c.ok ? "pass" : "FAIL") : "-");
    for (const c of [a, b]) {
      if (!c) continue;
      if (c.ok) passed++;
      else failedCount++;
    }
    if ((a && !a.ok) || (b && !b.ok)) anyFailed = true;
    const why = a && !a.ok ? a.failed.join("; ").replaceAll("|", "\\|") : "";
    report.push(`| ${name} | ${mark(a)} | ${mark(b)} | ${why} |`);
  }
  report.push("");
}

report.push(`### podman run --rm IMAGE true (${runs} runs each, interleaved)`, "");
report.push(...timePodman([{ label: "rongqi", path: rongqiPath }, { label: "runc", path: runcPath }], runs), "");

const text = report.join("\n");
console.log(text);
const out = option("out", "");
if (out) writeFileSync(out, `${text}\n`);
console.log(`${passed} passed, ${failedCount} failed`);
process.exit(anyFailed ? 1 : 0);
