/**
 * `rongqi image export IMAGE DEST`: writes an image of the store as an OCI
 * image layout: a directory, or (DEST ending in .tar) an OCI archive, the
 * form `podman load`, `skopeo copy oci-archive:` and containerd's `ctr
 * images import` read. The image keeps its name in index.json
 * (org.opencontainers.image.ref.name).
 *
 * @example
 * ```ts
 * await exportImage({ image: "busybox:patched", dest: "/tmp/patched.tar" });
 * ```
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { c as createTar } from "tar";
import { RongqiError } from "../errors.ts";
import { fsError } from "../state/_fs_error.ts";
import { hexOf } from "./_digest.ts";
import { loadImage } from "./_images.ts";
import { INDEX_MEDIA_TYPE, REF_NAME } from "./_media_types.ts";
import { blobPath, openStore, tempDir, withStoreLock } from "./open_store.ts";

export interface ExportOptions {
  store?: string;
  image: string;
  /** a directory to create, or a file name ending in .tar */
  dest: string;
  /** the name in the exported index.json (default: the image's name) */
  name?: string;
}

export async function exportImage(opts: ExportOptions): Promise<{ format: "oci" | "oci-archive"; blobs: number }> {
  const store = openStore(opts.store);
  const dest = resolve(opts.dest);
  if (existsSync(dest)) throw new RongqiError(`${dest} exists already`);
  const archive = dest.endsWith(".tar");
  return withStoreLock(store, async () => {
    const img = loadImage(store, opts.image);
    const digests = [img.manifestDescriptor.digest, img.manifest.config.digest, ...img.manifest.layers.map((l) => l.digest)];
    const dir = archive ? tempDir(store, "export") : dest;
    try {
      mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
      for (const d of new Set(digests)) {
        const to = join(dir, "blobs", "sha256", hexOf(d));
        if (archive) linkSync(blobPath(store, d), to); // same file system: no copy
        else copyFileSync(blobPath(store, d), to);
      }
      writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
      const desc = img.manifestDescriptor;
      writeFileSync(join(dir, "index.json"), JSON.stringify({
        schemaVersion: 2,
        mediaType: INDEX_MEDIA_TYPE,
        manifests: [{ mediaType: desc.mediaType, digest: desc.digest, size: desc.size, annotations: { [REF_NAME]: opts.name ?? img.name } }],
      }));
      if (archive) await createTar({ file: dest, cwd: dir, portable: true }, ["oci-layout", "index.json", "blobs"]);
      return { format: archive ? "oci-archive" : "oci", blobs: new Set(digests).size };
    } catch (err) {
      rmSync(archive ? dest : dir, { recursive: true, force: true });
      throw fsError(err, `exporting ${img.name} to ${dest}`);
    } finally {
      if (archive) rmSync(dir, { recursive: true, force: true });
    }
  });
}
