/**
 * The text form of `rongqi explain`: one numbered row per step with who takes
 * it, the step, its config field, its system call and its path, in aligned
 * columns; a rule marks where the `start` phase begins.
 *
 * @example
 * ```ts
 * process.stdout.write(formatExplain(explain({ bundle, root }).steps));
 * ```
 */
import type { ExplainedStep } from "./explain.ts";

export function formatExplain(steps: readonly ExplainedStep[]): string {
  const head = ["#", "BY", "STEP", "FIELD", "SYSCALL", "PATH"];
  const row = (s: ExplainedStep) => [String(s.n), s.by, s.step, s.field ?? "-", s.syscall ?? "-", s.path ?? "-"];
  const rows = [head, ...steps.map(row)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padStart(widths[0]!) : i === r.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd() + "\n";
  let text = line(head);
  let phase: ExplainedStep["phase"] = "create";
  for (const s of steps) {
    if (s.phase !== phase) {
      phase = s.phase;
      text += `${"-".repeat(widths[0]!)}  on "rongqi start":\n`;
    }
    text += line(row(s));
  }
  return text;
}
