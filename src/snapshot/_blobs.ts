/**
 * The store's blobs: content-addressed files under blobs/sha256/, each
 * verified (size, then sha256) before it gets its name, so that a blob in
 * the store is always what its name says.
 *
 * @example
 * ```ts
 * const r = await ingestFile(store, "/src/blobs/sha256/ab12...", { digest, size }, { what: "layer 1" });
 * const desc = putBlob(store, Buffer.from(JSON.stringify(manifest)), MANIFEST_MEDIA_TYPE);
 * const manifest = readBlob(store, desc.digest, "manifest");
 * ```
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RongqiError } from "../errors.ts";
import { writeFileAtomic } from "../state/json_file.ts";
import { fsError } from "../state/_fs_error.ts";
import { sha256Digest, type Digest } from "./_digest.ts";
import type { Descriptor } from "./_image_types.ts";
import { blobPath, type Store } from "./open_store.ts";

export interface IngestResult {
  digest: Digest;
  size: number;
  /** the store had the blob already: nothing was read or written */
  reused: boolean;
}

export interface IngestOptions {
  /** names the blob in errors, e.g. "layer 2 of busybox:latest" */
  what: string;
  /** the file is in the store's tmp/ and may be renamed into place instead of copied */
  move?: boolean;
}

export function hasBlob(store: Store, digest: Digest): boolean {
  return existsSync(blobPath(store, digest));
}

/**
 * Brings the file at `src` into the store. With an expected digest, the
 * content must hash to it (and have `size` bytes, checked first); without
 * one, the digest is computed. Nothing gets a blob name unless verified.
 */
export async function ingestFile(store: Store, src: string, expected: { digest?: Digest; size?: number }, opts: IngestOptions): Promise<IngestResult> {
  if (expected.digest !== undefined && hasBlob(store, expected.digest)) {
    return { digest: expected.digest, size: statSync(blobPath(store, expected.digest)).size, reused: true };
  }
  let size: number;
  try {
    const st = statSync(src);
    if (!st.isFile()) throw new RongqiError(`${opts.what}: ${src} is not a regular file`);
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RongqiError(`${opts.what}: blob ${expected.digest ?? src} is missing from the source (no ${src})`);
    }
    throw fsError(err, `${opts.what}: reading ${src}`);
  }
  if (expected.size !== undefined && expected.size !== size) {
    throw new RongqiError(`${opts.what}: size mismatch: the descriptor says ${expected.size} bytes, ${src} has ${size} (corrupt or truncated source)`);
  }
  const hash = createHash("sha256");
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const temp = opts.move ? src : join(store.tmp, `blob-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    if (opts.move) {
      await pipeline(createReadStream(src), tap, async function* (source) {
        for await (const _ of source) { /* hashing only */ }
      });
    } else {
      await pipeline(createReadStream(src), tap, createWriteStream(temp, { flags: "wx", mode: 0o644, flush: true }));
    }
  } catch (err) {
    if (!opts.move) rmSync(temp, { force: true });
    throw fsError(err, `${opts.what}: copying ${src} into the store`);
  }
  const digest: Digest = `sha256:${hash.digest("hex")}`;
  if (expected.digest !== undefined && digest !== expected.digest) {
    if (!opts.move) rmSync(temp, { force: true });
    throw new RongqiError(`${opts.what}: digest mismatch: expected ${expected.digest}, the content hashes to ${digest} (corrupt source)`);
  }
  if (hasBlob(store, digest)) {
    if (!opts.move) rmSync(temp, { force: true });
    return { digest, size, reused: true };
  }
  try {
    renameSync(temp, blobPath(store, digest));
  } catch (err) {
    throw fsError(err, `${opts.what}: storing blob ${digest}`);
  }
  return { digest, size, reused: false };
}

/** Stores a small blob (a manifest or config rongqi wrote) and returns its descriptor. */
export function putBlob(store: Store, data: Buffer, mediaType: string): Descriptor {
  const digest = sha256Digest(data);
  if (!hasBlob(store, digest)) writeFileAtomic(blobPath(store, digest), data, { mode: 0o644 });
  return { mediaType, digest, size: data.length };
}

/** Reads a small blob back, checking it still hashes to its name. */
export function readBlob(store: Store, digest: Digest, what: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(blobPath(store, digest));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RongqiError(`${what}: blob ${digest} is missing from the store ${store.root} (run the import again)`);
    }
    throw fsError(err, `${what}: reading blob ${digest}`);
  }
  if (sha256Digest(data) !== digest) {
    throw new RongqiError(`${what}: blob ${digest} in the store ${store.root} is corrupt (its content no longer matches its digest)`);
  }
  return data;
}
