import t from "tap";
import { execFileSync } from "node:child_process";
import {
  chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync,
  utimesSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import * as zlib from "node:zlib";
import { lgetxattr, lsetxattr, mknod } from "../linux/syscall.ts";
import { entryHeader } from "./_layer_tar.ts";
import { sha256 } from "./testdata/build_image.ts";
import { unpackLayer } from "./unpack_layer.ts";

const dir = mkdtempSync(join(tmpdir(), "rongqi-test-unpack-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const fresh = (name: string) => {
  const d = join(dir, `${name}-${++seq}`);
  mkdirSync(d);
  return d;
};
const stream = (b: Buffer) => Readable.from([b]);
const T0 = new Date("2001-02-03T04:05:06Z");

/** A tar written entry by entry (names as given: used to build hostile layers). */
function tar(entries: { path: string; type?: "File" | "Directory" | "SymbolicLink" | "Link"; body?: string; linkpath?: string; mode?: number }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "");
    parts.push(entryHeader({
      path: e.path, type: e.type ?? "File", mode: e.mode ?? 0o644, uid: 0, gid: 0, size: e.type && e.type !== "File" ? 0 : body.length,
      mtime: T0, linkpath: e.linkpath,
    }));
    if (body.length) parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

t.test("a layer made by GNU tar: owners, modes, setuid, mtimes, xattrs, links, devices", async (t) => {
  const src = fresh("src");
  mkdirSync(join(src, "bin"));
  writeFileSync(join(src, "bin/tool"), "#!/bin/sh\n");
  execFileSync("chown", ["1234:5678", join(src, "bin/tool")]);
  chmodSync(join(src, "bin/tool"), 0o4755);
  linkSync(join(src, "bin/tool"), join(src, "bin/tool-link"));
  symlinkSync("/etc/passwd", join(src, "bin/abs-link"));
  symlinkSync("../../../../outside", join(src, "bin/rel-link"));
  mkdirSync(join(src, "tmp"));
  chmodSync(join(src, "tmp"), 0o1777);
  mknod(join(src, "null"), 0o020666, 1, 3);
  chmodSync(join(src, "null"), 0o666);
  mknod(join(src, "fifo"), 0o010640, 0, 0);
  // binary xattr (CAP_SETUID has the byte 0x80) and a plain one
  const cap = Buffer.from("0100000280000000000000000000000000000000", "hex");
  lsetxattr(join(src, "bin/tool"), "security.capability", cap);
  lsetxattr(join(src, "bin/tool"), "user.note", Buffer.from([0, 1, 0x80, 0xff, 0x0a, 0x3d]));
  // a layer must not smuggle in overlayfs's own attributes
  lsetxattr(join(src, "tmp"), "trusted.overlay.redirect", Buffer.from("/elsewhere"));
  utimesSync(join(src, "bin"), T0, T0);
  const layer = execFileSync("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-C", src, "-cf", "-", "."]);

  const out = fresh("out");
  const r = await unpackLayer(stream(gzipSync(layer)), out);
  t.equal(r.diffId, `sha256:${sha256(layer)}`, "DiffID is the sha256 of the uncompressed tar");
  t.equal(r.tarSize, layer.length);
  const tool = lstatSync(join(out, "bin/tool"));
  t.equal(tool.mode & 0o7777, 0o4755, "setuid bit kept (set after chown)");
  t.same([tool.uid, tool.gid], [1234, 5678]);
  t.equal(readFileSync(join(out, "bin/tool"), "utf8"), "#!/bin/sh\n");
  t.equal(lstatSync(join(out, "bin/tool-link")).ino, tool.ino, "hard link");
  t.equal(readlinkSync(join(out, "bin/abs-link")), "/etc/passwd", "absolute symlink kept as is");
  t.equal(readlinkSync(join(out, "bin/rel-link")), "../../../../outside");
  t.equal(lstatSync(join(out, "tmp")).mode & 0o7777, 0o1777, "sticky bit");
  const nul = lstatSync(join(out, "null"));
  t.ok(nul.isCharacterDevice());
  t.equal(nul.rdev, (1 << 8) | 3);
  t.equal(nul.mode & 0o777, 0o666);
  t.ok(lstatSync(join(out, "fifo")).isFIFO());
  t.same(lgetxattr(join(out, "bin/tool"), "security.capability"), cap, "binary xattr byte for byte");
  t.same(lgetxattr(join(out, "bin/tool"), "user.note"), Buffer.from([0, 1, 0x80, 0xff, 0x0a, 0x3d]));
  t.equal(lgetxattr(join(out, "tmp"), "trusted.overlay.redirect"), null, "trusted.overlay.* never taken from a layer");
  t.equal(lstatSync(join(out, "bin")).mtime.getTime(), T0.getTime(), "directory mtime set after its children");
});

t.test("whiteouts and opaque directories become overlayfs's", async (t) => {
  const out = fresh("wh");
  await unpackLayer(stream(tar([
    { path: "etc/", type: "Directory", mode: 0o755 },
    { path: "etc/.wh.group" },
    { path: "bin/", type: "Directory", mode: 0o755 },
    { path: "bin/.wh..wh..opq" },
    { path: "bin/sh", body: "new sh" },
    { path: "a/.wh.b" },
    { path: "a/b/", type: "Directory", mode: 0o755 },
    { path: "a/b/c", body: "recreated" },
    { path: "x/keep", body: "mine" },
    { path: "x/.wh.keep" },
  ])), out);
  const wh = lstatSync(join(out, "etc/group"));
  t.ok(wh.isCharacterDevice() && wh.rdev === 0, "a .wh. file is a 0/0 character device");
  t.equal(lgetxattr(join(out, "bin"), "trusted.overlay.opaque")?.toString(), "y", ".wh..wh..opq makes its directory opaque");
  t.equal(readFileSync(join(out, "bin/sh"), "utf8"), "new sh", "the layer's own entries stay in an opaque directory");
  t.notOk(existsSync(join(out, "bin/.wh..wh..opq")), "the marker itself is hidden");
  t.ok(lstatSync(join(out, "a/b")).isDirectory(), "whited out then recreated in the same layer: the new directory");
  t.equal(lgetxattr(join(out, "a/b"), "trusted.overlay.opaque")?.toString(), "y", "... opaque, since the lower one was deleted");
  t.equal(readFileSync(join(out, "x/keep"), "utf8"), "mine", "a whiteout does not hide a file of its own layer");
  t.same(readdirSync(join(out, "etc")), ["group"]);
});

t.test("parents the tar leaves out take the lower layers' attributes", async (t) => {
  const lower = fresh("lower");
  mkdirSync(join(lower, "srv"));
  chmodSync(join(lower, "srv"), 0o750);
  execFileSync("chown", ["7:8", join(lower, "srv")]);
  const out = fresh("implicit");
  await unpackLayer(stream(tar([{ path: "srv/data", body: "x" }, { path: "new/file", body: "y" }])), out, { lowers: [lower] });
  const srv = lstatSync(join(out, "srv"));
  t.same([srv.mode & 0o7777, srv.uid, srv.gid], [0o750, 7, 8]);
  t.equal(lstatSync(join(out, "new")).mode & 0o7777, 0o755);
});

t.test("path traversal is refused with a clear error", async (t) => {
  const cases: [string, Parameters<typeof tar>[0], RegExp][] = [
    ["../ in a name", [{ path: "a/../../evil", body: "x" }], /refused: path "a\/..\/..\/evil" climbs out of the layer/],
    ["an absolute name", [{ path: "/etc/evil", body: "x" }], /refused: path "\/etc\/evil" is absolute/],
    ["a hard link to outside", [{ path: "x", type: "Link", linkpath: "../../etc/shadow" }], /hard link target "..\/..\/etc\/shadow" climbs out/],
    ["a hard link to an absolute path", [{ path: "x", type: "Link", linkpath: "/etc/shadow" }], /hard link target "\/etc\/shadow" is absolute/],
    ["a hard link to a file not in the layer", [{ path: "x", type: "Link", linkpath: "etc/shadow" }], /not a file of this layer/],
    ["writing through a symlink", [{ path: "d", type: "SymbolicLink", linkpath: "/tmp" }, { path: "d/evil", body: "x" }], /its parent "d" is a symlink/],
    ["a whiteout without a name", [{ path: "a/.wh." }], /a whiteout without a name/],
  ];
  for (const [what, entries, msg] of cases) {
    const out = fresh("evil");
    await t.rejects(unpackLayer(stream(tar(entries)), out), msg, what);
  }
  t.notOk(existsSync(join(dir, "evil")), "nothing written outside");
  t.notOk(existsSync("/tmp/evil"));
});

t.test("corrupt input", async (t) => {
  const good = tar([{ path: "f", body: "hello" }]);
  const gz = gzipSync(good);
  await t.rejects(unpackLayer(stream(gz.subarray(0, gz.length - 10)), fresh("c")), /corrupt gzip data|unexpected end/i, "truncated gzip");
  const bad = Buffer.from(good);
  bad[100] ^= 0xff; // breaks the header checksum
  await t.rejects(unpackLayer(stream(bad), fresh("c")), /corrupt tar|checksum|invalid/i, "bad header checksum");
  await t.rejects(unpackLayer(stream(Buffer.alloc(0)), fresh("c")), /empty/, "empty");
});

t.test("zstd layers, where node:zlib has zstd", { skip: typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync !== "function" && "no zstd in this Node.js" }, async (t) => {
  const good = tar([{ path: "z", body: "zstd!" }]);
  const z = (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(good);
  const out = fresh("zstd");
  const r = await unpackLayer(stream(z), out);
  t.equal(readFileSync(join(out, "z"), "utf8"), "zstd!");
  t.equal(r.diffId, `sha256:${sha256(good)}`);
});
