/**
 * Applies one layer (a tar, gzip or zstd stream as layer.md describes it)
 * to an empty directory so that the directory can serve as an overlayfs
 * lower layer:
 *
 * - whiteout files `.wh.NAME` become overlayfs whiteouts (character devices
 *   0/0), `.wh..wh..opq` marks its directory opaque
 *   (`trusted.overlay.opaque=y`); a path both whited out and recreated in the
 *   same layer keeps this layer's version (a recreated directory is made
 *   opaque, since the lower one was deleted);
 * - regular files, directories, symlinks, hard links, character and block
 *   devices and FIFOs are created with the entry's owner, mode (setuid,
 *   setgid and sticky bits included: set after chown, which clears them),
 *   extended attributes (from the raw PAX records, see _pax_tap.ts; overlayfs's
 *   own `trusted.overlay.*` are never taken from a layer) and mtime
 *   (directories last, once their children are in place);
 * - a parent directory the tar does not list takes the attributes of the same
 *   directory in the layers below (`lowers`), else 0755 root:root;
 * - refused, with an error naming the entry: absolute names, `..`, a hard link
 *   to a path outside the layer or not in it, and any entry whose parent is a
 *   symlink or a file in the layer (nothing is ever written through a symlink:
 *   files are created with O_EXCL|O_NOFOLLOW under directories this function
 *   made itself). Symlink targets are stored as they are and never followed.
 *
 * The tar is parsed by node-tar. The caller unpacks into a directory of its
 * own and removes it on failure, so no partial layer is ever seen.
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * import { unpackLayer } from "./unpack_layer.ts";
 * const r = await unpackLayer(createReadStream("layer.tar.gz"), "/store/tmp/x/diff");
 * r.diffId; // "sha256:..." of the uncompressed tar
 * ```
 */
import { createHash } from "node:crypto";
import {
  closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync,
  rmSync, symlinkSync, utimesSync, writeSync, chmodSync, chownSync, type Stats,
} from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Parser, type ReadEntry } from "tar";
import { RongqiError } from "../errors.ts";
import { lsetxattr, mknod } from "../linux/syscall.ts";
import { fsError } from "../state/_fs_error.ts";
import { decompress } from "./_decompress.ts";
import type { Digest } from "./_digest.ts";
import { lookupInLowers, makeWhiteout, OVERLAY_XATTR_PREFIX, setOpaque } from "./_overlay_fs.ts";
import { PaxTap } from "./_pax_tap.ts";

export interface UnpackOptions {
  /** The diff directories of the layers below, top first (for parent directories the tar leaves out). */
  lowers?: readonly string[];
}

export interface UnpackResult {
  /** sha256 of the uncompressed tar: the layer's DiffID */
  diffId: Digest;
  /** bytes of the uncompressed tar */
  tarSize: number;
  /** bytes of regular file content written (hard links counted once) */
  contentSize: number;
  /** entries applied */
  entries: number;
}

type Kind = "dir" | "file" | "symlink" | "whiteout" | "other";

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const OPAQUE_MARKER = ".wh..wh..opq";
const WHITEOUT_PREFIX = ".wh.";
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const TYPE_FLAGS: Record<string, string> = {
  File: "0", OldFile: "0", Link: "1", SymbolicLink: "2", CharacterDevice: "3", BlockDevice: "4",
  Directory: "5", FIFO: "6", ContiguousFile: "7", GNUDumpDir: "D",
};

/** A tar entry's name as a path inside the layer ("" for the root), or an error for names that leave it. */
export function layerPath(raw: string, what = "path"): string {
  if (raw.startsWith("/")) throw new RongqiError(`${what} "${raw}" is absolute: layer entries must be relative to the layer's root`);
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new RongqiError(`${what} "${raw}" climbs out of the layer with ".."`);
  return parts.join("/");
}

export async function unpackLayer(input: Readable, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const applier = new Applier(dest, opts.lowers ?? []);
  const hash = createHash("sha256");
  const tap = new PaxTap();
  let tarSize = 0;
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    brotli: false,
    onReadEntry: (entry: ReadEntry) => {
      try {
        applier.current = entry.path;
        applier.apply(entry, tap.next());
      } catch (err) {
        failure ??= err;
        entry.resume();
      }
    },
  });
  parser.on("error", (err: Error) => (failure ??= new RongqiError(`corrupt tar: ${err.message}`, { cause: err })));
  parser.on("warn", (_code: string, message: string | Error) => (failure ??= new RongqiError(`corrupt tar: ${String(message)}`)));
  try {
    for await (const chunk of decompress(input)) {
      hash.update(chunk);
      tarSize += chunk.length;
      tap.push(chunk);
      parser.write(chunk);
      if (failure !== undefined) break;
    }
    if (failure === undefined && tarSize === 0) failure = new RongqiError("the layer is empty (not even a tar end marker)");
    if (failure === undefined) await new Promise<void>((resolve) => parser.end(resolve));
    if (failure === undefined) applier.finish();
  } catch (err) {
    failure ??= err;
  } finally {
    applier.closeOpenFile();
  }
  if (failure !== undefined) {
    const where = applier.current === undefined ? "reading the layer" : `entry "${applier.current}"`;
    throw failure instanceof RongqiError ? failure : fsError(failure, where);
  }
  return { diffId: `sha256:${hash.digest("hex")}`, tarSize, contentSize: applier.contentSize, entries: applier.entries };
}

