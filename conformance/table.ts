// Turns the --json results of several conformance runs into the Markdown
// table in the README: passed / failed / skipped per area and runtime, then
// the checks whose outcome differs between runtimes.
//
//   node conformance/table.ts rongqi.json runc.json crun.json
import { readFileSync } from "node:fs";
import { AREAS } from "./_check.ts";

interface Result {
  id: string;
  area: string;
  title: string;
  outcome: "pass" | "fail" | "skip";
}
interface Run {
  runtime: string;
  version?: string;
  results: Result[];
}

export function table(runs: Run[]): string {
  const out: string[] = [];
  const cell = (rs: Result[]) => `${rs.filter((r) => r.outcome === "pass").length} / ${rs.filter((r) => r.outcome === "fail").length} / ${rs.filter((r) => r.outcome === "skip").length}`;
  out.push(`| area | ${runs.map((r) => `${r.runtime}${r.version ? ` (${r.version.replace(/^\S+ version /, "")})` : ""}`).join(" | ")} |`);
  out.push(`| --- | ${runs.map(() => "---").join(" | ")} |`);
  for (const area of AREAS) {
    if (!runs.some((r) => r.results.some((x) => x.area === area))) continue;
    out.push(`| ${area} | ${runs.map((r) => cell(r.results.filter((x) => x.area === area))).join(" | ")} |`);
  }
  out.push(`| **total** | ${runs.map((r) => `**${cell(r.results)}**`).join(" | ")} |`);
  const ids = [...new Set(runs.flatMap((r) => r.results.map((x) => x.id)))];
  const differ = ids.filter((id) => new Set(runs.map((r) => r.results.find((x) => x.id === id)?.outcome ?? "-")).size > 1);
  if (differ.length) {
    const mark = { pass: "pass", fail: "**fail**", skip: "skip", "-": "-" } as const;
    out.push("", `Checks with different outcomes:`, "", `| check | ${runs.map((r) => r.runtime).join(" | ")} |`, `| --- | ${runs.map(() => "---").join(" | ")} |`);
    for (const id of differ) out.push(`| \`${id}\` | ${runs.map((r) => mark[r.results.find((x) => x.id === id)?.outcome ?? "-"]).join(" | ")} |`);
  }
  return out.join("\n") + "\n";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: node conformance/table.ts RESULT.json...\n");
    process.exit(2);
  }
  process.stdout.write(table(files.map((f) => JSON.parse(readFileSync(f, "utf8")) as Run)));
}
