/**
 * `rongqi snapshot inspect NAME`: where a container's file system is, in the
 * shape of the GraphDriver part of `docker inspect` (LowerDir, UpperDir,
 * WorkDir, MergedDir), with each lower layer's digests and size, in overlay
 * order (top layer first).
 *
 * @example
 * ```ts
 * const s = inspectSnapshot({ name: "c1" });
 * s.GraphDriver.Data.LowerDir; // "/var/lib/rongqi/layers/ab../diff:/var/lib/rongqi/layers/cd../diff"
 * ```
 */
import { existsSync } from "node:fs";
import { readLayerMeta } from "./_images.ts";
import { isMountPoint } from "./_overlay_mount.ts";
import { readSnapshot, upperDir, workDir } from "./_snapshots.ts";
import { treeSize } from "./_walk.ts";
import { layerDir, openStore } from "./open_store.ts";
import { join } from "node:path";

export interface SnapshotLayer {
  /** position in the image, 0 = base */
  index: number;
  path: string;
  digest: string;
  diffId: string;
  chainId: string;
  /** bytes of file content in the layer */
  size: number;
}

export interface SnapshotInspection {
  Name: string;
  Image: string;
  ImageId: string;
  Bundle: string;
  Mounted: boolean;
  ReadOnly: boolean;
  Created: string;
  GraphDriver: {
    Name: "overlay";
    Data: { LowerDir: string; UpperDir: string | null; WorkDir: string | null; MergedDir: string };
  };
  /** top layer first, as in LowerDir */
  Layers: SnapshotLayer[];
  UpperSize: number;
  Volumes: Record<string, string>;
}

export function inspectSnapshot(opts: { store?: string; name: string }): SnapshotInspection {
  const store = openStore(opts.store);
  const r = readSnapshot(store, opts.name);
  const layers: SnapshotLayer[] = r.chainIds.map((chainId, i) => ({
    index: i,
    path: join(layerDir(store, chainId), "diff"),
    digest: r.layerDigests[i]!,
    diffId: r.diffIds[i]!,
    chainId,
    size: readLayerMeta(store, chainId)?.contentSize ?? 0,
  })).reverse();
  const upper = r.readonly ? null : upperDir(store, r.name);
  return {
    Name: r.name,
    Image: r.image,
    ImageId: r.imageId,
    Bundle: r.bundle,
    Mounted: isMountPoint(r.mountpoint),
    ReadOnly: r.readonly,
    Created: r.created,
    GraphDriver: {
      Name: "overlay",
      Data: { LowerDir: layers.map((l) => l.path).join(":"), UpperDir: upper, WorkDir: r.readonly ? null : workDir(store, r.name), MergedDir: r.mountpoint },
    },
    Layers: layers,
    UpperSize: upper && existsSync(upper) ? treeSize(upper).bytes : 0,
    Volumes: r.volumes,
  };
}
