// Digests as descriptor.md defines them, and the ChainID of config.md.
import { createHash } from "node:crypto";
import { RongqiError } from "../errors.ts";

/** `algorithm:encoded`, e.g. `sha256:9834876d...`. */
export type Digest = `${string}:${string}`;

const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/**
 * Checks that `value` is a digest rongqi can verify: the grammar of
 * descriptor.md, and sha256 (the one algorithm implementations MUST support;
 * the store names its blobs by it). `what` names the value in the error.
 */
export function parseDigest(value: unknown, what: string): Digest {
  if (typeof value !== "string" || !GRAMMAR.test(value)) {
    throw new RongqiError(`${what}: ${JSON.stringify(value)} is not a digest (algorithm:hex, e.g. sha256:<64 hex digits>)`);
  }
  if (!SHA256.test(value)) {
    const alg = value.slice(0, value.indexOf(":"));
    throw new RongqiError(alg === "sha256"
      ? `${what}: ${value}: a sha256 digest is 64 lower-case hex digits`
      : `${what}: ${value}: digest algorithm "${alg}" is not supported (rongqi verifies sha256)`);
  }
  return value as Digest;
}

/** The hex part of a sha256 digest. */
export function hexOf(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

export function sha256Digest(data: Buffer | string): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** The ChainIDs of a stack of layers, bottom first: ChainID(L0) = DiffID(L0), then Digest(parent + " " + DiffID). */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return out;
}

/** `sha256:abcdef012345...` shortened to 12 hex digits, as image ids are shown. */
export function shortId(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 13);
}
