/**
 * The runtime-spec Features structure (features.md, features-linux.md) that
 * `rongqi features` prints: what this runtime implements, independent of
 * what the host offers.
 *
 * The document is not written by hand here. It is merged from contributions
 * that the implementing modules export beside the tables their code uses
 * (mount options, capabilities, namespace kinds, ...); `_feature_sources.ts`
 * lists them, one line per module. A module that starts supporting something
 * (say seccomp) exports its contribution and replaces its "not enabled" line
 * there; nothing else changes.
 *
 * @example
 * ```ts
 * import { features } from "./features.ts";
 * const doc = features();
 * doc.linux?.namespaces; // ["pid", "network", "mount", ...]
 * ```
 */
import { FEATURE_SOURCES } from "./_feature_sources.ts";
import type { Features } from "./types/features.ts";

export type { Features };

/** What one module declares it supports: any part of the document. */
export type FeatureContribution = Partial<Features>;

/**
 * Builds the Features structure by merging contributions in order: arrays
 * are united (first occurrence keeps its place), objects merged, and a later
 * scalar replaces an earlier one.
 */
export function features(sources: readonly FeatureContribution[] = FEATURE_SOURCES): Features {
  const doc: Record<string, unknown> = {};
  for (const source of sources) merge(doc, source as Record<string, unknown>);
  if (typeof doc.ociVersionMin !== "string" || typeof doc.ociVersionMax !== "string") {
    throw new Error("features: no contribution sets ociVersionMin and ociVersionMax");
  }
  return doc as unknown as Features;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    if (value === undefined) continue;
    const have = into[key];
    if (Array.isArray(value)) {
      into[key] = Array.isArray(have) ? [...new Set([...have, ...value])] : [...value];
    } else if (value !== null && typeof value === "object") {
      const target = have !== null && typeof have === "object" && !Array.isArray(have) ? have : {};
      merge(target as Record<string, unknown>, value as Record<string, unknown>);
      into[key] = target;
    } else {
      into[key] = value;
    }
  }
}
