/**
 * `rongqi snapshot commit NAME IMAGE`: the container's upper layer becomes a
 * new gzip'ed layer (deletions as whiteouts, see _layer_tar.ts) on top of
 * its image's layers, and IMAGE names a new image: the old layers (shared,
 * not copied), the new one, and a config with the new DiffID and a history
 * entry. The new layer is unpacked into the store from the blob just
 * written, which also checks that the blob reads back as written. The
 * manifest and config are checked against the image-spec schemas; `image
 * export` then writes an OCI archive that Podman and skopeo import.
 *
 * @example
 * ```ts
 * const r = await commitSnapshot({ name: "c1", image: "busybox:patched" });
 * r.layer.diffId; // the new layer's DiffID
 * ```
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { RongqiError } from "../errors.ts";
import { fsError } from "../state/_fs_error.ts";
import { hasBlob, putBlob, readBlob } from "./_blobs.ts";
import { chainIds, type Digest } from "./_digest.ts";
import { checkDocument } from "./_image_schemas.ts";
import type { Descriptor, ImageConfig, Manifest } from "./_image_types.ts";
import { setRef, validateImageName } from "./_images.ts";
import { ensureLayer } from "./_layers.ts";
import { upperTar } from "./_layer_tar.ts";
import { CONFIG_MEDIA_TYPE, LAYER_TAR_GZIP, MANIFEST_MEDIA_TYPE } from "./_media_types.ts";
import { readSnapshot, upperDir } from "./_snapshots.ts";
import { blobPath, layerDir, openStore, tempDir, withStoreLock } from "./open_store.ts";

export interface CommitOptions {
  store?: string;
  /** the snapshot */
  name: string;
  /** the new image's name */
  image: string;
  /** the history entry's comment */
  message?: string;
}

export interface CommitResult {
  image: string;
  id: Digest;
  manifest: Digest;
  layer: { digest: Digest; diffId: Digest; chainId: Digest; size: number; tarSize: number };
  /** layers shared with the snapshot's image */
  sharedLayers: number;
}

function hashing(hash: ReturnType<typeof createHash>, count: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      count.n += chunk.length;
      cb(null, chunk);
    },
  });
}

export async function commitSnapshot(opts: CommitOptions): Promise<CommitResult> {
  const store = openStore(opts.store);
  validateImageName(opts.image);
  return withStoreLock(store, async () => {
    const rec = readSnapshot(store, opts.name);
    if (rec.readonly) throw new RongqiError(`snapshot ${rec.name} is read-only: it has no layer to commit`);
    const what = `committing snapshot ${rec.name}`;
    const baseManifest = JSON.parse(readBlob(store, rec.manifest, `${what}: manifest`).toString()) as Manifest;
    const baseConfig = JSON.parse(readBlob(store, baseManifest.config.digest, `${what}: config`).toString()) as ImageConfig;

    // 1. The upper layer as a gzip'ed tar, hashed both ways while written.
    const work = tempDir(store, "commit");
    try {
      const tmpBlob = join(work, "layer.tar.gz");
      const tarHash = createHash("sha256");
      const gzHash = createHash("sha256");
      const tarCount = { n: 0 };
      const gzCount = { n: 0 };
      try {
        await pipeline(
          Readable.from(upperTar(upperDir(store, rec.name))), hashing(tarHash, tarCount), createGzip(), hashing(gzHash, gzCount),
          createWriteStream(tmpBlob, { flags: "wx", mode: 0o644, flush: true }),
        );
      } catch (err) {
        throw fsError(err, `${what}: writing the layer`);
      }
      const diffId: Digest = `sha256:${tarHash.digest("hex")}`;
      const digest: Digest = `sha256:${gzHash.digest("hex")}`;
      if (!hasBlob(store, digest)) renameSync(tmpBlob, blobPath(store, digest));

      // 2. The layer, unpacked from that blob on top of the image's layers.
      const chainId = chainIds([...rec.diffIds, diffId]).pop()!;
      const lowers = rec.chainIds.map((c) => join(layerDir(store, c), "diff")).reverse();
      const parent = rec.chainIds[rec.chainIds.length - 1] ?? null;
      const { meta } = await ensureLayer(store, { chainId, diffId, parent }, lowers, () => createReadStream(blobPath(store, digest)), `${what}: new layer`);

      // 3. Config and manifest of the new image.
      const now = new Date().toISOString();
      const config: ImageConfig = {
        ...baseConfig,
        created: now,
        rootfs: { type: "layers", diff_ids: [...baseConfig.rootfs.diff_ids, diffId] },
        history: [...(baseConfig.history ?? []), {
          created: now, created_by: `rongqi snapshot commit ${rec.name} ${opts.image}`, ...(opts.message ? { comment: opts.message } : {}),
        }],
      };
      await checkDocument("config", config, `${what}: the new config`);
      const configDesc = putBlob(store, Buffer.from(JSON.stringify(config)), CONFIG_MEDIA_TYPE);
      const layerDesc: Descriptor = { mediaType: LAYER_TAR_GZIP, digest, size: gzCount.n };
      const manifest: Manifest = {
        schemaVersion: 2,
        mediaType: MANIFEST_MEDIA_TYPE,
        config: configDesc,
        layers: [...baseManifest.layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })), layerDesc],
      };
      await checkDocument("manifest", manifest, `${what}: the new manifest`);
      const manifestDesc = putBlob(store, Buffer.from(JSON.stringify(manifest)), MANIFEST_MEDIA_TYPE);
      setRef(store, opts.image, manifestDesc);
      return {
        image: opts.image, id: configDesc.digest, manifest: manifestDesc.digest,
        layer: { digest, diffId, chainId, size: gzCount.n, tarSize: meta.tarSize },
        sharedLayers: rec.chainIds.length,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
