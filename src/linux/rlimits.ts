/**
 * Resource limits (`process.rlimits`): names of the spec mapped to Linux
 * resource numbers, turned into helper operations.
 *
 * @example
 * ```ts
 * rlimitOps([{ type: "RLIMIT_NOFILE", soft: 1024, hard: 1024 }]);
 * // [{ op: "setrlimit", resource: 7, soft: 1024, hard: 1024, ... }]
 * ```
 */
import { RongqiError } from "../errors.ts";
import type { Op } from "./process/protocol.ts";

export const RLIMITS: Readonly<Record<string, number>> = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4,
  RLIMIT_RSS: 5, RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
};

export interface Rlimit { type: string; soft: number; hard: number }

/** RLIM_INFINITY as the spec writes it (2^64-1) becomes -1 for the helper. */
function limitValue(v: number): number {
  return v >= 2 ** 63 ? -1 : v;
}

export function rlimitOps(rlimits: readonly Rlimit[] | undefined): Op[] {
  const seen = new Set<string>();
  return (rlimits ?? []).map((r, i) => {
    const resource = RLIMITS[r.type];
    const field = `process.rlimits[${i}]`;
    if (resource === undefined) throw new RongqiError(`${field}.type: unknown rlimit "${r.type}"; allowed: ${Object.keys(RLIMITS).join(", ")}`);
    if (seen.has(r.type)) throw new RongqiError(`${field}.type: duplicate rlimit "${r.type}"`);
    seen.add(r.type);
    if (limitValue(r.soft) !== -1 && (limitValue(r.hard) !== -1 && r.soft > r.hard)) {
      throw new RongqiError(`${field}: soft limit ${r.soft} is above hard limit ${r.hard}`);
    }
    return {
      op: "setrlimit", resource, soft: limitValue(r.soft), hard: limitValue(r.hard),
      desc: { step: `set ${r.type} to ${r.soft}/${r.hard}`, field, syscall: "prlimit" },
    } satisfies Op;
  });
}
