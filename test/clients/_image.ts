// Container images made offline from the busybox rootfs the other tests use:
// a plain rootfs directory (Podman imports it with `podman import`) and an
// OCI image layout archive (containerd imports it with `ctr images import`).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRootfs } from "../_bundle.ts";

/** The image name both suites use. */
export const IMAGE = "localhost/busybox:rongqi-test";

/** A busybox root filesystem with the directories the checks use (/mnt, /data). */
export function makeImageRootfs(dir: string): void {
  makeRootfs(dir);
  for (const d of ["mnt", "data"]) mkdirSync(join(dir, d), { recursive: true });
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Writes `out`, an OCI image layout in a tar archive holding one image named
 * `name` whose single layer is `rootfs`.
 *
 * @example
 * makeOciArchive("/tmp/x/rootfs", "/tmp/x/image.tar", IMAGE);
 * // ctr images import /tmp/x/image.tar
 */
export function makeOciArchive(rootfs: string, out: string, name: string): void {
  const layout = `${out}.d`;
  const blobs = join(layout, "blobs/sha256");
  mkdirSync(blobs, { recursive: true });
  const blob = (data: Buffer): { digest: string; size: number } => {
    const hex = sha256(data);
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layerFile = join(layout, "layer.tar");
  execFileSync("tar", ["--numeric-owner", "-C", rootfs, "-cf", layerFile, "."]);
  const layerData = readFileSync(layerFile);
  const layer = blob(layerData);
  execFileSync("rm", ["-f", layerFile]);
  const arch = ({ x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" } as Record<string, string>)[process.arch] ?? process.arch;
  const config = blob(Buffer.from(JSON.stringify({
    architecture: arch,
    os: "linux",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
    rootfs: { type: "layers", diff_ids: [layer.digest] },
    history: [{ created_by: "rongqi client tests: busybox rootfs" }],
  })));
  const manifest = blob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
  })));
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(layout, "index.json"), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...manifest,
      platform: { architecture: arch, os: "linux" },
      annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.split(":").pop()! },
    }],
  }));
  execFileSync("tar", ["-C", layout, "-cf", `${out}.tmp`, "oci-layout", "index.json", "blobs"]);
  renameSync(`${out}.tmp`, out);
  execFileSync("rm", ["-rf", layout]);
}
