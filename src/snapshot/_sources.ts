/**
 * Where `image import` reads images from:
 *
 * - an OCI image layout directory (oci-layout, index.json, blobs/);
 * - an OCI archive: that layout in a tar (`podman save --format oci-archive`,
 *   `skopeo copy ... oci-archive:`);
 * - a docker-archive: `docker save` / `podman save` output (manifest.json,
 *   one <id>.json config per image, the layer tars), or such a directory.
 *
 * An archive is extracted by node-tar into the store's tmp/ (same file
 * system), so its blobs are verified in place and renamed into the store, not
 * copied a second time. Index entries with media types the importer does not
 * know are skipped, as image-layout.md says; a nested index (a multi-platform
 * image) is followed to the manifest for this machine's platform.
 *
 * @example
 * ```ts
 * const src = await openSource(store, "busybox.tar");
 * try { for (const img of src.images) await img.ingest(); } finally { src.close(); }
 * ```
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve, sep } from "node:path";
import { x as extractTar } from "tar";
import { RongqiError } from "../errors.ts";
import { ingestFile, putBlob, readBlob, type IngestResult } from "./_blobs.ts";
import { hexOf, parseDigest, type Digest } from "./_digest.ts";
import { sniffCompression } from "./_decompress.ts";
import { checkDocument, parseJsonDocument } from "./_image_schemas.ts";
import type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from "./_image_types.ts";
import {
  CONFIG_MEDIA_TYPE, CONFIG_TYPES, INDEX_TYPES, LAYER_TAR, LAYER_TAR_GZIP, LAYER_TYPES, MANIFEST_MEDIA_TYPE, MANIFEST_TYPES, REF_NAME,
} from "./_media_types.ts";
import { tempDir, type Store } from "./open_store.ts";

export type SourceFormat = "oci" | "oci-archive" | "docker-archive";

export interface SourceImage {
  /** the name the source gives it (ref.name annotation, RepoTags), if any */
  names: string[];
  /** where in the source it is, for messages */
  where: string;
  /** brings its manifest, config and layer blobs into the store, verified; returns the manifest's descriptor there */
  ingest(): Promise<{ manifest: Descriptor; blobs: IngestResult[] }>;
}

export interface Source {
  path: string;
  format: SourceFormat;
  images: SourceImage[];
  /** removes what opening it extracted */
  close(): void;
}

