// rongqi image import|ls|inspect|rm|gc|export: the snapshotter's image store.
import { defineCommand } from "../command.ts";
import { defineGroup } from "../_command_group.ts";
import { DEFAULT_STORE } from "../../src/snapshot/_store_root.ts";

export const STORE_FLAG = {
  name: "store", type: "string", value: "DIR", default: DEFAULT_STORE,
  help: "the image store: blobs, unpacked layers, snapshots",
} as const;

const FORMAT_FLAG = { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["table", "json"], default: "table", help: "output format" } as const;

const imageImport = defineCommand({
  name: "image import",
  summary: "import images from an OCI layout, an OCI archive or a docker-archive",
  description: `Reads SOURCE, which is an OCI image layout directory, an OCI archive (that
layout in a tar, as 'podman save --format oci-archive' writes it) or a
docker-archive ('docker save', 'podman save'), verifies every blob by its
digest, and unpacks each layer once into the store, keyed by its chain id:
layers the store has already (from other images) are shared, not unpacked
again. Layers may be tar, gzip or zstd. Every image of SOURCE is imported under
the name SOURCE gives it (org.opencontainers.image.ref.name, RepoTags), unless
--ref picks one; --name names the imported image. An interrupted import can be
run again.`,
  flags: [
    STORE_FLAG,
    { name: "name", short: "n", type: "string", value: "NAME", help: "name the imported image NAME (e.g. busybox:latest)" },
    { name: "ref", type: "string", value: "REF", help: "import only the image SOURCE names REF" },
  ] as const,
  args: [{ name: "source" }],
  async run({ args, flags, out }) {
    const { importImage, describeImport } = await import("../../src/snapshot/import_image.ts");
    const r = await importImage({ store: flags.store, source: args[0]!, name: flags.name, ref: flags.ref });
    out(describeImport(r));
  },
});

const imageLs = defineCommand({
  name: "image ls",
  summary: "list the images in the store",
  flags: [STORE_FLAG, FORMAT_FLAG, { name: "quiet", short: "q", type: "boolean", help: "print only the names" }] as const,
  args: [],
  async run({ flags, out }) {
    const { listImages } = await import("../../src/snapshot/list_images.ts");
    const { formatBytes } = await import("../../src/snapshot/import_image.ts");
    const images = listImages({ store: flags.store });
    if (flags.quiet) return out(images.map((i) => i.name + "\n").join(""));
    if (flags.format === "json") return out(JSON.stringify(images, null, 2) + "\n");
    const rows = [["NAME", "ID", "LAYERS", "SIZE", "CREATED"], ...images.map((i) => [
      i.name, i.id.slice(7, 19), String(i.layers), formatBytes(i.size), i.created ?? "",
    ])];
    out(table(rows));
  },
});

const imageInspect = defineCommand({
  name: "image inspect",
  summary: "show an image's manifest, config and layers (JSON)",
  flags: [STORE_FLAG] as const,
  args: [{ name: "image" }],
  async run({ args, flags, out }) {
    const { inspectImage } = await import("../../src/snapshot/inspect_image.ts");
    out(JSON.stringify(inspectImage({ store: flags.store, image: args[0]! }), null, 2) + "\n");
  },
});

const imageRm = defineCommand({
  name: "image rm",
  summary: "remove images and the layers no other image or snapshot uses",
  description: `Removes the names, then the blobs and layers that nothing uses any more.
An image a snapshot was prepared from is refused until that snapshot is removed.`,
  flags: [STORE_FLAG] as const,
  args: [{ name: "image" }, { name: "more", optional: true, variadic: true }],
  async run({ args, flags, out }) {
    const { removeImage } = await import("../../src/snapshot/remove_image.ts");
    const { formatBytes } = await import("../../src/snapshot/import_image.ts");
    for (const image of args) {
      const r = await removeImage({ store: flags.store, image });
      out(`removed ${r.name} (id ${r.id.slice(7, 19)}): ${r.gc.removedLayers} layer(s) and ${r.gc.removedBlobs} blob(s) no longer used, ${formatBytes(r.gc.freedBytes)} freed\n`);
    }
  },
});

const imageGc = defineCommand({
  name: "image gc",
  summary: "remove blobs and layers no image or snapshot uses",
  flags: [STORE_FLAG] as const,
  args: [],
  async run({ flags, out }) {
    const { gcStore } = await import("../../src/snapshot/gc_store.ts");
    const { formatBytes } = await import("../../src/snapshot/import_image.ts");
    const r = await gcStore({ store: flags.store });
    out(`removed ${r.removedLayers} layer(s) and ${r.removedBlobs} blob(s), ${formatBytes(r.freedBytes)} freed\n`);
  },
});

const imageExport = defineCommand({
  name: "image export",
  summary: "write an image as an OCI layout directory, or an OCI archive (DEST.tar)",
  description: `Writes IMAGE with its blobs as an OCI image layout at DEST, or as an OCI
archive when DEST ends in .tar: what 'podman load -i DEST', 'skopeo copy
oci-archive:DEST ...' and 'ctr images import' read.`,
  flags: [STORE_FLAG, { name: "name", short: "n", type: "string", value: "NAME", help: "the name in the exported index.json (default: the image's)" }] as const,
  args: [{ name: "image" }, { name: "dest" }],
  async run({ args, flags, out }) {
    const { exportImage } = await import("../../src/snapshot/export_image.ts");
    const r = await exportImage({ store: flags.store, image: args[0]!, dest: args[1]!, name: flags.name });
    out(`exported ${args[0]} to ${args[1]} (${r.format}, ${r.blobs} blobs)\n`);
  },
});

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("   ").trimEnd() + "\n").join("");
}

export const image = defineGroup({
  name: "image",
  summary: "manage the images of the snapshotter's store",
  description: `The snapshotter keeps images in a store (default ${DEFAULT_STORE}, --store DIR):
content-addressed blobs, and each layer unpacked once, shared by the images
that have it. The store is itself an OCI image layout.`,
  actions: [imageImport, imageLs, imageInspect, imageRm, imageGc, imageExport],
});
