/**
 * The snapshotter's store: one directory (default /var/lib/rongqi) that is
 * itself an OCI image layout (image-layout.md), so that other tools can read
 * the images in it (`skopeo copy oci:/var/lib/rongqi:busybox ...`), plus
 * rongqi's own directories beside the layout's files:
 *
 * ```text
 * oci-layout, index.json      the layout: index.json names each image (org.opencontainers.image.ref.name)
 * blobs/sha256/<hex>          manifests, configs and layer blobs, verified by digest on the way in
 * layers/<chain-id hex>/      a layer unpacked once: diff/ (an overlay lower directory) and layer.json
 * snapshots/<name>/           a container's snapshot: snapshot.json, upper/, work/, volumes/
 * empty/                      an empty lower directory (a read-only overlay needs two)
 * tmp/                        work in progress; emptied whenever the store lock is taken
 * lock                        flock(2)ed by every command that changes the store
 * ```
 *
 * Everything reaches its final name by rename(2) once complete, so an
 * interrupted command leaves only tmp/ behind, and running it again works.
 *
 * @example
 * ```ts
 * import { openStore, withStoreLock } from "./open_store.ts";
 * const store = openStore("/tmp/store");
 * await withStoreLock(store, async () => { ... });
 * ```
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { flock, LOCK_EX, LOCK_NB } from "../linux/syscall.ts";
import { fsError } from "../state/_fs_error.ts";
import { hexOf, type Digest } from "./_digest.ts";
import { INDEX_MEDIA_TYPE } from "./_media_types.ts";
import { DEFAULT_STORE } from "./_store_root.ts";

export { DEFAULT_STORE };

export interface Store {
  readonly root: string;
  readonly blobs: string;
  readonly layers: string;
  readonly snapshots: string;
  readonly tmp: string;
  readonly empty: string;
  readonly index: string;
}

/** Opens (creating if needed) the store at `root`. */
export function openStore(root: string = DEFAULT_STORE): Store {
  const abs = resolve(root);
  const store: Store = {
    root: abs,
    blobs: join(abs, "blobs", "sha256"),
    layers: join(abs, "layers"),
    snapshots: join(abs, "snapshots"),
    tmp: join(abs, "tmp"),
    empty: join(abs, "empty"),
    index: join(abs, "index.json"),
  };
  try {
    for (const dir of [store.blobs, store.layers, store.snapshots, store.tmp, store.empty]) {
      mkdirSync(dir, { recursive: true, mode: 0o711 });
    }
    const layout = join(abs, "oci-layout");
    if (!existsSync(layout)) writeFileSync(layout, JSON.stringify({ imageLayoutVersion: "1.0.0" }) + "\n");
    if (!existsSync(store.index)) {
      writeFileSync(store.index, JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] }) + "\n");
    }
  } catch (err) {
    throw fsError(err, `opening the image store ${abs}`);
  }
  return store;
}

export function blobPath(store: Store, digest: Digest): string {
  return join(store.blobs, hexOf(digest));
}

export function layerDir(store: Store, chainId: Digest): string {
  return join(store.layers, hexOf(chainId));
}

export function snapshotDir(store: Store, name: string): string {
  return join(store.snapshots, name);
}

/** A fresh directory under tmp/ for one piece of work (removed by the caller, or by the next lock). */
export function tempDir(store: Store, purpose: string): string {
  const dir = join(store.tmp, `${purpose}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    throw fsError(err, `creating ${dir}`);
  }
  return dir;
}

const LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs `fn` holding the store's exclusive lock. Taking the lock empties tmp/:
 * whatever is there was left by a command that died holding it.
 */
export async function withStoreLock<T>(store: Store, fn: () => Promise<T> | T): Promise<T> {
  let fd: number;
  try {
    fd = openSync(join(store.root, "lock"), constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (err) {
    throw fsError(err, `locking the image store ${store.root}`);
  }
  try {
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    while (!flock(fd, LOCK_EX | LOCK_NB)) {
      if (Date.now() > deadline) {
        throw new RongqiError(`the image store ${store.root} is locked by another rongqi command (waited ${LOCK_TIMEOUT_MS / 1000} s)`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const name of readdirSync(store.tmp)) rmSync(join(store.tmp, name), { recursive: true, force: true });
    return await fn();
  } finally {
    closeSync(fd);
  }
}
