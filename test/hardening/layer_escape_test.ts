// Image layers that try to write outside their directory, imported for real
// with `rongqi image import` from an OCI layout: `..` and absolute names,
// symlinks and hard links to outside, a write through a symlink of the same
// layer or of a layer below, a PAX or GNU long name overriding a harmless
// one, whiteouts of `..`. Each import must refuse the layer with one clear
// line (or store the link as a link, never following it), and a canary
// directory and file beside the store must stay untouched. (The unpacker's
// own unit tests are src/snapshot/unpack_layer_test.ts; the fuzzer's `image`
// target throws mutated layers at it.)
import t from "tap";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RONGQI } from "../_bundle.ts";
import { spawnSync } from "node:child_process";
import { tar, type TarEntry } from "../../src/fuzz/_tar.ts";

const dir = mkdtempSync(join(tmpdir(), "rongqi-test-layers-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const canaryDir = join(dir, "canary-dir");
const canaryFile = join(dir, "canary-file");
mkdirSync(canaryDir);
writeFileSync(canaryFile, "canary\n");

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** An OCI image layout holding one image of the given layers (uncompressed tars). */
function layout(name: string, layers: Buffer[]): string {
  const root = join(dir, `layout-${name}`);
  mkdirSync(join(root, "blobs/sha256"), { recursive: true });
  const blob = (b: Buffer) => {
    writeFileSync(join(root, "blobs/sha256", sha(b)), b);
    return { digest: `sha256:${sha(b)}`, size: b.length };
  };
  const config = Buffer.from(JSON.stringify({
    architecture: "amd64", os: "linux", config: { Cmd: ["sh"] },
    rootfs: { type: "layers", diff_ids: layers.map((l) => `sha256:${sha(l)}`) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...blob(config) },
    layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", ...blob(l) })),
  }));
  writeFileSync(join(root, "index.json"), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...blob(manifest), annotations: { "org.opencontainers.image.ref.name": `evil-${name}:1` } }],
  }));
  writeFileSync(join(root, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return root;
}

const file = (path: string, body = "pwned\n"): TarEntry => ({ path, type: "0", body: Buffer.from(body) });
const sym = (path: string, linkpath: string): TarEntry => ({ path, type: "2", linkpath });
const hard = (path: string, linkpath: string): TarEntry => ({ path, type: "1", linkpath });
const up = "../".repeat(12) + dir.slice(1);

const HOSTILE: [string, TarEntry[][]][] = [
  ["a name climbing with ..", [[file(`${up}/canary-dir/escaped`)]]],
  ["an absolute name", [[file(`${canaryDir}/escaped`)]]],
  ["a symlink to outside, then a file through it", [[sym("l", canaryDir), file("l/escaped")]]],
  ["a climbing symlink, then a file through it", [[sym("l", `${up}/canary-dir`), file("l/escaped")]]],
  ["a symlink to the canary file, then the file itself", [[sym("etc", "."), sym("c", canaryFile), file("c")]]],
  ["a hard link to the canary file, then content for it", [[hard("h", canaryFile), file("h")]]],
  ["a climbing hard link", [[hard("h", `${up}/canary-file`)]]],
  ["a hard link to a symlink to outside, then content for it", [[sym("s", canaryFile), hard("h", "s"), file("h")]]],
  ["a PAX path overriding a harmless name", [[{ ...file("harmless"), pax: { path: `${up}/canary-dir/escaped` } }]]],
  ["a PAX linkpath overriding a harmless link", [[{ ...hard("h", "harmless"), pax: { linkpath: canaryFile } }, file("h")]]],
  ["a GNU long name", [[{ path: "././@LongLink", type: "L", body: Buffer.from(`${up}/canary-dir/escaped\0`) }, file("short")]]],
  ["a whiteout of ..", [[{ path: "a", type: "5", mode: 0o755 }, file("a/.wh..")]]],
  ["a symlink in the layer below, a file through it in the next", [[sym("d", canaryDir)], [file("d/escaped")]]],
  ["a directory replaced by a symlink in the same layer", [[{ path: "d", type: "5", mode: 0o755 }, sym("d", canaryDir), file("d/escaped")]]],
];

function canaryIntact(): boolean {
  return readdirSync(canaryDir).length === 0 && readFileSync(canaryFile, "utf8") === "canary\n" && lstatSync(canaryFile).nlink === 1;
}

for (const [what, layers] of HOSTILE) {
  t.test(`image import: ${what}`, async (t) => {
    const store = join(dir, `store-${createHash("sha256").update(what).digest("hex").slice(0, 8)}`);
    const src = layout(what.replace(/\W+/g, "-"), layers.map((l) => tar(l)));
    const r = spawnSync(RONGQI, ["image", "import", "--store", store, src], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) {
      t.pass(`imported: ${r.stdout.trim().split("\n")[0]}`);
    } else {
      const lines = r.stderr.trim().split("\n");
      t.ok(lines.length === 1 && lines[0]!.startsWith("rongqi: "), `refused with one clear line: ${lines[0]}`);
    }
    t.ok(canaryIntact(), "nothing outside the store was written");
    t.same(readdirSync(dir).filter((e) => !/^(canary-dir|canary-file|layout-.*|store-.*)$/.test(e)), [], "nothing new beside the store");
  });
}
