/**
 * `rongqi image gc`: removes what no image and no snapshot uses: blobs that
 * no named manifest references (manifests, configs, layer blobs), unpacked
 * layers whose chain id no image or snapshot has, and leftovers in tmp/.
 * Layers are renamed into tmp/ before they are deleted, so an interrupted gc
 * never leaves half a layer under its name.
 *
 * @example
 * ```ts
 * const r = await gcStore({ store: "/var/lib/rongqi" });
 * r.removedLayers; r.freedBytes;
 * ```
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { hexOf, type Digest } from "./_digest.ts";
import type { Manifest } from "./_image_types.ts";
import { allImages } from "./_images.ts";
import { listSnapshotRecords } from "./_snapshots.ts";
import { treeSize } from "./_walk.ts";
import { blobPath, openStore, withStoreLock, type Store } from "./open_store.ts";

export interface GcResult {
  removedBlobs: number;
  removedLayers: number;
  /** bytes of blobs and layer content removed */
  freedBytes: number;
}

export async function gcStore(opts: { store?: string }): Promise<GcResult> {
  const store = openStore(opts.store);
  return withStoreLock(store, () => collect(store));
}

/** The collection itself; the caller holds the store lock. */
export function collect(store: Store): GcResult {
  const blobs = new Set<string>();
  const layers = new Set<string>();
  const keepManifest = (digest: Digest) => {
    blobs.add(hexOf(digest));
    const path = blobPath(store, digest);
    if (!existsSync(path)) return;
    const m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    blobs.add(hexOf(m.config.digest));
    for (const l of m.layers) blobs.add(hexOf(l.digest));
  };
  for (const img of allImages(store)) {
    keepManifest(img.manifestDescriptor.digest);
    for (const l of img.layers) layers.add(hexOf(l.chainId));
  }
  for (const s of listSnapshotRecords(store)) {
    keepManifest(s.manifest);
    for (const c of s.chainIds) layers.add(hexOf(c));
  }
  let removedBlobs = 0;
  let removedLayers = 0;
  let freedBytes = 0;
  for (const hex of readdirSync(store.blobs)) {
    if (blobs.has(hex)) continue;
    const path = join(store.blobs, hex);
    freedBytes += statSync(path).size;
    rmSync(path, { force: true });
    removedBlobs++;
  }
  for (const hex of readdirSync(store.layers)) {
    if (layers.has(hex)) continue;
    const trash = join(store.tmp, `gc-${hex}`);
    const dir = join(store.layers, hex);
    const diff = join(dir, "diff");
    if (existsSync(diff)) freedBytes += treeSize(diff).bytes;
    renameSync(dir, trash);
    rmSync(trash, { recursive: true, force: true });
    removedLayers++;
  }
  for (const name of readdirSync(store.tmp)) rmSync(join(store.tmp, name), { recursive: true, force: true });
  return { removedBlobs, removedLayers, freedBytes };
}
