/**
 * `rongqi image inspect IMAGE`: an image's manifest and config digests, its
 * execution parameters (the config's "config"), and its layers bottom
 * first: blob digest and media type, DiffID, chain id, where the layer is
 * unpacked and how big it is.
 *
 * @example
 * ```ts
 * inspectImage({ image: "busybox:latest" }).Layers[0].ChainId;
 * ```
 */
import type { ImageConfigConfig } from "./_image_types.ts";
import { loadImage } from "./_images.ts";
import { listSnapshotRecords } from "./_snapshots.ts";
import { openStore } from "./open_store.ts";

export interface ImageInspection {
  Name: string;
  Id: string;
  ManifestDigest: string;
  Created: string | null;
  Author: string | null;
  Architecture: string;
  Os: string;
  Config: ImageConfigConfig;
  Layers: {
    Digest: string; MediaType: string; BlobSize: number; DiffId: string; ChainId: string; Path: string;
    Unpacked: boolean; Size: number; Entries: number;
  }[];
  /** bytes of file content over all layers */
  Size: number;
  /** snapshots prepared from this image */
  Snapshots: string[];
}

export function inspectImage(opts: { store?: string; image: string }): ImageInspection {
  const store = openStore(opts.store);
  const img = loadImage(store, opts.image);
  const layers = img.layers.map((l) => ({
    Digest: l.descriptor.digest, MediaType: l.descriptor.mediaType, BlobSize: l.descriptor.size, DiffId: l.diffId,
    ChainId: l.chainId, Path: l.dir, Unpacked: l.meta !== null, Size: l.meta?.contentSize ?? 0, Entries: l.meta?.entries ?? 0,
  }));
  return {
    Name: img.name,
    Id: img.id,
    ManifestDigest: img.manifestDescriptor.digest,
    Created: img.config.created ?? null,
    Author: img.config.author ?? null,
    Architecture: img.config.architecture,
    Os: img.config.os,
    Config: img.config.config ?? {},
    Layers: layers,
    Size: layers.reduce((n, l) => n + l.Size, 0),
    Snapshots: listSnapshotRecords(store).filter((s) => s.manifest === img.manifestDescriptor.digest).map((s) => s.name),
  };
}
