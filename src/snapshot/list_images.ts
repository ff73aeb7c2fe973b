/**
 * `rongqi image ls`: the store's images: name, id (config digest), layer
 * count, unpacked size, creation time.
 *
 * @example
 * ```ts
 * listImages({ store: "/var/lib/rongqi" }); // [{ name: "busybox:latest", id: "sha256:...", layers: 1, size: 1994112, ... }]
 * ```
 */
import { allImages } from "./_images.ts";
import { openStore } from "./open_store.ts";

export interface ImageSummary {
  name: string;
  id: string;
  manifest: string;
  layers: number;
  /** bytes of file content over all layers */
  size: number;
  created: string | null;
  architecture: string;
  os: string;
}

export function listImages(opts: { store?: string }): ImageSummary[] {
  const store = openStore(opts.store);
  return allImages(store).map((img) => ({
    name: img.name,
    id: img.id,
    manifest: img.manifestDescriptor.digest,
    layers: img.layers.length,
    size: img.layers.reduce((n, l) => n + (l.meta?.contentSize ?? 0), 0),
    created: img.config.created ?? null,
    architecture: img.config.architecture,
    os: img.config.os,
  }));
}
