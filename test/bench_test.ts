// The benchmark in its quick mode, so that it cannot rot: it must measure
// every row for rongqi, print its table and targets, write its JSON, and
// leave nothing behind. (The numbers themselves are not checked here.)
import t from "tap";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOP } from "./_bundle.ts";
import { freshBuild } from "./_fresh_build.ts";

freshBuild();

t.test("npm run bench -- --quick: table, targets, JSON, nothing left behind", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-benchtest-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const scratch = join(dir, "tmp");
  const json = join(dir, "out.json");
  spawnSync("mkdir", [scratch]);
  const r = spawnSync(join(TOP, "node_modules/node/bin/node"), [join(TOP, "bench/bench.ts"), "--quick", "--runs", "1", "--warmup", "0",
    "--containers", "2", "--concurrent", "2", "--json", json], { encoding: "utf8", env: { ...process.env, TMPDIR: scratch }, timeout: 120_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^benchmark \(median\)\s+unit\s+rongqi/m);
  t.match(r.stdout, /^run busybox \/bin\/true\s+ms\s+\d+\.\d/m);
  t.match(r.stdout, /^target\s+ratio\s+limit\s+result$/m);
  t.match(r.stdout, /^created-state process no larger than runc's\s/m);

  const out = JSON.parse(readFileSync(json, "utf8")) as {
    schema: number; runtimes: Record<string, { version: string }>; rows: { id: string; unit: string; values: Record<string, { median?: number; error?: string }> }[];
    baselines: Record<string, { median: number }>; targets: { text: string }[];
  };
  t.equal(out.schema, 1);
  t.match(out.runtimes["rongqi"]!.version, /^rongqi version /);
  const ids = out.rows.map((row) => row.id);
  for (const id of ["version", "run", "csd", "create", "start", "delete", "state1", "list1", "stateN", "listN", "concurrent", "createdRss"]) {
    t.ok(ids.includes(id), `row ${id}`);
  }
  for (const row of out.rows) {
    const v = row.values["rongqi"]!;
    t.ok(typeof v.median === "number" && v.median > 0, `rongqi ${row.id}: ${v.error ?? v.median}`);
  }
  t.ok(out.baselines["node"]!.median > 0);
  t.ok(out.baselines["nodeBesideState"]!.median > 0, "node -e 0 timed beside state");
  t.equal(out.targets.length, 4);
  t.same(readdirSync(scratch), [], "the bench removed everything it made");
});