export async function openSource(store: Store, path: string): Promise<Source> {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new RongqiError(`image source ${path} does not exist`);
  }
  if (st.isDirectory()) {
    const found = openDirectory(store, abs, path, false);
    return { path: abs, ...found, close() {} };
  }
  const staging = tempDir(store, "import");
  try {
    await extractTar({ file: abs, cwd: staging, strict: true, preserveOwner: false, noChmod: true });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    const msg = (err as Error).message;
    if ((err as NodeJS.ErrnoException).code === "ENOSPC") throw new RongqiError(`extracting ${path}: no space left on device in ${store.tmp}`);
    throw new RongqiError(`${path} is not a valid image archive (tar): ${msg}`, { cause: err });
  }
  try {
    const found = openDirectory(store, staging, path, true);
    return {
      path: abs,
      format: found.format === "oci" ? "oci-archive" : found.format,
      images: found.images,
      close: () => rmSync(staging, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

function openDirectory(store: Store, root: string, shown: string, move: boolean): { format: SourceFormat; images: SourceImage[] } {
  if (existsSync(join(root, "oci-layout"))) return { format: "oci", images: ociImages(store, root, shown, move) };
  if (existsSync(join(root, "manifest.json"))) return { format: "docker-archive", images: dockerImages(store, root, shown, move) };
  throw new RongqiError(`${shown} is neither an OCI image layout (no oci-layout file) nor a docker-archive (no manifest.json)`);
}

/** A file of the source by its path inside it: no absolute names, no "..", no symlink leading out. */
function inside(root: string, rel: string, what: string): string {
  if (rel.startsWith("/") || rel.split("/").includes("..")) throw new RongqiError(`${what}: path ${JSON.stringify(rel)} leaves the source`);
  const p = join(root, rel);
  if (!existsSync(p)) return p; // reported as missing by the reader
  const real = realpathSync(p);
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new RongqiError(`${what}: ${JSON.stringify(rel)} is a link leading out of the source`);
  return real;
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RongqiError(`${what}: cannot read ${path}${code ? ` (${code})` : ""}`);
  }
  return parseJsonDocument(text, what);
}

// ---- OCI image layout ------------------------------------------------------

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export function hostPlatform(): Platform {
  return { os: "linux", architecture: GOARCH[process.arch] ?? process.arch };
}

function ociImages(store: Store, root: string, shown: string, move: boolean): SourceImage[] {
  const layout = readJsonFile(join(root, "oci-layout"), `${shown}: oci-layout`);
  const index = readJsonFile(join(root, "index.json"), `${shown}: index.json`) as ImageIndex;
  const blobFile = (d: Descriptor): string => {
    const alg = d.digest.slice(0, d.digest.indexOf(":"));
    return join(root, "blobs", alg, hexOf(d.digest));
  };
  const seen = new Map<string, IngestResult>();
  const ingest = async (d: Descriptor, what: string): Promise<IngestResult> => {
    const digest = parseDigest(d.digest, `${what}: digest`);
    const done = seen.get(digest);
    if (done) return { ...done, reused: true };
    const r = await ingestFile(store, blobFile(d), { digest, size: d.size }, { what, move });
    seen.set(digest, r);
    return r;
  };
  const images: SourceImage[] = [];
  const checks = (async () => {
    await checkDocument("layout", layout, `${shown}: oci-layout`);
    await checkDocument("index", index, `${shown}: index.json`);
  })();
  index.manifests?.forEach((d, i) => {
    const name = d.annotations?.[REF_NAME];
    const where = `${shown}: index.json manifests[${i}]${name ? ` (${name})` : ""}`;
    if (!MANIFEST_TYPES.has(d.mediaType) && !INDEX_TYPES.has(d.mediaType)) return; // unknown: skipped, not an error
    images.push({
      names: name ? [name] : [],
      where,
      async ingest() {
        await checks;
        const blobs: IngestResult[] = [];
        let desc = d;
        // Follow (possibly nested) indexes to this platform's manifest.
        for (let depth = 0; INDEX_TYPES.has(desc.mediaType); depth++) {
          if (depth > 8) throw new RongqiError(`${where}: indexes nested too deep`);
          blobs.push(await ingest(desc, `${where}: index`));
          const nested = parseJsonDocument(readBlob(store, desc.digest, `${where}: index`), `${where}: index ${desc.digest}`) as ImageIndex;
          await checkDocument("index", nested, `${where}: index ${desc.digest}`);
          desc = choosePlatform(nested, where);
        }
        blobs.push(await ingest(desc, `${where}: manifest`));
        const manifest = await readManifest(store, desc, where);
        const cfgWhat = `${where}: config`;
        blobs.push(await ingest(manifest.config, cfgWhat));
        await readConfig(store, manifest, cfgWhat);
        for (const [j, layer] of manifest.layers.entries()) blobs.push(await ingest(layer, `${where}: layer ${j} (${layer.digest})`));
        return { manifest: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, blobs };
      },
    });
  });
  if (images.length === 0) throw new RongqiError(`${shown}: index.json lists no image manifest`);
  return images;
}

function choosePlatform(index: ImageIndex, where: string): Descriptor {
  const host = hostPlatform();
  const usable = index.manifests.filter((d) => MANIFEST_TYPES.has(d.mediaType) || INDEX_TYPES.has(d.mediaType));
  const match = usable.find((d) => !d.platform || (d.platform.os === host.os && d.platform.architecture === host.architecture));
  if (match) return match;
  const have = usable.map((d) => `${d.platform?.os}/${d.platform?.architecture}${d.platform?.variant ? `/${d.platform.variant}` : ""}`);
  throw new RongqiError(`${where}: no manifest for ${host.os}/${host.architecture} (the index has ${have.join(", ") || "none"})`);
}

async function readManifest(store: Store, desc: Descriptor, where: string): Promise<Manifest> {
  const what = `${where}: manifest ${desc.digest}`;
  const manifest = parseJsonDocument(readBlob(store, desc.digest, what), what) as Manifest;
  await checkDocument("manifest", manifest, what);
  if (!CONFIG_TYPES.has(manifest.config.mediaType)) {
    throw new RongqiError(`${what}: config media type ${manifest.config.mediaType} is not an image config (an artifact, not an image rongqi can run)`);
  }
  for (const [i, l] of manifest.layers.entries()) {
    if (!LAYER_TYPES.has(l.mediaType)) throw new RongqiError(`${what}: layers[${i}] has media type ${l.mediaType}, not a layer type rongqi can unpack`);
  }
  return manifest;
}

async function readConfig(store: Store, manifest: Manifest, what: string): Promise<ImageConfig> {
  const config = parseJsonDocument(readBlob(store, manifest.config.digest, what), what) as ImageConfig;
  await checkDocument("config", config, `${what} ${manifest.config.digest}`);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new RongqiError(`${what}: rootfs.diff_ids has ${config.rootfs.diff_ids.length} entries but the manifest has ${manifest.layers.length} layers`);
  }
  config.rootfs.diff_ids.forEach((d, i) => parseDigest(d, `${what}: rootfs.diff_ids[${i}]`));
  return config;
}

// ---- docker-archive -----------------------------------------------------------

interface DockerEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** The digest a docker-archive file name carries (<hex>, <hex>.json, <hex>.tar, blobs/sha256/<hex>), if any. */
function digestInName(rel: string): Digest | undefined {
  const m = /^([a-f0-9]{64})(\.json|\.tar)?$/.exec(basename(rel));
  return m ? (`sha256:${m[1]}` as Digest) : undefined;
}

function dockerImages(store: Store, root: string, shown: string, move: boolean): SourceImage[] {
  const doc = readJsonFile(join(root, "manifest.json"), `${shown}: manifest.json`);
  const bad = (why: string) => new RongqiError(`${shown}: manifest.json is not a docker-archive manifest: ${why}`);
  if (!Array.isArray(doc) || doc.length === 0) throw bad("expected a non-empty array of images");
  const byRealPath = new Map<string, IngestResult>();
  const ingest = async (rel: string, what: string): Promise<IngestResult> => {
    const file = inside(root, rel, what);
    const done = byRealPath.get(file);
    if (done) return { ...done, reused: true };
    const r = await ingestFile(store, file, { digest: digestInName(rel) }, { what, move });
    byRealPath.set(file, r);
    return r;
  };
  return (doc as unknown[]).map((raw, i): SourceImage => {
    const e = raw as DockerEntry;
    if (typeof e?.Config !== "string" || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === "string")) {
      throw bad(`entry ${i} needs "Config" (a file name) and "Layers" (file names)`);
    }
    const names = (e.RepoTags ?? []).filter((t): t is string => typeof t === "string");
    const where = `${shown}: manifest.json[${i}]${names.length ? ` (${names[0]})` : ""}`;
    return {
      names,
      where,
      async ingest() {
        const blobs: IngestResult[] = [];
        const cfg = await ingest(e.Config, `${where}: config ${e.Config}`);
        blobs.push(cfg);
        const cfgWhat = `${where}: config ${e.Config}`;
        const config = parseJsonDocument(readBlob(store, cfg.digest, cfgWhat), cfgWhat) as ImageConfig;
        await checkDocument("config", config, cfgWhat);
        if (config.rootfs.diff_ids.length !== e.Layers.length) {
          throw new RongqiError(`${cfgWhat}: rootfs.diff_ids has ${config.rootfs.diff_ids.length} entries but manifest.json lists ${e.Layers.length} layers`);
        }
        const layers: Descriptor[] = [];
        for (const [j, rel] of e.Layers.entries()) {
          const r = await ingest(rel, `${where}: layer ${j} (${rel})`);
          blobs.push(r);
          layers.push({ mediaType: layerMediaType(store, r.digest), digest: r.digest, size: r.size });
        }
        const manifest: Manifest = {
          schemaVersion: 2,
          mediaType: MANIFEST_MEDIA_TYPE,
          config: { mediaType: CONFIG_MEDIA_TYPE, digest: cfg.digest, size: cfg.size },
          layers,
        };
        await checkDocument("manifest", manifest, `${where}: manifest`);
        return { manifest: putBlob(store, Buffer.from(JSON.stringify(manifest)), MANIFEST_MEDIA_TYPE), blobs };
      },
    };
  });
}

/** docker-archive layers are plain tars; some tools write them gzip'ed. */
function layerMediaType(store: Store, digest: Digest): string {
  const fd = openSync(join(store.blobs, hexOf(digest)), "r");
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    const c = sniffCompression(head);
    return c === "gzip" ? LAYER_TAR_GZIP : c === "zstd" ? "application/vnd.oci.image.layer.v1.tar+zstd" : LAYER_TAR;
  } finally {
    closeSync(fd);
  }
}
