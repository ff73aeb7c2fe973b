// A layer's bytes, decompressed by what they are: gzip and zstd are known by
// their magic numbers (a tar starts with a file name), whatever the media type says.
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { RongqiError } from "../errors.ts";

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

export type Compression = "gzip" | "zstd" | "none";

export function sniffCompression(head: Buffer): Compression {
  if (GZIP.every((b, i) => head[i] === b)) return "gzip";
  if (ZSTD.every((b, i) => head[i] === b)) return "zstd";
  return "none";
}

/** Whether this Node.js can decompress zstd (node:zlib has it since 23.8 and 22.15). */
export function hasZstd(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === "function";
}

export async function* decompress(input: Readable): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 4 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else head = Buffer.concat([head, r.value]);
  }
  const kind = sniffCompression(head);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  if (kind === "none") {
    yield* all();
    return;
  }
  let z: zlib.Gunzip | zlib.ZstdDecompress;
  if (kind === "gzip") z = zlib.createGunzip();
  else if (hasZstd()) z = zlib.createZstdDecompress();
  else throw new RongqiError(`the layer is zstd-compressed, and this Node.js (${process.version}) has no zstd in node:zlib`);
  const src = Readable.from(all(), { objectMode: false });
  src.on("error", (err) => z.destroy(err));
  src.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (err) {
    const msg = (err as Error).message;
    throw new RongqiError(`corrupt ${kind} data: ${msg}`, { cause: err });
  } finally {
    src.destroy();
  }
}
