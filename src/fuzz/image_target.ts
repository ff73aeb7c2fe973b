/**
 * Fuzz target `image`: hostile and damaged image layers for the
 * snapshotter's unpackLayer. Seeds are small tars that try to leave the
 * layer's directory every known way (`..`, absolute names, symlinks and hard
 * links to outside, a symlink then a write through it, PAX and GNU long
 * names overriding a harmless one, whiteouts of `..`); the mutator then
 * changes names, types, link names, sizes and modes in their headers
 * (checksums mostly kept right so the entries still parse) or damages bytes.
 * Every layer must unpack or fail with a RongqiError, in time, and nothing
 * may appear outside its directory: a canary directory and file beside it,
 * and the rest of the sandbox, must stay as they were.
 *
 * @example
 * ```ts
 * const t = imageTarget();
 * await t.setup!();
 * await t.run(t.generate(new Rng(1)));
 * ```
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { RongqiError } from "../errors.ts";
import { unpackLayer } from "../snapshot/unpack_layer.ts";
import { mutateBytes, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import { fixChecksum, tar, type TarEntry } from "./_tar.ts";
import { outcomeOfThrow, type Outcome, type Target } from "./_target.ts";

export interface ImageInput {
  /** the layer's tar (before compression), base64 */
  b64: string;
  gzip: boolean;
  /** the sandbox the input was made in: its path in the tar is replaced by the current one's (same length) */
  sandbox: string;
}

const file = (path: string, body = "x"): TarEntry => ({ path, type: "0", body: Buffer.from(body) });
const dir = (path: string): TarEntry => ({ path, type: "5", mode: 0o755 });
const sym = (path: string, linkpath: string): TarEntry => ({ path, type: "2", linkpath });
const hard = (path: string, linkpath: string): TarEntry => ({ path, type: "1", linkpath });

/** Layers that try to write outside; `S` is the sandbox (the layer unpacks into S/layer-N). */
function seeds(S: string): TarEntry[][] {
  return [
    [dir("etc"), file("etc/passwd", "root:x:0:0::/:/bin/sh\n"), sym("bin/sh", "busybox"), file("bin/busybox", "\x7fELF")],
    [file("../outside/escaped")],
    [file("a/../../outside/escaped")],
    [file(`${S}/outside/escaped`)],
    [sym("l", "../outside"), file("l/escaped")],
    [sym("l", `${S}/outside`), file("l/escaped")],
    [dir("d"), sym("d", "../outside"), file("d/escaped")],
    [sym("l", `${S}/canary`), hard("h", "l"), file("h", "overwritten")],
    [hard("h", `${S}/canary`), file("h", "overwritten")],
    [hard("h", "../canary"), file("h", "overwritten")],
    [file("f"), hard("h", "f"), sym("f", "../canary"), file("h", "overwritten")],
    [sym("x", "."), file("x/x/x/../../../../outside/escaped")],
    [{ ...file("harmless"), pax: { path: "../outside/escaped" } }],
    [{ ...sym("harmless", "ok"), pax: { linkpath: `${S}/outside` } }, file("harmless/escaped")],
    [{ path: "././@LongLink", type: "L", body: Buffer.from("../outside/escaped\0") }, file("short")],
    [dir("a"), file("a/.wh.."), file("a/.wh...")],
    [file(".wh...")],
    [dir("a"), file("a/.wh..wh..opq"), sym("a/b", "/"), file("a/b/escaped")],
    [{ path: "dev/null", type: "3", devmajor: 1, devminor: 3, mode: 0o666 }, { path: "fifo", type: "6" }, { path: "blk", type: "4", devmajor: 7, devminor: 0 }],
    [{ ...file("big"), size: 2 ** 33 }],
    [file("x".repeat(255)), file(`${"d/".repeat(120)}f`)],
    [sym("s", "x".repeat(5000))],
    [{ ...file("suid"), mode: 0o7777 }],
  ];
}

/** Header fields the mutator changes, with the values it tries. */
const FIELDS: [offset: number, length: number, values: readonly string[]][] = [
  [0, 100, ["../outside/escaped", "/outside", "..", ".", "", "a/../..", "l/escaped", "./../x", "\u00e9/../.."]],
  [156, 1, ["0", "1", "2", "3", "4", "5", "6", "7", "x", "g", "L", "K", "S", "\0", "Z"]],
  [157, 100, ["../canary", "/", "..", "", "l", "f", "h", "../outside", "."]],
  [124, 12, ["00000000000\0", "77777777777\0", "-1", "00000001000\0", "\u0080\0\0\0\0\0\0\0\0\0\0\u0001"]],
  [100, 8, ["0007777\0", "0000000\0", "9999999\0"]],
  [345, 155, ["..", "../outside", "/", ""]],
];

