/**
 * Which runtime-spec versions rongqi accepts in config.json, and SemVer 2.0.0
 * precedence. rongqi implements runtime-spec SPEC_VERSION (1.3.0) and accepts
 * every release and pre-release of the minor versions from SPEC_VERSION_MIN
 * (1.0.0) to SPEC_VERSION: 1.0.0 to 1.3.x, e.g. 1.0.2-dev (what older `runc
 * spec` wrote) or 1.3.1. A later minor version may use fields rongqi does not
 * know, and a new major version breaks compatibility.
 *
 * @example
 * ```ts
 * import { isSupportedOciVersion, compareSemver } from "./oci_version.ts";
 * isSupportedOciVersion("1.2.0"); // true
 * isSupportedOciVersion("1.4.0"); // false
 * compareSemver("1.0.0-rc.1", "1.0.0"); // -1
 * ```
 */
import { SPEC_VERSION, SPEC_VERSION_MIN } from "../version.ts";

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

function parse(v: string): SemVer | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split(".") : [] };
}

/** The range accepted, for messages: "1.0.0 to 1.3.x". */
export function supportedOciVersions(): string {
  const max = parse(SPEC_VERSION)!;
  return `${SPEC_VERSION_MIN} to ${max.major}.${max.minor}.x`;
}

/** Whether config.json may declare `version`. */
export function isSupportedOciVersion(version: string): boolean {
  const v = parse(version);
  const min = parse(SPEC_VERSION_MIN)!;
  const max = parse(SPEC_VERSION)!;
  if (!v || v.major !== max.major) return false;
  const key = (x: SemVer) => x.minor * 1e6 + x.patch;
  // Pre-releases of an accepted x.y.z count as that version (1.0.0-rc5 is a 1.0 config).
  return key(v) >= key(min) && v.minor <= max.minor;
}

/** SemVer 2.0.0 precedence: negative if a < b, 0 if equal, positive if a > b. Build metadata is ignored. */
export function compareSemver(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) throw new Error(`not a SemVer version: ${!x ? a : b}`);
  for (const k of ["major", "minor", "patch"] as const) if (x[k] !== y[k]) return Math.sign(x[k] - y[k]);
  if (x.pre.length === 0 || y.pre.length === 0) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Math.sign(Number(p) - Number(q));
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
