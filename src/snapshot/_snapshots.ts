// Snapshot records: snapshots/<name>/snapshot.json, written before the
// overlay is mounted so that `snapshot rm` can always undo a prepare.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { fsError } from "../state/_fs_error.ts";
import type { Digest } from "./_digest.ts";
import { snapshotDir, type Store } from "./open_store.ts";

export interface SnapshotRecord {
  name: string;
  /** the image's name and id when prepared */
  image: string;
  imageId: Digest;
  manifest: Digest;
  /** the layers' chain ids and diff ids, bottom first */
  chainIds: Digest[];
  diffIds: Digest[];
  /** layer blob digests, bottom first */
  layerDigests: Digest[];
  bundle: string;
  /** where the overlay is mounted: <bundle>/rootfs */
  mountpoint: string;
  readonly: boolean;
  /** what prepare created, and so what rm removes */
  createdBundle: boolean;
  createdRootfs: boolean;
  wroteConfig: boolean;
  /** destination -> host directory (snapshots/<name>/volumes/<n>) */
  volumes: Record<string, string>;
  created: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function validateSnapshotName(name: string): string {
  if (!NAME.test(name)) {
    throw new RongqiError(`invalid snapshot name ${JSON.stringify(name)}: use letters, digits and _ . - (at most 128, not starting with . _ -)`);
  }
  return name;
}

export function readSnapshot(store: Store, name: string): SnapshotRecord {
  validateSnapshotName(name);
  const file = join(snapshotDir(store, name), "snapshot.json");
  if (!existsSync(file)) {
    const names = snapshotNames(store);
    throw new RongqiError(`no snapshot ${JSON.stringify(name)} in the store ${store.root}${names.length ? ` (it has: ${names.join(", ")})` : ""}`);
  }
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SnapshotRecord;
  } catch (err) {
    throw fsError(err, `reading ${file}`);
  }
}

export function snapshotNames(store: Store): string[] {
  return readdirSync(store.snapshots).filter((n) => NAME.test(n) && existsSync(join(store.snapshots, n, "snapshot.json"))).sort();
}

export function listSnapshotRecords(store: Store): SnapshotRecord[] {
  return snapshotNames(store).map((n) => readSnapshot(store, n));
}

export function upperDir(store: Store, name: string): string {
  return join(snapshotDir(store, name), "upper");
}

export function workDir(store: Store, name: string): string {
  return join(snapshotDir(store, name), "work");
}