function mutateTar(b: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(b);
  const headers: number[] = [];
  for (let off = 0; off + 512 <= out.length; off += 512) if (out.toString("latin1", off + 257, off + 262) === "ustar") headers.push(off);
  for (let r = 1 + rng.int(3); r > 0 && headers.length; r--) {
    const at = rng.pick(headers);
    const [offset, length, values] = rng.pick(FIELDS);
    const v = Buffer.alloc(length);
    Buffer.from(rng.pick(values), "latin1").copy(v);
    v.copy(out, at + offset);
    if (rng.chance(0.9)) fixChecksum(out.subarray(at, at + 512));
  }
  return out;
}

/** The tar with one path replaced by another of the same length, header checksums that were right kept right. */
function movedTo(b: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(b.toString("latin1").replaceAll(from, to), "latin1");
  for (let off = 0; off + 512 <= out.length; off += 512) {
    if (out.toString("latin1", off + 257, off + 262) !== "ustar" || out.equals(b)) continue;
    const before = b.subarray(off, off + 512);
    const sum = parseInt(before.toString("latin1", 148, 155), 8);
    let real = 0;
    for (let i = 0; i < 512; i++) real += i >= 148 && i < 156 ? 32 : before[i]!;
    if (sum === real) fixChecksum(out.subarray(off, off + 512));
  }
  return out;
}

export function imageTarget(): Target<ImageInput> {
  let sandbox = "";
  let pool: TarEntry[][] = [];
  let n = 0;
  const CANARY = "canary\n";

  function escaped(): string | undefined {
    const outside = readdirSync(join(sandbox, "outside"));
    if (outside.length) return `written outside the layer: ${outside.join(", ")}`;
    if (readFileSync(join(sandbox, "canary"), "utf8") !== CANARY) return "the canary file beside the layer was changed";
    const extra = readdirSync(sandbox).filter((e) => !["outside", "canary"].includes(e) && !e.startsWith("layer-"));
    if (extra.length) return `new entries beside the layer: ${extra.join(", ")}`;
    return undefined;
  }

  return {
    name: "image",
    weight: 2,
    setup() {
      sandbox = mkdtempSync(join(tmpdir(), "rongqi-fuzz-image-"));
      mkdirSync(join(sandbox, "outside"));
      writeFileSync(join(sandbox, "canary"), CANARY);
      pool = seeds(sandbox);
    },
    teardown() {
      rmSync(sandbox, { recursive: true, force: true });
    },
    generate(rng: Rng): ImageInput {
      const entries = rng.chance(0.3) ? [...rng.pick(pool), ...rng.pick(pool)] : rng.pick(pool);
      let bytes = tar(entries);
      const how = rng.int(10);
      if (how < 6) bytes = mutateTar(bytes, rng);
      else if (how < 8) bytes = mutateBytes(bytes, rng);
      return { b64: bytes.toString("base64"), gzip: rng.chance(0.15), sandbox };
    },
    async run(input: ImageInput): Promise<Outcome> {
      let bytes: Buffer = Buffer.from(input.b64, "base64");
      if (input.sandbox !== sandbox && input.sandbox.length === sandbox.length) bytes = movedTo(bytes, input.sandbox, sandbox);
      if (input.gzip) bytes = gzipSync(bytes);
      const dest = join(sandbox, `layer-${++n}`);
      mkdirSync(dest);
      let outcome: Outcome;
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("hang")), 20_000);
        });
        await Promise.race([unpackLayer(Readable.from([bytes]), dest), timeout]);
        outcome = { kind: "ok" };
      } catch (err) {
        outcome = (err as Error).message === "hang" ? { kind: "hang", detail: "unpackLayer did not end in 20 s" } : outcomeOfThrow(err, (e) => e instanceof RongqiError);
      } finally {
        clearTimeout(timer);
      }
      const escape = escaped();
      rmSync(dest, { recursive: true, force: true });
      if (escape) {
        // put the sandbox back for the next input
        rmSync(join(sandbox, "outside"), { recursive: true, force: true });
        mkdirSync(join(sandbox, "outside"));
        writeFileSync(join(sandbox, "canary"), CANARY);
        return { kind: "escape", detail: escape };
      }
      return outcome;
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as ImageInput,
  };
}
