// The OCI runtime conformance suite: checks any runtime binary against the
// runtime specification as a black box and prints TAP.
//
//   npm run conformance                                 # bin/rongqi (built first)
//   RUNTIME=/usr/bin/runc npm run conformance            # any runtime with runc's command line
//   node conformance/run.ts --only hooks,process.env     # areas or check ids (prefixes)
//   node conformance/run.ts --list                       # every check and the sentence it tests
//
// Options: --only LIST, --jobs N (default 4), --quiet (details only for
// failures), --json FILE (results for conformance/table.ts), --list.
// Environment: RUNTIME (default bin/rongqi, which is then built unless
// CONFORMANCE_NO_BUILD=1), BUSYBOX (a static busybox, default /bin/busybox).
// Exit status: 0 when nothing failed, 1 otherwise, 2 for a usage or set-up error.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AREAS, Fatal, Skip, type Area, type Check, type T } from "./_check.ts";
import { probeHost } from "./_host.ts";
import { Runtime } from "./_runtime.ts";
import { mountsUnder, sweepCgroups, Workspace, type RunContext } from "./_workspace.ts";
import { CHECKS } from "./checks/index.ts";

const TOP = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Options {
  only: string[];
  jobs: number;
  quiet: boolean;
  list: boolean;
  json?: string;
  /** --known FILE: {"check id": "why this runtime deliberately fails it"} */
  known: Record<string, string>;
}

