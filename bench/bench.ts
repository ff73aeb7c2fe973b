/**
 * `npm run bench`: rongqi beside runc and crun (those installed), medians
 * over repeated runs after warm-up, printed as a table with ratios to runc
 * and written as JSON for tracking. Targets that rongqi misses get a profile
 * of one call (its --trace and a V8 CPU profile) saying where the time goes.
 *
 * Each section (_rows.ts) is measured for every runtime in turn, by a worker
 * process (bench/_worker.ts), so that a change of the machine's load during
 * the run weighs on all runtimes alike. Each runtime has a private --root and
 * the same busybox bundles; crun's workers run in a private mount namespace
 * with /sys/fs/cgroup/unified unmounted, which crun needs on this hybrid
 * cgroup layout. rongqi is measured from a copy of the build taken at the
 * start. Everything made is removed at the end.
 *
 * Groups of rows live in _rows.ts. The snapshotter's rows (import throughput
 * and prepare time beside umoci) are a group still to come: it will be a
 * second list of rows with its own peers, measured here beside the runtimes.
 *
 * Usage: node bench/bench.ts [--quick] [--runs N] [--warmup N] [--containers N]
 *          [--concurrent N] [--rounds N] [--runtimes rongqi,runc,crun]
 *          [--json FILE] [--no-profile]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cgroupLayout } from "../src/linux/cgroups/cgroup_layout.ts";
import { defaultCgroupsPath } from "../src/linux/cgroups/plan_cgroup.ts";
import { TOP } from "../test/_bundle.ts";
import { makeBundles } from "./_bundles.ts";
import { CallLog, hasGnuTime, timeRuns, type Stats } from "./_measure.ts";
import { profileCall } from "./_profile.ts";
import { evaluateTargets, formatProfileNote, formatTable, formatTargets, label, type Results } from "./_report.ts";
import { findRuntimes, PRIVATE_NS_SCRIPT, type Runtime } from "./_runtimes.ts";
import { snapshotInstall } from "./_snapshot_install.ts";
import { RUNTIME_ROWS, SECTIONS, TARGETS } from "./_rows.ts";
import type { RowResult, WorkerConfig } from "./_worker.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    warmup: { type: "string" },
    containers: { type: "string" },
    concurrent: { type: "string" },
    rounds: { type: "string" },
    runtimes: { type: "string" },
    json: { type: "string" },
    "no-profile": { type: "boolean", default: false },
  },
});

function count(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: "${v}" is not a whole number of at least ${min}`);
  return n;
}

const q = args.quick;
const opts = {
  warmup: count("warmup", args.warmup, q ? 1 : 3, 0),
  runs: count("runs", args.runs, q ? 3 : 20, 1),
  population: count("containers", args.containers, q ? 5 : 500, 1),
  concurrent: count("concurrent", args.concurrent, q ? 5 : 50, 1),
  rounds: count("rounds", args.rounds, q ? 1 : 3, 1),
};
const jsonFile = resolve(args.json ?? join(TOP, "bench/results/latest.json"));
const say = (msg: string) => process.stderr.write(msg + "\n");
/** the pinned Node, for the `node -e 0` baseline */
const NODE = join(TOP, "node_modules/node/bin/node");

const top = mkdtempSync(join(tmpdir(), "rongqi-bench-"));
let runtimes: Runtime[] = [];
const rootOf = (rt: Runtime) => join(top, `root-${rt.name}`);

/**
 * The parent cgroup rongqi makes for the containers of a state root other
 * than its default (/rongqi-<hash of the root>): left empty in every
 * hierarchy once they are deleted, and removed here.
 */
function removeRootCgroups(root: string): void {
  const parent = dirname(defaultCgroupsPath("x", root));
  const layout = cgroupLayout();
  for (const m of [...Object.values(layout.v1), ...(layout.unified ? [layout.unified] : [])]) {
    try {
      rmdirSync(join(m.mount, parent));
    } catch {
      // not made, or still in use
    }
  }
}

/** Deletes whatever a runtime left under its root (after a failed worker), then the temp dir. */
function cleanupAll(): void {
  for (const rt of runtimes) {
    let ids: string[] = [];
    try {
      ids = readdirSync(rootOf(rt), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      continue;
    }
    for (const id of ids) {
      const argv = [...rt.wrap, rt.bin, "--root", rootOf(rt), "delete", "--force", id];
      spawnSync(argv[0]!, argv.slice(1), { stdio: "ignore" });
    }
  }
  for (const root of [join(top, "root-rongqi"), join(top, "root-profile")]) removeRootCgroups(root);
  rmSync(top, { recursive: true, force: true });
}
for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.on(sig, () => {
    say(`${sig}: cleaning up`);
    cleanupAll();
    process.exit(code);
  });
}

