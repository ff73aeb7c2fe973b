// The printed report: a table of medians with ratios to runc, the targets,
// and for each missed target a profile of one call saying where the time goes.
import type { Stats } from "./_measure.ts";
import type { Profile } from "./_profile.ts";
import { REFERENCE } from "./_runtimes.ts";
import { BASELINE_ROWS, RUNTIME_ROWS, type RowDef, type Target, type Unit } from "./_rows.ts";
import type { RowResult } from "./_worker.ts";

export interface Results {
  runtimes: string[];
  /** row id -> runtime -> result */
  rows: Record<string, Record<string, RowResult>>;
  baselines: Record<string, Stats>;
  labels: { N: number; C: number };
}

export interface TargetResult {
  text: string;
  row: string;
  against: string;
  ratio?: number;
  max: number;
  met?: boolean;
  /** why there is no ratio */
  missing?: string;
}

export function label(row: RowDef, labels: Results["labels"]): string {
  return row.label.replace("{N}", String(labels.N)).replace("{C}", String(labels.C));
}

function value(r: RowResult | undefined, unit: Unit): string {
  if (!r) return "-";
  if ("error" in r) return "FAILED";
  return unit === "ms" ? r.median.toFixed(1) : (r.median / 1024).toFixed(1);
}

const median = (r: RowResult | undefined) => (r && !("error" in r) ? r.median : undefined);

function ratio(a: RowResult | undefined, b: RowResult | undefined): string {
  const x = median(a);
  const y = median(b);
  return x !== undefined && y ? (x / y).toFixed(2) : "-";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}

export function formatTable(res: Results): string {
  const others = res.runtimes.filter((r) => r !== REFERENCE);
  const hasRef = res.runtimes.includes(REFERENCE);
  const head = ["benchmark (median)", "unit", ...res.runtimes, ...(hasRef ? others.map((o) => `${o}/${REFERENCE}`) : [])];
  const rows = [head];
  for (const def of RUNTIME_ROWS) {
    const vals = res.rows[def.id] ?? {};
    if (!res.runtimes.some((rt) => vals[rt])) continue;
    rows.push([
      label(def, res.labels), def.unit === "ms" ? "ms" : "MiB",
      ...res.runtimes.map((rt) => value(vals[rt], def.unit)),
      ...(hasRef ? others.map((o) => ratio(vals[o], vals[REFERENCE])) : []),
    ]);
  }
  let text = table(rows);
  text += "\n" + table([["baseline (median)", "unit", "value"], ...BASELINE_ROWS.filter((b) => res.baselines[b.id]).map((b) => [b.label, "ms", res.baselines[b.id]!.median.toFixed(1)])]);
  const failed = RUNTIME_ROWS.flatMap((def) => res.runtimes.flatMap((rt) => {
    const r = res.rows[def.id]?.[rt];
    return r && "error" in r ? [`${rt}, ${label(def, res.labels)}: ${r.error}`] : [];
  }));
  if (failed.length) text += "\nFailures:\n" + [...new Set(failed)].map((f) => `  ${f.replace(/\n/g, "\n    ")}`).join("\n") + "\n";
  return text;
}

export function evaluateTargets(res: Results, targets: readonly Target[]): TargetResult[] {
  return targets.map((t) => {
    const mine = median(res.rows[t.row]?.["rongqi"]);
    const against = "runtime" in t.against ? t.against.runtime : t.against.baseline;
    const ref = "runtime" in t.against ? median(res.rows[t.row]?.[t.against.runtime]) : res.baselines[t.against.baseline]?.median;
    const base = { text: t.text, row: t.row, against, max: t.max };
    if (mine === undefined) return { ...base, missing: "rongqi not measured" };
    if (ref === undefined) return { ...base, missing: `${against} not measured` };
    const r = mine / ref;
    return { ...base, ratio: Math.round(r * 1000) / 1000, met: r <= t.max };
  });
}

