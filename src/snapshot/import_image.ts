/**
 * `rongqi image import`: brings images from an OCI layout, an OCI archive or
 * a docker-archive into the store. Every blob is verified by digest on the
 * way in, each layer is unpacked once (keyed by its chain id) and shared by
 * every image that has it, and the image is named in the store's index.json
 * last, so an interrupted import leaves no half image and can be run again
 * (what it had finished is reused).
 *
 * @example
 * ```ts
 * import { importImage } from "./import_image.ts";
 * const r = await importImage({ store: "/var/lib/rongqi", source: "busybox.tar", name: "busybox:latest" });
 * r.images[0].layers.filter((l) => !l.created).length; // layers shared with images already in the store
 * ```
 */
import { createReadStream } from "node:fs";
import { RongqiError } from "../errors.ts";
import { shortId, type Digest } from "./_digest.ts";
import { imageFromDescriptor, setRef, validateImageName } from "./_images.ts";
import { ensureLayer } from "./_layers.ts";
import { openSource, type SourceFormat } from "./_sources.ts";
import { blobPath, openStore, withStoreLock } from "./open_store.ts";

export interface ImportOptions {
  /** the store's root directory (default /var/lib/rongqi) */
  store?: string;
  /** an OCI layout directory, an OCI archive or a docker-archive */
  source: string;
  /** the name to give the image (the source must then hold one image, or `ref` must pick one) */
  name?: string;
  /** imports only the source's image with this name */
  ref?: string;
}

export interface ImportedLayer {
  digest: Digest;
  diffId: Digest;
  chainId: Digest;
  /** false: the store had this layer already (shared with another image) */
  created: boolean;
  /** bytes of file content in the layer */
  contentSize: number;
  /** bytes of the uncompressed tar */
  tarSize: number;
}

export interface ImportedImage {
  name: string;
  id: Digest;
  manifest: Digest;
  layers: ImportedLayer[];
  /** the id of the image that had this name before, if another */
  replaced?: Digest;
}

export interface ImportResult {
  source: string;
  format: SourceFormat;
  images: ImportedImage[];
  /** blobs written to the store / already there */
  blobsAdded: number;
  blobsReused: number;
  seconds: number;
}

export async function importImage(opts: ImportOptions): Promise<ImportResult> {
  const store = openStore(opts.store);
  if (opts.name !== undefined) validateImageName(opts.name);
  const started = process.hrtime.bigint();
  return withStoreLock(store, async () => {
    const source = await openSource(store, opts.source);
    try {
      let chosen = source.images;
      if (opts.ref !== undefined) {
        chosen = chosen.filter((img) => img.names.includes(opts.ref!));
        if (chosen.length === 0) {
          const all = source.images.flatMap((i) => i.names);
          throw new RongqiError(`${opts.source} has no image named ${JSON.stringify(opts.ref)}${all.length ? ` (it has: ${all.join(", ")})` : ""}`);
        }
        chosen = chosen.slice(0, 1);
      }
      if (opts.name !== undefined && chosen.length > 1) {
        const all = chosen.map((i) => i.names[0] ?? "(unnamed)");
        throw new RongqiError(`${opts.source} holds ${chosen.length} images (${all.join(", ")}): pick one with --ref to name it --name ${opts.name}`);
      }
      const images: ImportedImage[] = [];
      let blobsAdded = 0;
      let blobsReused = 0;
      for (const img of chosen) {
        const names = opts.name !== undefined ? [opts.name] : img.names;
        if (names.length === 0) throw new RongqiError(`${img.where}: the image has no name in the source: give it one with --name`);
        names.forEach((n) => validateImageName(n));
        const { manifest, blobs } = await img.ingest();
        for (const b of blobs) b.reused ? blobsReused++ : blobsAdded++;
        const image = imageFromDescriptor(store, names[0]!, manifest);
        const layers: ImportedLayer[] = [];
        const lowers: string[] = [];
        for (const [i, layer] of image.layers.entries()) {
          const what = `${img.where}: layer ${i} (${layer.descriptor.digest})`;
          const { created, meta } = await ensureLayer(
            store,
            { chainId: layer.chainId, diffId: layer.diffId, parent: i === 0 ? null : image.layers[i - 1]!.chainId },
            [...lowers].reverse(),
            () => createReadStream(blobPath(store, layer.descriptor.digest)),
            what,
          );
          lowers.push(layer.dir);
          layers.push({
            digest: layer.descriptor.digest, diffId: layer.diffId, chainId: layer.chainId, created,
            contentSize: meta.contentSize, tarSize: meta.tarSize,
          });
        }
        for (const name of names) {
          const previous = setRef(store, name, manifest);
          let replaced: Digest | undefined;
          if (previous && previous.digest !== manifest.digest) replaced = imageFromDescriptor(store, name, previous).id;
          images.push({ name, id: image.id, manifest: manifest.digest, layers, ...(replaced ? { replaced } : {}) });
        }
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { source: opts.source, format: source.format, images, blobsAdded, blobsReused, seconds };
    } finally {
      source.close();
    }
  });
}

/** The lines `rongqi image import` prints for a result. */
export function describeImport(r: ImportResult): string {
  const lines: string[] = [];
  for (const img of r.images) {
    const fresh = img.layers.filter((l) => l.created);
    const shared = img.layers.filter((l) => !l.created);
    const bytes = (ls: ImportedLayer[]) => formatBytes(ls.reduce((n, l) => n + l.contentSize, 0));
    lines.push(
      `imported ${img.name} (id ${shortId(img.id)}) from ${r.format} ${r.source}: ${img.layers.length} layer${img.layers.length === 1 ? "" : "s"}, ` +
      `${fresh.length} unpacked (${bytes(fresh)}), ${shared.length} shared with images already in the store (${bytes(shared)} not written again)` +
      (img.replaced ? `; the name moved from image ${shortId(img.replaced)}` : ""),
    );
  }
  return lines.join("\n") + "\n";
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