try {
  const install = snapshotInstall(join(top, "rongqi"));
  runtimes = findRuntimes(install, args.runtimes?.split(",").map((s) => s.trim()));
  if (!runtimes.some((r) => r.name === "rongqi")) say("note: rongqi is not among the runtimes measured");
  say(`rongqi bench: ${runtimes.map((r) => `${r.name} (${r.version})`).join(", ")}; ` +
    `${opts.warmup} warm-up + ${opts.runs} runs, ${opts.population} containers for list/state, ${opts.concurrent} concurrent, ${opts.rounds} rounds`);
  const loadBefore = loadavg()[0]!;
  if (loadBefore > cpus().length / 2) say(`note: the machine is busy (load average ${loadBefore.toFixed(1)} on ${cpus().length} CPUs): expect noisy numbers`);
  const bundles = makeBundles(top);
  const gnuTime = hasGnuTime();
  if (!gnuTime) say("note: /usr/bin/time (GNU time) is missing: peak RSS of each call is not measured");

  // Baselines: what spawning a process costs the harness, and a bare Node.
  const log = new CallLog(join(top, "baseline.log"));
  const baselines: Record<string, Stats> = {
    spawn: timeRuns(opts, () => ["/bin/true"], log),
    node: timeRuns(opts, () => [NODE, "-e", "0"], log),
  };
  log.close();

  // Section by section, every runtime in turn, so that a change in the
  // machine's load during the run weighs on all of them alike.
  const rows: Record<string, Record<string, RowResult>> = {};
  for (const rt of runtimes) mkdirSync(rootOf(rt), { recursive: true });
  for (const { id: section, rows: sectionRows } of SECTIONS) {
    if (section === "peak" && !gnuTime) continue;
    say(`${section}:`);
    for (const rt of runtimes) {
      const name = `${rt.name}-${section}`;
      const cfg: WorkerConfig = {
        name: rt.name, bin: rt.bin, root: rootOf(rt), bundles, ...opts, sections: [section], prefix: `${section}-`,
        ...(rt.name === "rongqi" ? { nodeBaseline: NODE } : {}),
        log: join(top, `${rt.name}.log`), out: join(top, `${name}.json`),
      };
      writeFileSync(join(top, `${name}.config.json`), JSON.stringify(cfg));
      const argv = [...rt.wrap, process.execPath, join(TOP, "bench/_worker.ts"), join(top, `${name}.config.json`)];
      const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "inherit", "inherit"] });
      if (r.status !== 0 || !existsSync(cfg.out)) {
        const why = `the worker failed (${r.signal ?? `exit status ${r.status}`})`;
        say(`  ${rt.name}: ${why}`);
        for (const id of sectionRows) (rows[id] ??= {})[rt.name] = { error: why };
        continue;
      }
      const measured = JSON.parse(readFileSync(cfg.out, "utf8")) as Record<string, RowResult>;
      for (const [id, v] of Object.entries(measured)) {
        if (id === "nodeBesideState") {
          if (!("error" in v)) baselines[id] = v;
        } else (rows[id] ??= {})[rt.name] = v;
      }
    }
  }
  const results: Results = { runtimes: runtimes.map((r) => r.name), rows, baselines, labels: { N: opts.population, C: opts.concurrent } };
  const targets = evaluateTargets(results, TARGETS);
  const loadAfter = loadavg()[0]!;
  let report = "\n" + formatTable(results) + "\n" + formatTargets(targets);
  report += `\nLoad average (1 min): ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end, on ${cpus().length} CPUs.\n`;

  // A profile of one call for each missed target.
  const notes: string[] = [];
  const rongqi = runtimes.find((r) => r.name === "rongqi");
  if (!args["no-profile"] && rongqi) {
    const root = join(top, "root-profile");
    mkdirSync(root, { recursive: true });
    for (const [i, t] of targets.entries()) {
      const def = TARGETS[i]!;
      if (t.met !== false || !def.calls) continue;
      const mine = (rows[t.row]!["rongqi"] as Stats).median;
      const ref = "runtime" in def.against ? (rows[t.row]![def.against.runtime] as Stats).median : baselines[def.against.baseline]?.median;
      if (ref === undefined) continue;
      const floor = rows["version"]?.["rongqi"];
      const id = `prof-${t.row}`;
      const rq = (...a: string[]) => spawnSync(rongqi.bin, ["--root", root, ...a], { stdio: "ignore" });
      // The calls of the row, in order, on one container.
      const argvOf: Record<string, string[]> = {
        run: ["run", "--bundle", bundles.true, id], create: ["create", "--bundle", bundles.true, id],
        start: ["start", id], delete: ["delete", "--force", id], state: ["state", id],
      };
      if (!def.calls.includes("create") && !def.calls.includes("run")) rq("create", "--bundle", bundles.sleep, id);
      try {
        const profiles = def.calls.map((c) => profileCall({ install, root, args: argvOf[c]!, dir: join(top, `profile-${t.row}-${c}`) }));
        notes.push(formatProfileNote(t, mine, ref, profiles, floor && !("error" in floor) ? floor.median : undefined));
      } catch (err) {
        notes.push(`MISSED: ${t.text}; the profile failed: ${(err as Error).message}\n`);
      } finally {
        rq("delete", "--force", id);
      }
    }
  }
  if (notes.length) report += "\n" + notes.join("\n");
  process.stdout.write(report);

  const git = (a: string[]) => spawnSync("git", ["-C", TOP, ...a], { encoding: "utf8" }).stdout?.trim() ?? "";
  const json = {
    schema: 1,
    date: new Date().toISOString(),
    commit: git(["rev-parse", "HEAD"]),
    dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    host: { kernel: release(), cpus: cpus().length, load: [loadBefore, loadAfter], cpu: cpus()[0]?.model ?? "", node: readFileSync(join(TOP, "node_modules/node/package.json"), "utf8").match(/"version":\s*"([^"]+)"/)?.[1] ?? "" },
    runtimes: Object.fromEntries(runtimes.map((r) => [r.name, { version: r.version, privateMountNamespace: r.wrap.length > 0 ? PRIVATE_NS_SCRIPT : false }])),
    options: opts,
    baselines,
    rows: RUNTIME_ROWS.filter((d) => rows[d.id]).map((d) => ({ id: d.id, label: label(d, results.labels), unit: d.unit, values: rows[d.id] })),
    targets,
    notes,
  };
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify(json, null, 2) + "\n");
  say(`\nJSON written to ${jsonFile}`);
} finally {
  cleanupAll();
}
