/**
 * An overlay upper directory as a layer tar (layer.md, "Representing
 * Changes"): added and changed files in full (owner, mode, mtime, xattrs,
 * hard links within the layer, symlinks, devices, FIFOs; sockets cannot be
 * in a tar and are left out), overlay whiteouts as `.wh.NAME` files and
 * opaque directories as `DIR/.wh..wh..opq`, whiteouts before their sibling
 * entries. overlayfs's own `trusted.overlay.*` xattrs stay out. Headers are
 * encoded by node-tar; PAX records (long names, xattrs as raw bytes) by this
 * module.
 *
 * @example
 * ```ts
 * Readable.from(upperTar("/store/snapshots/c1/upper")).pipe(createGzip()).pipe(out);
 * ```
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from "node:fs";
import { join } from "node:path";
import { Header } from "tar";
import { llistxattr, lgetxattr } from "../linux/syscall.ts";
import { isOpaque, isWhiteout, OVERLAY_XATTR_PREFIX } from "./_overlay_fs.ts";

const BLOCK = 512;
const CHUNK = 1 << 20;

interface HeaderFields {
  path: string;
  type: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "BlockDevice" | "FIFO";
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkpath?: string;
  devmaj?: number;
  devmin?: number;
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from("\n")]);
  let digits = String(body.length).length;
  if (String(body.length + digits).length > digits) digits++;
  return Buffer.concat([Buffer.from(String(body.length + digits)), body]);
}

function pad(n: number): Buffer {
  const rem = n % BLOCK;
  return Buffer.alloc(rem === 0 ? 0 : BLOCK - rem);
}

/** The header blocks of one entry: a PAX header first when the ustar fields cannot hold it or it has xattrs. */
export function entryHeader(f: HeaderFields, xattrs: Map<string, Buffer> = new Map()): Buffer {
  const h = new Header({ ...f, uname: "", gname: "", devmaj: f.devmaj ?? 0, devmin: f.devmin ?? 0 });
  const block = Buffer.alloc(BLOCK);
  const needPax = h.encode(block);
  if (!needPax && xattrs.size === 0) return block;
  const records: Buffer[] = [];
  if (needPax) {
    records.push(paxRecord("path", Buffer.from(f.path)));
    if (f.linkpath) records.push(paxRecord("linkpath", Buffer.from(f.linkpath)));
    records.push(paxRecord("size", Buffer.from(String(f.size))), paxRecord("uid", Buffer.from(String(f.uid))), paxRecord("gid", Buffer.from(String(f.gid))));
  }
  for (const [name, value] of xattrs) records.push(paxRecord(`SCHILY.xattr.${name}`, value));
  const body = Buffer.concat(records);
  const ph = new Header({
    path: `PaxHeader/${f.path.split("/").filter(Boolean).pop() ?? "x"}`.slice(0, 99), type: "ExtendedHeader", mode: 0o644,
    uid: 0, gid: 0, size: body.length, mtime: f.mtime, uname: "", gname: "",
  });
  const pblock = Buffer.alloc(BLOCK);
  ph.encode(pblock);
  return Buffer.concat([pblock, body, pad(body.length), block]);
}

function xattrsOf(abs: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of llistxattr(abs).sort()) {
    if (name.startsWith(OVERLAY_XATTR_PREFIX)) continue;
    const v = lgetxattr(abs, name);
    if (v !== null) out.set(name, v);
  }
  return out;
}

function devNumbers(rdev: number): { devmaj: number; devmin: number } {
  const dev = BigInt(rdev);
  const devmaj = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const devmin = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { devmaj, devmin };
}

function base(st: Stats) {
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
}

/** The tar of `upper`, as a stream of buffers. */
export async function* upperTar(upper: string): AsyncGenerator<Buffer> {
  const links = new Map<string, string>();
  yield* dir(upper, "", links);
  yield Buffer.alloc(2 * BLOCK);
}

async function* dir(upper: string, rel: string, links: Map<string, string>): AsyncGenerator<Buffer> {
  const names = readdirSync(rel === "" ? upper : join(upper, rel)).sort();
  const entries = names.map((name) => {
    const r = rel === "" ? name : `${rel}/${name}`;
    const abs = join(upper, r);
    return { name, rel: r, abs, st: lstatSync(abs) };
  });
  // Whiteouts first, as layer.md recommends.
  for (const e of entries) {
    if (!isWhiteout(e.st)) continue;
    const path = rel === "" ? `.wh.${e.name}` : `${rel}/.wh.${e.name}`;
    yield entryHeader({ path, type: "File", mode: 0o644, uid: 0, gid: 0, size: 0, mtime: e.st.mtime });
  }
  for (const e of entries) {
    const st = e.st;
    if (isWhiteout(st)) continue;
    if (st.isDirectory()) {
      yield entryHeader({ path: `${e.rel}/`, type: "Directory", size: 0, ...base(st) }, xattrsOf(e.abs));
      if (isOpaque(e.abs)) yield entryHeader({ path: `${e.rel}/.wh..wh..opq`, type: "File", mode: 0o644, uid: 0, gid: 0, size: 0, mtime: st.mtime });
      yield* dir(upper, e.rel, links);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        yield entryHeader({ path: e.rel, type: "Link", linkpath: first, size: 0, ...base(st) });
        continue;
      }
      if (st.nlink > 1) links.set(key, e.rel);
      yield entryHeader({ path: e.rel, type: "File", size: st.size, ...base(st) }, xattrsOf(e.abs));
      yield* fileContent(e.abs, st.size);
    } else if (st.isSymbolicLink()) {
      yield entryHeader({ path: e.rel, type: "SymbolicLink", linkpath: readlinkSync(e.abs), size: 0, ...base(st), mode: 0o777 }, xattrsOf(e.abs));
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const type = st.isCharacterDevice() ? "CharacterDevice" : "BlockDevice";
      yield entryHeader({ path: e.rel, type, size: 0, ...base(st), ...devNumbers(st.rdev) }, xattrsOf(e.abs));
    } else if (st.isFIFO()) {
      yield entryHeader({ path: e.rel, type: "FIFO", size: 0, ...base(st) }, xattrsOf(e.abs));
    }
    // sockets: a tar cannot hold them
  }
}

async function* fileContent(abs: string, size: number): AsyncGenerator<Buffer> {
  const fd = openSync(abs, "r");
  try {
    let done = 0;
    while (done < size) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - done));
      const n = readSync(fd, buf, 0, buf.length, done);
      if (n === 0) throw new Error(`${abs} shrank while being read (is the container still writing?)`);
      done += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
  yield pad(size);
}
