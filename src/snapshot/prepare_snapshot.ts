/**
 * `rongqi snapshot prepare IMAGE BUNDLE`: gives a container its own
 * read-write layer over an image and makes BUNDLE a runtime bundle for it:
 *
 * 1. snapshots/<name>/ gets upper/ and work/ (and a directory per Volume);
 * 2. the overlay (the image's layers, top first, under upper/) is mounted at
 *    BUNDLE/rootfs; with `readonly` there is no upper layer at all;
 * 3. BUNDLE/config.json is written from the image config (see
 *    image_runtime_config.ts) and checked by rongqi's own validation, so
 *    `rongqi run --bundle BUNDLE ID` runs it.
 *
 * The record is written before the mount; any failure unmounts and removes
 * what this call made.
 *
 * @example
 * ```ts
 * import { prepareSnapshot } from "./prepare_snapshot.ts";
 * const r = await prepareSnapshot({ image: "busybox:latest", bundle: "/containers/c1" });
 * r.rootfs; // "/containers/c1/rootfs" (mounted)
 * ```
 */
import { chownSync, chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { loadConfig } from "../spec/load_config.ts";
import { writeJsonAtomic } from "../state/json_file.ts";
import { fsError } from "../state/_fs_error.ts";
import { loadImage } from "./_images.ts";
import { isMountPoint, mountOverlay, unmountOverlay } from "./_overlay_mount.ts";
import { resolveInRoot } from "./_resolve_in_root.ts";
import { upperDir, validateSnapshotName, workDir, type SnapshotRecord } from "./_snapshots.ts";
import { imageRuntimeConfig } from "./image_runtime_config.ts";
import { openStore, snapshotDir, withStoreLock } from "./open_store.ts";

export interface PrepareOptions {
  store?: string;
  /** the image's name or id */
  image: string;
  bundle: string;
  /** the snapshot's name (default: the bundle directory's name) */
  name?: string;
  /** no upper layer: the container's root file system is read-only */
  readonly?: boolean;
  /** process.terminal */
  terminal?: boolean;
  /** replaces the image's Cmd */
  args?: string[];
}

export interface PrepareResult {
  name: string;
  bundle: string;
  rootfs: string;
  image: string;
  /** how the overlay was mounted: one mount(2), or fsconfig for long layer lists */
  mountedWith: "mount" | "fsconfig";
  layers: number;
}

export async function prepareSnapshot(opts: PrepareOptions): Promise<PrepareResult> {
  const store = openStore(opts.store);
  const bundle = resolve(opts.bundle);
  const name = validateSnapshotName(opts.name ?? basename(bundle));
  return withStoreLock(store, async () => {
    const image = loadImage(store, opts.image);
    for (const [i, l] of image.layers.entries()) {
      if (l.meta === null) throw new RongqiError(`image ${image.name}: layer ${i} (${l.chainId}) is not unpacked in the store: import the image again`);
    }
    const dir = snapshotDir(store, name);
    if (existsSync(dir)) throw new RongqiError(`a snapshot named "${name}" exists already (remove it with rongqi snapshot rm ${name}, or choose another --name)`);
    const rootfs = join(bundle, "rootfs");
    const configFile = join(bundle, "config.json");
    const createdBundle = !existsSync(bundle);
    if (!createdBundle && !statSync(bundle).isDirectory()) throw new RongqiError(`bundle ${bundle} is not a directory`);
    if (existsSync(configFile)) throw new RongqiError(`${configFile} exists already: prepare makes a new bundle (choose another directory)`);
    const createdRootfs = !existsSync(rootfs);
    if (!createdRootfs) {
      if (!lstatSync(rootfs).isDirectory() || readdirSync(rootfs).length > 0) throw new RongqiError(`${rootfs} must be an empty directory (or not exist)`);
      if (isMountPoint(rootfs)) throw new RongqiError(`${rootfs} is already a mount point`);
    }
    const record: SnapshotRecord = {
      name, image: image.name, imageId: image.id, manifest: image.manifestDescriptor.digest,
      chainIds: image.layers.map((l) => l.chainId), diffIds: image.layers.map((l) => l.diffId),
      layerDigests: image.layers.map((l) => l.descriptor.digest),
      bundle, mountpoint: rootfs, readonly: opts.readonly ?? false, createdBundle, createdRootfs, wroteConfig: false,
      volumes: {}, created: new Date().toISOString(),
    };
    let mounted = false;
    try {
      mkdirSync(dir, { mode: 0o711 });
      const lowers = image.layers.map((l) => l.dir).reverse();
      if (!record.readonly) {
        mkdirSync(upperDir(store, name), 0o755);
        mkdirSync(workDir(store, name), 0o700);
        // The merged root takes the upper directory's owner and mode: the image's.
        const top = statSync(lowers[0]!);
        chownSync(upperDir(store, name), top.uid, top.gid);
        chmodSync(upperDir(store, name), top.mode & 0o7777);
      }
      const volumes = Object.keys(image.config.config?.Volumes ?? {}).sort();
      volumes.forEach((dest, i) => (record.volumes[dest.startsWith("/") ? dest : `/${dest}`] = join(dir, "volumes", String(i))));
      mkdirSync(bundle, { recursive: true });
      if (createdRootfs) mkdirSync(rootfs, 0o755);
      writeJsonAtomic(join(dir, "snapshot.json"), record, { mode: 0o644 });
      if (lowers.length === 1 && record.readonly) lowers.push(store.empty);
      const mountedWith = mountOverlay(record.readonly
        ? { lowers, target: rootfs, readonly: true }
        : { lowers, upper: upperDir(store, name), work: workDir(store, name), target: rootfs });
      mounted = true;
      for (const [dest, host] of Object.entries(record.volumes)) {
        mkdirSync(host, { recursive: true, mode: 0o755 });
        const inImage = resolveInRoot(rootfs, dest);
        if (inImage?.st.isDirectory()) {
          chownSync(host, inImage.st.uid, inImage.st.gid);
          chmodSync(host, inImage.st.mode & 0o7777);
        }
      }
      const config = imageRuntimeConfig(image.config, rootfs, {
        args: opts.args, terminal: opts.terminal, readonly: record.readonly, volumes: new Map(Object.entries(record.volumes)),
      });
      writeJsonAtomic(configFile, config, { mode: 0o644 });
      record.wroteConfig = true;
      writeJsonAtomic(join(dir, "snapshot.json"), record, { mode: 0o644 });
      loadConfig(bundle); // rongqi's own validation: prepare never leaves a bundle rongqi would refuse
      return { name, bundle, rootfs, image: image.name, mountedWith, layers: image.layers.length };
    } catch (err) {
      undo(record, dir, mounted);
      throw err instanceof RongqiError ? err.wrap(`preparing snapshot ${name}`) : fsError(err, `preparing snapshot ${name}`);
    }
  });
}

function undo(record: SnapshotRecord, dir: string, mounted: boolean): void {
  try {
    if (mounted) unmountOverlay(record.mountpoint);
    if (record.wroteConfig) rmSync(join(record.bundle, "config.json"), { force: true });
    if (record.createdRootfs && existsSync(record.mountpoint)) rmdirSync(record.mountpoint);
    if (record.createdBundle && existsSync(record.bundle) && readdirSync(record.bundle).length === 0) rmdirSync(record.bundle);
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // the original error is the one to report; `snapshot rm` can finish the job
  }
}