class Applier {
  readonly root: string;
  readonly lowers: readonly string[];
  readonly kinds = new Map<string, Kind>([["", "dir"]]);
  /** directory mtimes, set last */
  readonly dirTimes = new Map<string, [Date, Date]>();
  contentSize = 0;
  entries = 0;
  /** the entry being applied, for errors */
  current: string | undefined;
  #openFd: number | undefined;

  constructor(root: string, lowers: readonly string[]) {
    this.root = root;
    this.lowers = lowers;
  }

  apply(entry: ReadEntry, rec: { type: string; xattrs: Map<string, Buffer> }): void {
    const flag = TYPE_FLAGS[entry.type];
    if (flag === undefined) throw new RongqiError(`entry "${entry.path}": unsupported tar entry type ${entry.type}`);
    if (rec.type !== flag && !(rec.type === "0" && flag === "0")) {
      throw new RongqiError(`entry "${entry.path}": tar headers out of step (PAX tap saw type ${rec.type}, node-tar ${entry.type})`);
    }
    let rel: string;
    try {
      rel = layerPath(entry.path);
    } catch (err) {
      throw (err as RongqiError).wrap("refused");
    }
    this.entries++;
    const slash = rel.lastIndexOf("/");
    const parent = slash < 0 ? "" : rel.slice(0, slash);
    const base = rel.slice(slash + 1);

    if (base === OPAQUE_MARKER) {
      this.ensureDir(parent, rel);
      setOpaque(this.abs(parent));
      entry.resume();
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      entry.resume();
      if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return; // AUFS metadata, as Docker ignores it
      const name = base.slice(WHITEOUT_PREFIX.length);
      if (name === "") throw new RongqiError(`entry "${entry.path}": a whiteout without a name to delete`);
      const target = parent === "" ? name : `${parent}/${name}`;
      this.ensureParent(target, rel);
      const had = this.kinds.get(target);
      if (had === "dir") setOpaque(this.abs(target)); // this layer's own directory: hide the lower one's contents
      else if (had === undefined) {
        makeWhiteout(this.abs(target));
        this.kinds.set(target, "whiteout");
      }
      // a file of this layer already hides the lower one; whiteouts only apply to lower layers
      return;
    }

    const type = entry.type;
    const isDir = type === "Directory" || type === "GNUDumpDir";
    if (rel === "") {
      if (!isDir) throw new RongqiError(`entry "${entry.path}": the layer's root must be a directory`);
      this.setAttrs(this.root, entry, rec.xattrs, "dir");
      entry.resume();
      return;
    }
    this.ensureParent(rel, rel);
    const abs = this.abs(rel);
    const had = this.kinds.get(rel);
    let recreatedDir = false;
    if (had !== undefined) {
      if (had === "dir" && isDir) {
        this.setAttrs(abs, entry, rec.xattrs, "dir");
        entry.resume();
        return;
      }
      recreatedDir = had === "whiteout" && isDir;
      rmSync(abs, { recursive: true, force: true });
      this.kinds.delete(rel);
      for (const k of this.kinds.keys()) if (k.startsWith(rel + "/")) this.kinds.delete(k);
    }
    const mode = (entry.mode ?? (isDir ? 0o755 : 0o644)) & 0o7777;
    switch (type) {
      case "Directory":
      case "GNUDumpDir":
        mkdirSync(abs, 0o700);
        this.kinds.set(rel, "dir");
        if (recreatedDir) setOpaque(abs);
        this.setAttrs(abs, entry, rec.xattrs, "dir");
        entry.resume();
        return;
      case "File":
      case "OldFile":
      case "ContiguousFile":
        this.writeFile(abs, rel, entry, rec.xattrs, mode);
        return;
      case "SymbolicLink":
        symlinkSync(entry.linkpath ?? "", abs);
        this.kinds.set(rel, "symlink");
        this.setAttrs(abs, entry, rec.xattrs, "symlink");
        entry.resume();
        return;
      case "Link": {
        let target: string;
        try {
          target = layerPath(entry.linkpath ?? "", "hard link target");
        } catch (err) {
          throw (err as RongqiError).wrap(`refused: entry "${entry.path}"`);
        }
        const kind = this.kinds.get(target);
        if (kind === undefined || kind === "dir" || kind === "whiteout") {
          throw new RongqiError(`refused: hard link "${entry.path}" -> "${entry.linkpath}": the target is not a file of this layer`);
        }
        linkSync(this.abs(target), abs);
        this.kinds.set(rel, kind);
        entry.resume();
        return;
      }
      case "CharacterDevice":
      case "BlockDevice":
      case "FIFO": {
        const fmt = type === "CharacterDevice" ? S_IFCHR : type === "BlockDevice" ? S_IFBLK : S_IFIFO;
        const h = entry.header as unknown as { devmaj?: number; devmin?: number };
        mknod(abs, fmt | 0o600, h.devmaj ?? 0, h.devmin ?? 0);
        this.kinds.set(rel, "other");
        this.setAttrs(abs, entry, rec.xattrs, "other");
        entry.resume();
        return;
      }
    }
  }