function usage(msg: string): never {
  process.stderr.write(`conformance: ${msg}\nusage: [RUNTIME=/path/to/runtime] node conformance/run.ts [--only AREA|ID,...] [--jobs N] [--quiet] [--json FILE] [--known FILE] [--list]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { only: [], jobs: 4, quiet: false, list: false, known: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--only") o.only.push(...value().split(",").filter(Boolean));
    else if (flag === "--jobs") {
      o.jobs = Number(value());
      if (!Number.isInteger(o.jobs) || o.jobs < 1) usage("--jobs needs a positive integer");
    } else if (flag === "--quiet") o.quiet = true;
    else if (flag === "--list") o.list = true;
    else if (flag === "--json") o.json = value();
    else if (flag === "--known") o.known = JSON.parse(readFileSync(value(), "utf8")) as Record<string, string>;
    else if (flag === "-h" || flag === "--help") usage("help");
    else usage(`unknown argument ${a}`);
  }
  return o;
}

export interface CheckResult {
  id: string;
  area: Area;
  title: string;
  outcome: "pass" | "fail" | "skip" | "known";
  failures: string[];
  notes: string[];
  reason?: string;
  ms: number;
}

/** JSON with object keys sorted, so that equal values compare equal. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function selected(c: Check, only: string[]): boolean {
  return only.length === 0 || only.some((p) => c.area === p || c.id === p || c.id.startsWith(p.endsWith(".") ? p : `${p}.`) || c.id.startsWith(p));
}

async function runOne(c: Check, ctx: RunContext, n: number): Promise<CheckResult> {
  const failures: string[] = [];
  const notes: string[] = [];
  const deferred: (() => unknown)[] = [];
  const t0 = performance.now();
  const res = (outcome: CheckResult["outcome"], reason?: string): CheckResult =>
    ({ id: c.id, area: c.area, title: c.title, outcome, failures, notes, reason, ms: Math.round(performance.now() - t0) });
  const why = c.needs?.(ctx.host);
  if (why) return res("skip", why);
  const ws = new Workspace(ctx, n);
  const t: T = {
    host: ctx.host,
    rt: ctx.rt,
    ws,
    ok(cond, what, detail) {
      if (!cond) failures.push(detail ? `${what}: ${detail}` : what);
      return cond;
    },
    eq(got, want, what) {
      const g = canonical(got);
      const w = canonical(want);
      if (g !== w) failures.push(`${what}: got ${g}, want ${w}`);
      return g === w;
    },
    fatal(what, detail) {
      throw new Fatal(detail ? `${what}: ${detail}` : what);
    },
    skip(reason) {
      throw new Skip(reason);
    },
    note(text) {
      notes.push(text);
    },
    defer(fn) {
      deferred.push(fn);
    },
  };
  let outcome: CheckResult["outcome"] = "pass";
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.run(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Fatal("the check did not finish within 90 s")), 90_000);
      }),
    ]);
  } catch (e) {
    if (e instanceof Skip) {
      outcome = "skip";
      reason = e.message;
    } else if (e instanceof Fatal) failures.push(e.message);
    else failures.push(`suite error: ${(e as Error).stack ?? String(e)}`);
  } finally {
    clearTimeout(timer);
  }
  for (const fn of deferred.reverse()) {
    try {
      await fn();
    } catch (e) {
      notes.push(`clean-up: ${(e as Error).message}`);
    }
  }
  for (const n of await ws.cleanup()) notes.push(`clean-up: ${n}`);
  if (outcome !== "skip" && failures.length > 0) outcome = "fail";
  return res(outcome, reason);
}

/**
 * A check listed with --known is a deliberate, documented deviation of the
 * runtime under test: when it fails it is TAP's "not ok ... # TODO" (shown,
 * not counted as a failure); when it passes, the list is out of date and that
 * is a failure of its own.
 */
function applyKnown(r: CheckResult, known: Record<string, string>): CheckResult {
  const why = known[r.id];
  if (why === undefined) return r;
  if (r.outcome === "fail") return { ...r, outcome: "known", reason: why };
  if (r.outcome === "pass") return { ...r, outcome: "fail", failures: [`listed as a known deviation ("${why}") but it passes: remove it from the list`] };
  return r;
}

function tapLine(i: number, c: Check, r: CheckResult, quiet: boolean): string {
  const head = `${r.outcome === "fail" || r.outcome === "known" ? "not ok" : "ok"} ${i} - [${c.area}] ${c.id}: ${c.title}`;
  const lines = [r.outcome === "skip" ? `${head} # SKIP ${r.reason}` : r.outcome === "known" ? `${head} # TODO known deviation: ${r.reason}` : head];
  if (quiet && r.outcome !== "fail") return lines.join("\n");
  lines.push("  ---", `  spec: ${c.spec.file}`, `  requirement: ${yamlString(c.spec.quote)}`);
  if (c.about) lines.push(`  about: ${c.about}`);
  if (r.failures.length) lines.push("  failures:", ...r.failures.map((f) => `    - ${yamlString(f)}`));
  if (r.notes.length) lines.push("  notes:", ...r.notes.map((f) => `    - ${yamlString(f)}`));
  lines.push(`  ms: ${r.ms}`, "  ...");
  return lines.join("\n");
}

function listChecks(checks: Check[]): void {
  for (const c of checks) {
    process.stdout.write(`${c.id}  [${c.area}]  ${c.title}\n    ${c.spec.file}: "${c.spec.quote}"${c.about ? `  (about ${c.about})` : ""}\n`);
  }
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const ids = new Set<string>();
  for (const c of CHECKS) {
    if (ids.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
    ids.add(c.id);
  }
  const checks = CHECKS.filter((c) => selected(c, o.only));
  if (o.list) {
    listChecks(checks);
    return 0;
  }
  if (checks.length === 0) usage(`--only ${o.only.join(",")} selects no check`);
  if (process.getuid?.() !== 0) usage("the suite creates real containers: run it as root");

  let bin = process.env.RUNTIME;
  if (!bin) {
    bin = join(TOP, "bin/rongqi");
    if (process.env.CONFORMANCE_NO_BUILD !== "1") {
      const b = spawnSync(process.execPath, [join(TOP, "scripts/build.mjs")], { cwd: TOP, stdio: ["ignore", "ignore", "inherit"] });
      if (b.status !== 0) usage("building rongqi failed (node scripts/build.mjs)");
    }
  }
  bin = resolve(bin);
  if (!existsSync(bin)) usage(`runtime ${bin} does not exist`);
  const busyboxSrc = process.env.BUSYBOX ?? "/bin/busybox";
  if (!existsSync(busyboxSrc)) usage(`${busyboxSrc} not found: install busybox-static (or set BUSYBOX to a static busybox)`);

  const prefix = `cf${Math.random().toString(36).slice(2, 8)}`;
  const base = mkdtempSync(join(tmpdir(), `conformance-${prefix}-`));
  chmodSync(base, 0o755);
  const busybox = join(base, "busybox");
  copyFileSync(busyboxSrc, busybox);
  chmodSync(busybox, 0o755);
  const applets = execFileSync(busybox, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
  const host = probeHost(prefix);
  const outDir = join(base, "calls");
  mkdirSync(outDir);
  const rt = new Runtime(bin, join(base, "state"), outDir, host);
  let fdrecv: string | undefined = join(base, "fdrecv");
  if (!host.gcc || spawnSync("gcc", ["-O2", "-o", fdrecv, join(TOP, "conformance/fdrecv.c")], { stdio: "ignore" }).status !== 0) fdrecv = undefined;
  let probe: string | undefined = join(base, "probe");
  if (!host.gcc || spawnSync("gcc", ["-static", "-O2", "-o", probe, join(TOP, "conformance/probe.c")], { stdio: "ignore" }).status !== 0) probe = undefined;
  const ctx: RunContext = { prefix, base, busybox, applets, host, rt, fdrecv, probe, memo: new Map(), sharedWorkspaces: [] };

  const version = await rt.call(["--version"]);
  const out = (s: string) => process.stdout.write(s + "\n");
  out("TAP version 13");
  out(`# runtime: ${bin} (${rt.name}) ${version.stdout.split("\n")[0]?.trim() ?? ""}`);
  out(`# host: Linux ${host.kernel} ${host.arch}, cgroup ${host.cgroup.mode}${host.cgroup.unified ? ` (cgroup2 controllers: ${host.cgroup.unifiedControllers.join(" ") || "none"})` : ""}`);
  if (rt.wrapNote) out(`# note: ${rt.wrapNote}`);
  out(`1..${checks.length}`);

  const results: (CheckResult | undefined)[] = new Array(checks.length);
  let printed = 0;
  const flush = () => {
    while (printed < checks.length && results[printed]) {
      out(tapLine(printed + 1, checks[printed]!, results[printed]!, o.quiet));
      printed++;
    }
  };
  let next = 0;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const worker = async () => {
    while (next < checks.length && !interrupted) {
      const i = next++;
      results[i] = applyKnown(await runOne(checks[i]!, ctx, i + 1), o.known);
      flush();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(o.jobs, checks.length) }, worker));

  for (const ws of ctx.sharedWorkspaces) for (const n of await ws.cleanup()) out(`# clean-up: ${n}`);
  const leftovers = await sweepCgroups(host, prefix);
  for (const l of leftovers) out(`# leftover cgroup removed: ${l}`);
  for (const p of mountsUnder(base)) spawnSync("umount", ["-l", p]);
  rmSync(base, { recursive: true, force: true });

  const done = results.filter((r): r is CheckResult => r !== undefined);
  const count = (rs: CheckResult[], k: CheckResult["outcome"]) => rs.filter((r) => r.outcome === k).length;
  out(`# per area (${rt.name}):`);
  out(`# ${"area".padEnd(12)} ${"passed".padStart(6)} ${"failed".padStart(6)} ${"skipped".padStart(7)}`);
  for (const area of AREAS) {
    const rs = done.filter((r) => r.area === area);
    if (rs.length === 0) continue;
    out(`# ${area.padEnd(12)} ${String(count(rs, "pass")).padStart(6)} ${String(count(rs, "fail")).padStart(6)} ${String(count(rs, "skip")).padStart(7)}`);
  }
  const failed = count(done, "fail");
  if (interrupted) out(`# interrupted: ${checks.length - done.length} checks not run`);
  out(`# time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // the closing line is plain text, like the one `npm test` ends with
  const known = count(done, "known");
  out(`${count(done, "pass")} passed, ${failed} failed, ${count(done, "skip")} skipped${known ? `, ${known} known deviations (TODO)` : ""}`);
  if (o.json) {
    writeFileSync(o.json, JSON.stringify({ runtime: rt.name, bin, version: version.stdout.split("\n")[0]?.trim(), host: { kernel: host.kernel, cgroup: host.cgroup.mode }, results: done }, null, 2) + "\n");
  }
  return failed > 0 || interrupted ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`conformance: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
});
