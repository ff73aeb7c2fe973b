/**
 * `rongqi image rm IMAGE`: removes an image's name from the store, then
 * collects what nothing uses any more (see gc_store.ts): layers shared with
 * other images stay. An image that a snapshot was prepared from is refused
 * while no other name points to it: its layers are in use (remove the
 * snapshot first).
 *
 * @example
 * ```ts
 * const r = await removeImage({ image: "busybox:latest" });
 * r.gc.removedLayers;
 * ```
 */
import { RongqiError } from "../errors.ts";
import { allImages, loadImage, removeRef } from "./_images.ts";
import { listSnapshotRecords } from "./_snapshots.ts";
import { collect, type GcResult } from "./gc_store.ts";
import { openStore, withStoreLock } from "./open_store.ts";

export interface RemoveImageResult {
  name: string;
  id: string;
  gc: GcResult;
}

export async function removeImage(opts: { store?: string; image: string }): Promise<RemoveImageResult> {
  const store = openStore(opts.store);
  return withStoreLock(store, () => {
    const img = loadImage(store, opts.image);
    const digest = img.manifestDescriptor.digest;
    const users = listSnapshotRecords(store).filter((s) => s.manifest === digest);
    const otherNames = allImages(store).filter((i) => i.name !== img.name && i.manifestDescriptor.digest === digest);
    if (users.length > 0 && otherNames.length === 0) {
      throw new RongqiError(`image ${img.name} is used by snapshot${users.length > 1 ? "s" : ""} ${users.map((s) => s.name).join(", ")}: remove ${users.length > 1 ? "them" : "it"} first (rongqi snapshot rm)`);
    }
    removeRef(store, img.name);
    return { name: img.name, id: img.id, gc: collect(store) };
  });
}