  abs(rel: string): string {
    return rel === "" ? this.root : join(this.root, rel);
  }

  writeFile(abs: string, rel: string, entry: ReadEntry, xattrs: Map<string, Buffer>, mode: number): void {
    const fd = openSync(abs, CREATE, 0o600);
    this.#openFd = fd;
    this.kinds.set(rel, "file");
    entry.on("data", (chunk: Buffer) => {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done);
      this.contentSize += chunk.length;
    });
    entry.on("end", () => {
      fchownSync(fd, entry.uid ?? 0, entry.gid ?? 0);
      fchmodSync(fd, mode);
      this.setXattrs(abs, xattrs);
      const mtime = entry.mtime ?? new Date(0);
      futimesSync(fd, entry.atime ?? mtime, mtime);
      this.#openFd = undefined;
      closeSync(fd);
    });
  }

  closeOpenFile(): void {
    if (this.#openFd !== undefined) {
      try {
        closeSync(this.#openFd);
      } catch {
        // already failing
      }
      this.#openFd = undefined;
    }
  }

  setAttrs(abs: string, entry: ReadEntry, xattrs: Map<string, Buffer>, kind: Kind): void {
    const uid = entry.uid ?? 0;
    const gid = entry.gid ?? 0;
    const mtime = entry.mtime ?? new Date(0);
    const atime = entry.atime ?? mtime;
    lchownSync(abs, uid, gid);
    if (kind !== "symlink") chmodSync(abs, (entry.mode ?? (kind === "dir" ? 0o755 : 0o644)) & 0o7777);
    this.setXattrs(abs, xattrs);
    if (kind === "dir") this.dirTimes.set(abs, [atime, mtime]);
    else lutimesSync(abs, atime, mtime);
  }

  setXattrs(abs: string, xattrs: Map<string, Buffer>): void {
    for (const [name, value] of xattrs) {
      if (name.startsWith(OVERLAY_XATTR_PREFIX)) continue;
      lsetxattr(abs, name, value);
    }
  }

  /** Makes sure every directory above `rel` exists in this layer as a directory. */
  ensureParent(rel: string, entryName: string): void {
    const slash = rel.lastIndexOf("/");
    if (slash > 0) this.ensureDir(rel.slice(0, slash), entryName);
  }

  ensureDir(dir: string, entryName: string): void {
    if (dir === "") return;
    const kind = this.kinds.get(dir);
    if (kind === "dir") return;
    this.ensureParent(dir, entryName);
    const abs = this.abs(dir);
    if (kind === "whiteout") {
      // deleted below and recreated here: a new, opaque directory
      rmSync(abs);
      mkdirSync(abs, 0o755);
      setOpaque(abs);
    } else if (kind !== undefined) {
      throw new RongqiError(`refused: entry "${entryName}": its parent "${dir}" is a ${kind === "symlink" ? "symlink" : "file"} in this layer`);
    } else {
      const lower = lookupInLowers(this.lowers, dir);
      mkdirSync(abs, 0o755);
      if (lower !== null && lower.st.isDirectory()) this.copyDirAttrs(abs, lower.st);
    }
    this.kinds.set(dir, "dir");
  }

  copyDirAttrs(abs: string, st: Stats): void {
    chownSync(abs, st.uid, st.gid);
    chmodSync(abs, st.mode & 0o7777);
    this.dirTimes.set(abs, [st.atime, st.mtime]);
  }

  finish(): void {
    for (const [abs, [atime, mtime]] of this.dirTimes) utimesSync(abs, atime, mtime);
  }
}
