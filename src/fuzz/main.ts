/**
 * The fuzzer's command line, for runs longer than the test suite's:
 *
 *     node src/fuzz/main.ts [--seconds N] [--targets a,b] [--seed N] [--findings DIR]
 *
 * `--seconds` is the whole budget (default 600), shared by the targets by
 * weight; findings (failing inputs, as corpus entries) go to DIR (default a
 * new directory under /tmp). Prints the counts per target and exits 1 when
 * anything crashed, hung, leaked or escaped. To keep a finding as a
 * regression test, fix the bug, write what happened in its `note`, and move
 * the file into test/hardening/corpus/<target>/.
 *
 * @example
 * ```sh
 * node src/fuzz/main.ts --seconds 3600 --targets plan,image
 * ```
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { allTargets, TARGET_NAMES } from "./all_targets.ts";
import { formatReports, fuzz, saveFinding } from "./fuzz.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "600" },
    targets: { type: "string", default: TARGET_NAMES.join(",") },
    seed: { type: "string" },
    findings: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const findings = values.findings ?? mkdtempSync(join(tmpdir(), "rongqi-fuzz-findings-"));
console.log(`fuzzing ${values.targets} for ${seconds} s, seed ${seed}; findings in ${findings}`);
const reports = await fuzz({
  targets: allTargets(values.targets.split(",")),
  seconds,
  seed,
  onFinding: (f) => console.log(`${f.target}: ${f.outcome.kind}: ${(f.outcome.detail ?? "").split("\n")[0]} -> ${saveFinding(findings, f)}`),
  progress: (line) => console.log(line),
});
console.log(formatReports(reports));
for (const r of reports) for (const [e, n] of r.topErrors.slice(0, 3)) console.log(`  ${r.target}: ${n} x ${e}`);
process.exitCode = reports.some((r) => r.crash + r.hang + r.leak + r.escape > 0) ? 1 : 0;
