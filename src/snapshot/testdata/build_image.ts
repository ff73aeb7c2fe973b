/**
 * Builds test images offline, as other tools write them: a layer is a tar of
 * a directory made by GNU tar (--xattrs, numeric owners), gzip'ed by zlib;
 * the images are written as an OCI image layout (optionally tarred into an
 * OCI archive) or as a docker-archive (`docker save`'s format). Used by the
 * snapshotter's tests, the README example and the benchmark.
 *
 * @example
 * ```ts
 * const layer = tarLayer("/tmp/rootfs");                     // { tar, gzip }
 * writeOciLayout("/tmp/layout", [{ name: "busybox:latest", layers: [layer], config: { Cmd: ["sh"] } }]);
 * writeDockerArchive("/tmp/busybox.tar", [{ name: "busybox:latest", layers: [layer] }]);
 * ```
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

export interface Layer {
  /** the uncompressed tar */
  tar: Buffer;
  /** the same, gzip'ed */
  gzip: Buffer;
}

export interface TestImage {
  name?: string;
  layers: Layer[];
  /** the image config's "config" (Cmd, Env, User, ...) */
  config?: Record<string, unknown>;
  /** store layers uncompressed (application/vnd.oci.image.layer.v1.tar) instead of gzip'ed */
  uncompressed?: boolean;
  architecture?: string;
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A layer made by GNU tar from the contents of `dir` (entries named ./x, like docker's). */
export function tarLayer(dir: string, opts: { files?: string[] } = {}): Layer {
  const tar = execFileSync("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-C", dir, "-cf", "-", ...(opts.files ?? ["."])], {
    maxBuffer: 1 << 30,
  });
  return { tar, gzip: gzipSync(tar, { level: 1 }) };
}

export function imageConfig(img: TestImage): Buffer {
  return Buffer.from(JSON.stringify({
    created: "2024-01-02T03:04:05Z",
    architecture: img.architecture ?? ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch,
    os: "linux",
    config: img.config ?? {},
    rootfs: { type: "layers", diff_ids: img.layers.map((l) => `sha256:${sha256(l.tar)}`) },
    history: img.layers.map((_, i) => ({ created: "2024-01-02T03:04:05Z", created_by: `test layer ${i}` })),
  }));
}

function putBlob(root: string, data: Buffer): { digest: string; size: number } {
  const hex = sha256(data);
  mkdirSync(join(root, "blobs/sha256"), { recursive: true });
  writeFileSync(join(root, "blobs/sha256", hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

/** Writes an OCI image layout holding `images` into `dir`; returns each image's manifest digest. */
export function writeOciLayout(dir: string, images: TestImage[]): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const manifests = images.map((img) => {
    const config = putBlob(dir, imageConfig(img));
    const layers = img.layers.map((l) => ({
      mediaType: img.uncompressed ? "application/vnd.oci.image.layer.v1.tar" : "application/vnd.oci.image.layer.v1.tar+gzip",
      ...putBlob(dir, img.uncompressed ? l.tar : l.gzip),
    }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers,
    }));
    return {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...putBlob(dir, manifest),
      ...(img.name ? { annotations: { "org.opencontainers.image.ref.name": img.name } } : {}),
    };
  });
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
  return manifests.map((m) => m.digest);
}

/** An OCI archive: the layout of `images` in a tar file. */
export function writeOciArchive(file: string, images: TestImage[]): void {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-layout-"));
  try {
    writeOciLayout(dir, images);
    execFileSync("tar", ["-C", dir, "-cf", file, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A docker-archive as `docker save` writes it: manifest.json, <id>.json, <id>/layer.tar, repositories. */
export function writeDockerArchive(file: string, images: TestImage[]): void {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-docker-"));
  try {
    const manifest = images.map((img) => {
      const config = imageConfig(img);
      const id = sha256(config);
      writeFileSync(join(dir, `${id}.json`), config);
      const layers = img.layers.map((l) => {
        const rel = `${sha256(l.tar)}/layer.tar`;
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), l.tar);
        return rel;
      });
      return { Config: `${id}.json`, RepoTags: img.name ? [img.name] : null, Layers: layers };
    });
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    execFileSync("tar", ["-C", dir, "-cf", file, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
