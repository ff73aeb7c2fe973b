// The fuzzer, for a bounded time: RONGQI_FUZZ_SECONDS (default 60) shared by
// every target (config.json, process.json, the helper's plan protocol, image
// layers, command lines, real runs of mutated configs), RONGQI_FUZZ_TARGETS
// to pick some, RONGQI_FUZZ_SEED to replay a run. First the corpus of inputs
// that once failed (test/hardening/corpus/<target>/) is replayed. Every
// input must end in success or a clear error: any crash, hang, leak or
// escape fails the test, printing the input and saving it under a findings
// directory as a corpus entry. Longer runs: `node src/fuzz/main.ts`.
import t from "tap";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allTargets, TARGET_NAMES } from "../../src/fuzz/all_targets.ts";
import { formatReports, fuzz, replayCorpus, saveFinding, type Finding } from "../../src/fuzz/fuzz.ts";
import { freshBuild } from "../_fresh_build.ts";
import { TOP } from "../_bundle.ts";

const seconds = Number(process.env["RONGQI_FUZZ_SECONDS"] ?? 60);
const names = (process.env["RONGQI_FUZZ_TARGETS"] ?? TARGET_NAMES.join(",")).split(",");
const seed = Number(process.env["RONGQI_FUZZ_SEED"] ?? Date.now() % 2 ** 31);
t.setTimeout((seconds + 180) * 1000);
freshBuild();

t.test("the corpus of inputs that once failed passes", async (t) => {
  const failed = await replayCorpus(join(TOP, "test/hardening/corpus"), allTargets(names));
  t.same(failed, [], "every corpus input ends in success or a clear error");
});

t.test(`fuzzing ${names.join(", ")} for ${seconds} s (seed ${seed})`, async (t) => {
  const findings: Finding[] = [];
  const reports = await fuzz({ targets: allTargets(names), seconds, seed, onFinding: (f) => findings.push(f) });
  t.comment(`\n${formatReports(reports)}`);
  const dir = findings.length ? mkdtempSync(join(tmpdir(), "rongqi-fuzz-findings-")) : "";
  for (const f of findings) {
    t.comment(`${f.target} ${f.outcome.kind}: ${f.outcome.detail}\n  saved as ${saveFinding(dir, f)}\n  input: ${JSON.stringify(f.input).slice(0, 2000)}`);
  }
  for (const r of reports) {
    t.ok(r.inputs > 0, `${r.target}: ${r.inputs} inputs tried`);
    t.same({ crash: r.crash, hang: r.hang, leak: r.leak, escape: r.escape }, { crash: 0, hang: 0, leak: 0, escape: 0 },
      `${r.target}: ${r.ok} ok, ${r.error} clear errors, no crash, hang, leak or escape (replay with RONGQI_FUZZ_SEED=${seed})`);
  }
});
