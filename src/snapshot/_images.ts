/**
 * The images of the store: its index.json names each one (the
 * org.opencontainers.image.ref.name annotation of a manifest descriptor), and
 * an image is found by that name or by its id (the digest of its config, as
 * Docker shows it; 12 hex digits are enough).
 *
 * @example
 * ```ts
 * const img = loadImage(store, "busybox:latest");
 * img.layers.map((l) => l.chainId);
 * setRef(store, "copy:1", img.manifestDescriptor);
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { writeJsonAtomic } from "../state/json_file.ts";
import { fsError } from "../state/_fs_error.ts";
import { readBlob } from "./_blobs.ts";
import { chainIds, type Digest } from "./_digest.ts";
import type { Descriptor, ImageConfig, ImageIndex, Manifest } from "./_image_types.ts";
import { INDEX_MEDIA_TYPE, REF_NAME } from "./_media_types.ts";
import { layerDir, type Store } from "./open_store.ts";

/** What layers/<chain id>/layer.json records about an unpacked layer. */
export interface LayerMeta {
  chainId: Digest;
  diffId: Digest;
  parent: Digest | null;
  /** bytes of the uncompressed tar */
  tarSize: number;
  /** bytes of file content unpacked */
  contentSize: number;
  entries: number;
  created: string;
}

export interface ImageLayer {
  /** the blob's digest, media type and size, from the manifest */
  descriptor: Descriptor;
  diffId: Digest;
  chainId: Digest;
  /** layers/<chain id>/diff: the overlay lower directory */
  dir: string;
  /** null when the layer is not unpacked in the store */
  meta: LayerMeta | null;
}

export interface Image {
  name: string;
  /** the config's digest */
  id: Digest;
  manifestDescriptor: Descriptor;
  manifest: Manifest;
  config: ImageConfig;
  /** bottom layer first */
  layers: ImageLayer[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;

/** Checks an image name: letters, digits and . _ - / : @ + (a reference like docker.io/library/busybox:1.36). */
export function validateImageName(name: string): string {
  if (!NAME.test(name) || name.length > 255 || name.split(/[/:@]/).includes("..")) {
    throw new RongqiError(`invalid image name ${JSON.stringify(name)}: use letters, digits and . _ - / : @ + (e.g. busybox:latest), at most 255 characters`);
  }
  return name;
}

export function readIndex(store: Store): ImageIndex {
  try {
    return JSON.parse(readFileSync(store.index, "utf8")) as ImageIndex;
  } catch (err) {
    throw fsError(err, `reading ${store.index}`);
  }
}

function writeIndex(store: Store, index: ImageIndex): void {
  writeJsonAtomic(store.index, index, { mode: 0o644 });
}

/** Names `manifest` as `name`, replacing what had that name; returns the replaced descriptor. */
export function setRef(store: Store, name: string, manifest: Descriptor): Descriptor | undefined {
  const index = readIndex(store);
  const previous = index.manifests.find((d) => d.annotations?.[REF_NAME] === name);
  const { annotations: _a, platform: _p, ...plain } = manifest;
  const entry: Descriptor = { ...plain, annotations: { [REF_NAME]: name } };
  index.manifests = index.manifests.filter((d) => d !== previous);
  index.manifests.push(entry);
  writeIndex(store, { ...index, schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE });
  return previous;
}

export function removeRef(store: Store, name: string): void {
  const index = readIndex(store);
  index.manifests = index.manifests.filter((d) => d.annotations?.[REF_NAME] !== name);
  writeIndex(store, index);
}

export function imageNames(store: Store): string[] {
  return readIndex(store).manifests.map((d) => d.annotations?.[REF_NAME]).filter((n): n is string => n !== undefined);
}

export function readLayerMeta(store: Store, chainId: Digest): LayerMeta | null {
  const file = join(layerDir(store, chainId), "layer.json");
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LayerMeta;
  } catch (err) {
    throw fsError(err, `reading ${file}`);
  }
}

/** Reads the image a manifest descriptor points to, with its layers' chain ids. */
export function imageFromDescriptor(store: Store, name: string, desc: Descriptor): Image {
  const manifest = JSON.parse(readBlob(store, desc.digest, `image ${name}: manifest`).toString()) as Manifest;
  const config = JSON.parse(readBlob(store, manifest.config.digest, `image ${name}: config`).toString()) as ImageConfig;
  const diffIds = config.rootfs.diff_ids;
  const chains = chainIds(diffIds);
  const layers = manifest.layers.map((descriptor, i): ImageLayer => ({
    descriptor,
    diffId: diffIds[i]!,
    chainId: chains[i]!,
    dir: join(layerDir(store, chains[i]!), "diff"),
    meta: readLayerMeta(store, chains[i]!),
  }));
  return { name, id: manifest.config.digest, manifestDescriptor: desc, manifest, config, layers };
}

/** Every named image of the store, in the order they were named. */
export function allImages(store: Store): Image[] {
  return readIndex(store).manifests
    .filter((d) => d.annotations?.[REF_NAME] !== undefined)
    .map((d) => imageFromDescriptor(store, d.annotations![REF_NAME]!, d));
}

/** The image named `ref`, or whose id (config digest, with or without "sha256:") starts with `ref` (12+ hex digits). */
export function loadImage(store: Store, ref: string): Image {
  const index = readIndex(store);
  const byName = index.manifests.find((d) => d.annotations?.[REF_NAME] === ref);
  if (byName) return imageFromDescriptor(store, ref, byName);
  const hex = ref.replace(/^sha256:/, "");
  if (/^[a-f0-9]{12,64}$/.test(hex)) {
    const matches = allImages(store).filter((img) => img.id.slice(7).startsWith(hex));
    const ids = new Set(matches.map((m) => m.id));
    if (ids.size === 1) return matches[0]!;
    if (ids.size > 1) throw new RongqiError(`image id ${ref} is ambiguous: it starts ${ids.size} image ids`);
  }
  const names = imageNames(store);
  throw new RongqiError(`no image ${JSON.stringify(ref)} in the store ${store.root}${names.length ? ` (it has: ${names.join(", ")})` : " (it is empty: rongqi image import first)"}`);
}
