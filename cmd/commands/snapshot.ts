// rongqi snapshot prepare|inspect|diff|commit|rm|ls: containers' overlay file systems.
import { defineCommand } from "../command.ts";
import { defineGroup } from "../_command_group.ts";
import { STORE_FLAG, table } from "./image.ts";

const snapshotPrepare = defineCommand({
  name: "snapshot prepare",
  summary: "mount an image with a new writable layer at BUNDLE/rootfs and write BUNDLE/config.json",
  description: `Makes the snapshot's upper and work directories, mounts the overlay (the
image's layers under them) at BUNDLE/rootfs, and writes BUNDLE/config.json
from the image config: Entrypoint and Cmd (a COMMAND after BUNDLE replaces
Cmd), Env, WorkingDir, User (looked up in the image's /etc/passwd and
/etc/group), Volumes (bind mounts of the snapshot's own directories), Labels
and StopSignal as annotations. Then 'rongqi run --bundle BUNDLE ID' runs it.
The snapshot is named after BUNDLE's directory unless --name says otherwise.
Options come before IMAGE: everything after BUNDLE is the command.`,
  interspersed: false,
  flags: [
    STORE_FLAG,
    { name: "name", short: "n", type: "string", value: "NAME", help: "the snapshot's name", defaultHelp: "the bundle directory's name" },
    { name: "readonly", type: "boolean", help: "no writable layer: the container's root file system is read-only" },
    { name: "tty", short: "t", type: "boolean", help: "give the process a terminal (process.terminal)" },
  ] as const,
  args: [{ name: "image" }, { name: "bundle" }, { name: "command", optional: true, variadic: true }],
  async run({ args, flags, out }) {
    const { prepareSnapshot } = await import("../../src/snapshot/prepare_snapshot.ts");
    const [image, bundle, ...command] = args;
    const r = await prepareSnapshot({
      store: flags.store, image: image!, bundle: bundle!, name: flags.name, readonly: flags.readonly, terminal: flags.tty,
      args: command.length > 0 ? command : undefined,
    });
    out(`prepared snapshot ${r.name} of ${r.image} (${r.layers} layer${r.layers === 1 ? "" : "s"}): ${r.rootfs} mounted, ${r.bundle}/config.json written\n`);
  },
});

const snapshotInspect = defineCommand({
  name: "snapshot inspect",
  summary: "show a snapshot's LowerDir (each layer with its digest), UpperDir, WorkDir and MergedDir",
  flags: [STORE_FLAG, { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["text", "json"], default: "text", help: "output format" }] as const,
  args: [{ name: "name" }],
  async run({ args, flags, out }) {
    const { inspectSnapshot } = await import("../../src/snapshot/inspect_snapshot.ts");
    const { formatBytes } = await import("../../src/snapshot/import_image.ts");
    const s = inspectSnapshot({ store: flags.store, name: args[0]! });
    if (flags.format === "json") return out(JSON.stringify(s, null, 2) + "\n");
    const d = s.GraphDriver.Data;
    const lines = [
      `Name:       ${s.Name}`,
      `Image:      ${s.Image} (${s.ImageId})`,
      `MergedDir:  ${d.MergedDir} (${s.Mounted ? "mounted" : "not mounted"}${s.ReadOnly ? ", read-only" : ""})`,
      `UpperDir:   ${d.UpperDir ?? "(none: read-only)"}${d.UpperDir ? `   ${formatBytes(s.UpperSize)}` : ""}`,
      `WorkDir:    ${d.WorkDir ?? "(none)"}`,
      `LowerDir:   (top layer first)`,
      ...s.Layers.map((l) => `  [${l.index}] ${l.path}   ${formatBytes(l.size)}\n       digest ${l.digest}\n       diffID ${l.diffId}`),
      ...Object.entries(s.Volumes).map(([dest, host]) => `Volume:     ${dest} -> ${host}`),
    ];
    out(lines.join("\n") + "\n");
  },
});

const snapshotDiff = defineCommand({
  name: "snapshot diff",
  summary: "list the paths a container added (A), changed (C) and deleted (D)",
  flags: [STORE_FLAG] as const,
  args: [{ name: "name" }],
  async run({ args, flags, out }) {
    const { diffSnapshot } = await import("../../src/snapshot/diff_snapshot.ts");
    out(diffSnapshot({ store: flags.store, name: args[0]! }).map((c) => `${c.kind} ${c.path}\n`).join(""));
  },
});

const snapshotCommit = defineCommand({
  name: "snapshot commit",
  summary: "turn a snapshot's writable layer into a new image on top of its image's layers",
  flags: [STORE_FLAG, { name: "message", short: "m", type: "string", value: "TEXT", help: "a comment for the new layer's history entry" }] as const,
  args: [{ name: "name" }, { name: "image" }],
  async run({ args, flags, out }) {
    const { commitSnapshot } = await import("../../src/snapshot/commit_snapshot.ts");
    const r = await commitSnapshot({ store: flags.store, name: args[0]!, image: args[1]!, message: flags.message });
    out(`committed ${args[0]} as ${r.image} (id ${r.id.slice(7, 19)}): ${r.sharedLayers} layer(s) shared, new layer ${r.layer.digest} (${r.layer.size} bytes gzip'ed)\n`);
  },
});

const snapshotRm = defineCommand({
  name: "snapshot rm",
  summary: "unmount and remove snapshots",
  flags: [STORE_FLAG] as const,
  args: [{ name: "name" }, { name: "more", optional: true, variadic: true }],
  async run({ args, flags, out }) {
    const { removeSnapshot } = await import("../../src/snapshot/remove_snapshot.ts");
    for (const name of args) {
      await removeSnapshot({ store: flags.store, name });
      out(`removed snapshot ${name}\n`);
    }
  },
});

const snapshotLs = defineCommand({
  name: "snapshot ls",
  summary: "list the snapshots",
  flags: [STORE_FLAG, { name: "format", short: "f", type: "string", value: "FORMAT", choices: ["table", "json"], default: "table", help: "output format" }] as const,
  args: [],
  async run({ flags, out }) {
    const { listSnapshots } = await import("../../src/snapshot/list_snapshots.ts");
    const { formatBytes } = await import("../../src/snapshot/import_image.ts");
    const list = listSnapshots({ store: flags.store });
    if (flags.format === "json") return out(JSON.stringify(list, null, 2) + "\n");
    out(table([["NAME", "IMAGE", "MOUNTED", "UPPER", "BUNDLE"], ...list.map((s) => [
      s.name, s.image, s.mounted ? (s.readonly ? "ro" : "yes") : "no", s.readonly ? "-" : formatBytes(s.upperSize), s.bundle,
    ])]));
  },
});

export const snapshot = defineGroup({
  name: "snapshot",
  summary: "give containers overlay file systems over images from the store",
  description: `A snapshot is a container's thin writable layer over an image's read-only
layers, joined by overlayfs: reads fall through to the highest layer that has
the file, the first write copies it up, deletions are whiteouts, and neither
the image nor another container sees the change.`,
  actions: [snapshotPrepare, snapshotInspect, snapshotDiff, snapshotCommit, snapshotRm, snapshotLs],
});
