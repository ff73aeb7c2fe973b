/**
 * `ps`: the host pids of every process in a container (its cgroup's; a
 * container without a cgroup falls back to its pid namespace or process
 * tree), and runc's table form: `ps` run on the host with the given
 * options, keeping the header and the container's lines.
 *
 * @example
 * ```ts
 * ps({ root: "/run/rongqi", id: "web" });                  // [4242, 4250]
 * psTable([4242], "UID PID PPID CMD\nroot 4242 1 sleep"); // "UID PID PPID CMD\nroot 4242 1 sleep\n"
 * ```
 */
import { RongqiError } from "../errors.ts";
import { readRecord } from "./container_record.ts";
import { containerPids } from "./kill.ts";
import { validateId } from "./validate_id.ts";

export function ps(opts: { root: string; id: string }): number[] {
  validateId(opts.id);
  const record = readRecord(opts.root, opts.id);
  return containerPids(record).sort((a, b) => a - b);
}

/** Filters `ps` output to the header and the lines whose PID column is one of `pids`. */
export function psTable(pids: readonly number[], output: string): string {
  const lines = output.split("\n");
  const header = lines[0] ?? "";
  const col = header.trim().split(/\s+/).indexOf("PID");
  if (col < 0) throw new RongqiError(`ps: no PID column in the output of ps (header: ${JSON.stringify(header)})`);
  const want = new Set(pids);
  const keep = lines.slice(1).filter((l) => l.trim() !== "" && want.has(Number(l.trim().split(/\s+/)[col])));
  return [header, ...keep].join("\n") + "\n";
}
