/**
 * `rongqi snapshot ls`: the store's snapshots with their image, bundle,
 * whether the overlay is mounted, and the size of their upper layer.
 *
 * @example
 * ```ts
 * for (const s of listSnapshots({})) console.log(s.name, s.mounted);
 * ```
 */
import { existsSync } from "node:fs";
import { isMountPoint } from "./_overlay_mount.ts";
import { listSnapshotRecords, upperDir } from "./_snapshots.ts";
import { treeSize } from "./_walk.ts";
import { openStore } from "./open_store.ts";

export interface SnapshotSummary {
  name: string;
  image: string;
  imageId: string;
  bundle: string;
  mountpoint: string;
  mounted: boolean;
  readonly: boolean;
  /** bytes of file content in the upper layer (the container's changes) */
  upperSize: number;
  created: string;
}

export function listSnapshots(opts: { store?: string }): SnapshotSummary[] {
  const store = openStore(opts.store);
  return listSnapshotRecords(store).map((r) => {
    const upper = upperDir(store, r.name);
    return {
      name: r.name, image: r.image, imageId: r.imageId, bundle: r.bundle, mountpoint: r.mountpoint,
      mounted: isMountPoint(r.mountpoint), readonly: r.readonly,
      upperSize: existsSync(upper) ? treeSize(upper).bytes : 0, created: r.created,
    };
  });
}