export function formatTargets(results: readonly TargetResult[]): string {
  const rows = [["target", "ratio", "limit", "result"]];
  for (const t of results) {
    rows.push([t.text, t.ratio?.toFixed(2) ?? "-", t.max.toFixed(1), t.missing ? `not measured (${t.missing})` : t.met ? "met" : "MISSED"]);
  }
  return table(rows);
}

function formatProfile(p: Profile): string[] {
  const lines = [`  Profile of one call: ${p.argv.join(" ")} (${p.wallMs.toFixed(1)} ms while profiled)`];
  if (p.phases.length) {
    lines.push("    Wall clock, from the call's --trace (runtime steps of 0.3 ms or more):");
    for (const ph of p.phases) if (ph.ms >= 0.3 && ph.depth <= 2) lines.push(`      ${"  ".repeat(ph.depth)}${ph.ms.toFixed(1).padStart(6)} ms  ${ph.name}`);
  }
  if (p.kernel && p.kernel.steps) {
    lines.push(`    Kernel steps of rongqi-init and the container process: ${p.kernel.steps} steps, ${p.kernel.ms.toFixed(1)} ms in all; longest: ` +
      p.kernel.longest.map((k) => `${k.name} ${k.ms.toFixed(2)} ms`).join(", "));
  }
  lines.push(`    CPU of the runtime process (V8 profile, ${p.cpu.totalMs.toFixed(1)} ms sampled):`);
  for (const c of p.cpu.categories.slice(0, 8)) lines.push(`      ${c.ms.toFixed(1).padStart(6)} ms  ${c.name}`);
  lines.push("    Hottest functions (self time):");
  for (const f of p.cpu.top.slice(0, 8)) lines.push(`      ${f.ms.toFixed(1).padStart(6)} ms  ${f.name} (${f.where})`);
  return lines;
}

/**
 * The note for a missed target: where the time of each call goes, and what
 * would close the gap. `floorMs` is rongqi's `--version` median: Node's
 * start-up and loading the CLI, which every call pays.
 */
export function formatProfileNote(t: TargetResult, mine: number, ref: number, profiles: readonly Profile[], floorMs: number | undefined): string {
  const budget = ref * t.max;
  const need = mine - budget;
  const lines = [`MISSED: ${t.text}: rongqi ${mine.toFixed(1)} ms, ${t.against} ${ref.toFixed(1)} ms, budget ${budget.toFixed(1)} ms, ${need.toFixed(1)} ms over.`];
  for (const p of profiles) lines.push(...formatProfile(p));
  if (floorMs !== undefined && profiles.length) {
    const floor = floorMs * profiles.length;
    const calls = profiles.length === 1 ? "one call" : `${profiles.length} calls`;
    lines.push(`  What would close it: each rongqi call starts a fresh Node and loads the CLI (rongqi --version: ${floorMs.toFixed(1)} ms); ` +
      `this row makes ${calls}, ${floor.toFixed(1)} ms before any work, against a budget of ${budget.toFixed(1)} ms.`);
    const own = mine - floor;
    const fresh = "the calls must stop starting a fresh Node each (a native fast path for these commands, or a resident process the CLI hands calls to)";
    if (floor >= budget) {
      lines.push(`    No change inside the commands can meet the target: ${fresh}; the steps above show what remains after that.`);
    } else if (need >= 0.8 * own) {
      lines.push(`    Nearly all of the commands' own work (${need.toFixed(1)} of the ${own.toFixed(1)} ms beyond that floor) would have to go, ` +
        `so in practice ${fresh}; the steps above show what remains after that.`);
    } else {
      lines.push(`    The commands' own work must shrink by ${need.toFixed(1)} ms of the ${own.toFixed(1)} ms they take beyond that floor; ` +
        "the largest steps and CPU consumers are listed above.");
    }
  }
  return lines.join("\n") + "\n";
}
