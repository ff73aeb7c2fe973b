/**
 * `rongqi snapshot rm NAME`: unmounts the snapshot's overlay and removes its
 * upper, work and volume directories, and what prepare made in the bundle
 * (config.json, the rootfs mount point, the bundle directory if prepare
 * created it and it is now empty). A container still using the mount makes
 * it fail with a clear error and changes nothing.
 *
 * @example
 * ```ts
 * await removeSnapshot({ name: "c1" });
 * ```
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fsError } from "../state/_fs_error.ts";
import { isMountPoint, unmountOverlay } from "./_overlay_mount.ts";
import { readSnapshot } from "./_snapshots.ts";
import { openStore, snapshotDir, withStoreLock } from "./open_store.ts";

export interface RemoveSnapshotOptions {
  store?: string;
  name: string;
}

export async function removeSnapshot(opts: RemoveSnapshotOptions): Promise<void> {
  const store = openStore(opts.store);
  await withStoreLock(store, () => {
    const rec = readSnapshot(store, opts.name);
    if (isMountPoint(rec.mountpoint)) unmountOverlay(rec.mountpoint);
    try {
      if (rec.wroteConfig) rmSync(join(rec.bundle, "config.json"), { force: true });
      if (rec.createdRootfs && existsSync(rec.mountpoint) && readdirSync(rec.mountpoint).length === 0) rmdirSync(rec.mountpoint);
      if (rec.createdBundle && existsSync(rec.bundle) && readdirSync(rec.bundle).length === 0) rmdirSync(rec.bundle);
      // The record goes last: until then, rm can be run again.
      const dir = snapshotDir(store, rec.name);
      for (const sub of ["work", "upper", "volumes"]) rmSync(join(dir, sub), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      throw fsError(err, `removing snapshot ${rec.name}`);
    }
  });
}
