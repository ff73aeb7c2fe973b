/**
 * Capabilities (`process.capabilities`): the five sets of the spec turned
 * into helper operations, in the order the kernel needs them:
 * the bounding set is dropped first (while the process still has
 * CAP_SETPCAP), then the user changes with PR_SET_KEEPCAPS held, then
 * capset sets effective/permitted/inheritable, then ambient capabilities
 * are raised.
 *
 * Names the kernel does not know, or that the runtime itself does not hold
 * and so cannot grant, are left out with a warning, as config.md asks
 * ("MUST be logged as a warning ... SHOULD NOT fail").
 *
 * @example
 * ```ts
 * const { masks, warnings } = capabilityMasks({ bounding: ["CAP_KILL"] }, { grantable: ALL, lastCap: 40 });
 * masks.bounding; // 1n << 5n
 * ```
 */
import { capabilityNumber } from "./capabilities_list.ts";

export const PR_SET_KEEPCAPS = 8;
export const PR_CAPBSET_DROP = 24;
export const PR_SET_NO_NEW_PRIVS = 38;

export interface CapabilitySets {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface CapabilityMasks {
  bounding: bigint;
  effective: bigint;
  inheritable: bigint;
  permitted: bigint;
  ambient: bigint;
}

export interface CapabilityContext {
  /** capabilities the runtime can hand out (its own bounding set, or all in a new user namespace) */
  grantable: bigint;
  /** the host kernel's highest capability number (/proc/sys/kernel/cap_last_cap) */
  lastCap: number;
}

const SETS = ["bounding", "effective", "inheritable", "permitted", "ambient"] as const;

/** Converts capability names to bit masks, collecting warnings for names that cannot be granted. */
export function capabilityMasks(sets: CapabilitySets | undefined, ctx: CapabilityContext): { masks: CapabilityMasks; warnings: string[] } {
  const masks: CapabilityMasks = { bounding: 0n, effective: 0n, inheritable: 0n, permitted: 0n, ambient: 0n };
  const warnings: string[] = [];
  for (const set of SETS) {
    for (const name of sets?.[set] ?? []) {
      const n = capabilityNumber(name);
      if (n === undefined) {
        warnings.push(`process.capabilities.${set}: unknown capability "${name}" ignored`);
        continue;
      }
      if (n > ctx.lastCap || !(ctx.grantable & (1n << BigInt(n)))) {
        warnings.push(`process.capabilities.${set}: ${name} cannot be granted on this host and is left out`);
        continue;
      }
      masks[set] |= 1n << BigInt(n);
    }
  }
  // The kernel raises an ambient capability only when it is permitted and
  // inheritable; others are left out (the config check warns about them).
  masks.ambient &= masks.permitted & masks.inheritable;
  return { masks, warnings };
}

/** Reads a capability mask line (e.g. CapBnd) of /proc/self/status. */
export function parseStatusMask(status: string, key: "CapBnd" | "CapPrm" | "CapEff"): bigint {
  const m = new RegExp(`^${key}:\\s*([0-9a-f]+)$`, "m").exec(status);
  return m ? BigInt("0x" + m[1]) : 0n;
}
