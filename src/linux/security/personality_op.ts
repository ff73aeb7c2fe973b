/**
 * `linux.personality` as a helper operation: personality(2) with the
 * execution domain (PER_LINUX 0x0000, PER_LINUX32 0x0008: `uname -m` then
 * says i686 on x86_64). The spec defines no flags yet and the schema refuses
 * any, so there is nothing to warn about (runc warns and ignores them).
 *
 * @example
 * ```ts
 * personalityOps({ domain: "LINUX32" }); // [{ op: "personality", persona: 8, ... }]
 * ```
 */
import { RongqiError } from "../../errors.ts";
import type { Personality, PersonalityDomain } from "../../spec/types/config.ts";
import type { Op } from "../process/protocol.ts";

export const PERSONALITY_DOMAINS: Readonly<Record<PersonalityDomain, number>> = { LINUX: 0x0000, LINUX32: 0x0008 };

export function personalityOps(p: Personality | undefined): Op[] {
  if (!p) return [];
  const persona = PERSONALITY_DOMAINS[p.domain];
  if (persona === undefined) throw new RongqiError(`linux.personality.domain: unknown domain ${JSON.stringify(p.domain)} (LINUX or LINUX32)`);
  if (p.flags?.length) throw new RongqiError(`linux.personality.flags: no flags are defined, not ${p.flags.join(", ")}`);
  return [{ op: "personality", persona, desc: { step: `set the execution domain ${p.domain}`, field: "linux.personality", syscall: "personality" } }];
}
