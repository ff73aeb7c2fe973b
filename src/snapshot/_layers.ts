/**
 * Unpacked layers: each layer is applied once into layers/<chain id>/diff, so
 * images that share base layers share those directories. A layer is unpacked
 * in tmp/ and renamed into place with its layer.json only when complete and
 * when its content matched the DiffID the image config gives it.
 *
 * @example
 * ```ts
 * const { created, meta } = await ensureLayer(store, { chainId, diffId, parent }, lowers, () => createReadStream(blob), "layer 1 of busybox");
 * ```
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { RongqiError } from "../errors.ts";
import { writeJsonAtomic } from "../state/json_file.ts";
import { fsError } from "../state/_fs_error.ts";
import type { Digest } from "./_digest.ts";
import { readLayerMeta, type LayerMeta } from "./_images.ts";
import { layerDir, tempDir, type Store } from "./open_store.ts";
import { unpackLayer } from "./unpack_layer.ts";

export interface LayerIdentity {
  chainId: Digest;
  diffId: Digest;
  parent: Digest | null;
}

export async function ensureLayer(
  store: Store, id: LayerIdentity, lowers: readonly string[], open: () => Readable, what: string,
): Promise<{ created: boolean; meta: LayerMeta }> {
  const existing = readLayerMeta(store, id.chainId);
  if (existing !== null) return { created: false, meta: existing };
  const work = tempDir(store, "layer");
  try {
    const diff = join(work, "diff");
    mkdirSync(diff, 0o755);
    let result;
    try {
      result = await unpackLayer(open(), diff, { lowers });
    } catch (err) {
      throw err instanceof RongqiError ? err.wrap(`${what}: unpacking`) : fsError(err, `${what}: unpacking`);
    }
    if (result.diffId !== id.diffId) {
      throw new RongqiError(`${what}: the uncompressed layer hashes to ${result.diffId}, but the image config's rootfs.diff_ids says ${id.diffId} (corrupt layer or config)`);
    }
    const meta: LayerMeta = {
      chainId: id.chainId, diffId: id.diffId, parent: id.parent, tarSize: result.tarSize,
      contentSize: result.contentSize, entries: result.entries, created: new Date().toISOString(),
    };
    writeJsonAtomic(join(work, "layer.json"), meta, { mode: 0o644 });
    try {
      renameSync(work, layerDir(store, id.chainId));
    } catch (err) {
      throw fsError(err, `${what}: storing layer ${id.chainId}`);
    }
    return { created: true, meta };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
