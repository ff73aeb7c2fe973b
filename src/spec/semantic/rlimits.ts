/**
 * process.rlimits: each type at most once ("If rlimits contains duplicated
 * entries with same type, the runtime MUST generate an error", config.md),
 * and a soft limit above the hard one cannot be set (setrlimit(2) fails).
 * Unknown types are caught by the schema.
 *
 * @example
 * ```ts
 * import { checkRlimits } from "./rlimits.ts";
 * checkRlimits({ ociVersion: "1.3.0", root: { path: "r" }, process: { cwd: "/", args: ["sh"],
 *   rlimits: [{ type: "RLIMIT_NOFILE", soft: 2048, hard: 1024 }] } });
 * // [{ pointer: "/process/rlimits/0/soft", message: "2048 is above the hard limit 1024" }]
 * ```
 */
import { pointer, problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkRlimits(config: Config): Problem[] {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  config.process?.rlimits?.forEach((r, i) => {
    const seen = first.get(r.type);
    if (seen !== undefined) {
      out.push(
        problem(
          pointer("process", "rlimits", i, "type"),
          `duplicate rlimit ${r.type}: entry ${seen} sets it already`,
        ),
      );
    } else first.set(r.type, i);
    if (r.soft > r.hard) out.push(problem(pointer("process", "rlimits", i, "soft"), `${r.soft} is above the hard limit ${r.hard}`));
  });
  return out;
}
