/**
 * Extended attributes of tar entries, read from the raw bytes of their PAX
 * headers.
 *
 * node-tar parses the archive, but keeps only the PAX keys it knows and
 * decodes PAX bodies as UTF-8, which drops `SCHILY.xattr.*` records and
 * would corrupt binary values (a `security.capability` with CAP_SETUID has
 * the byte 0x80). So the same bytes that go to node-tar also pass through
 * this tap first: it follows only the tar framing (512-byte blocks, each
 * header's type and size) and, for every entry that is not itself a header
 * extension, queues the xattrs of the PAX headers before it, byte for byte.
 * The unpacker takes one record per entry node-tar gives it, in order, and
 * checks that the types agree.
 *
 * Both GNU tar's `SCHILY.xattr.NAME=VALUE` and libarchive's
 * `LIBARCHIVE.xattr.NAME=BASE64` (name percent-encoded) are read.
 *
 * @example
 * ```ts
 * const tap = new PaxTap();
 * tap.push(chunk);                // before parser.write(chunk)
 * const { type, xattrs } = tap.next(); // for each entry node-tar emits
 * ```
 */
import { RongqiError } from "../errors.ts";

export interface TapRecord {
  /** the entry's type flag, e.g. "0", "5", "2" */
  type: string;
  xattrs: Map<string, Buffer>;
}

const BLOCK = 512;
/** Type flags of header extensions: PAX (x, g, Solaris X) and GNU long names (L, K, N). */
const PAX_TYPES = new Set(["x", "g", "X"]);
const GNU_META = new Set(["L", "K", "N"]);

export class PaxTap {
  #header = Buffer.alloc(BLOCK);
  #headerFill = 0;
  /** bytes of the current body still to come (including padding) */
  #skip = 0;
  /** the current PAX body being collected (undefined: not collecting) */
  #pax: Buffer[] | undefined;
  #paxRemain = 0;
  #paxGlobal = false;
  #pending = new Map<string, Buffer>();
  #global = new Map<string, Buffer>();
  #pendingSize: number | undefined;
  #ended = false;
  #sawZero = false;
  #queue: TapRecord[] = [];

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.#ended) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - pos);
        if (this.#pax !== undefined && this.#paxRemain > 0) {
          const take = Math.min(n, this.#paxRemain);
          this.#pax.push(Buffer.from(chunk.subarray(pos, pos + take)));
          this.#paxRemain -= take;
        }
        pos += n;
        this.#skip -= n;
        if (this.#skip === 0 && this.#pax !== undefined) this.#endPax();
        continue;
      }
      const n = Math.min(BLOCK - this.#headerFill, chunk.length - pos);
      chunk.copy(this.#header, this.#headerFill, pos, pos + n);
      this.#headerFill += n;
      pos += n;
      if (this.#headerFill === BLOCK) {
        this.#headerFill = 0;
        this.#onHeader(this.#header);
      }
    }
  }

  /** The record of the next entry, in archive order. */
  next(): TapRecord {
    const r = this.#queue.shift();
    if (r === undefined) throw new RongqiError("tar: internal error: an entry without a header (PAX tap out of step)");
    return r;
  }

  #onHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      // End-of-archive marker (two zero blocks; node-tar stops at them too).
      this.#ended = this.#sawZero;
      this.#sawZero = true;
      return;
    }
    this.#sawZero = false;
    const type = h[156] === 0 ? "0" : String.fromCharCode(h[156]!);
    let size = parseNumber(h.subarray(124, 136));
    if (PAX_TYPES.has(type)) {
      this.#pax = [];
      this.#paxRemain = size;
      this.#paxGlobal = type === "g";
    } else if (!GNU_META.has(type)) {
      if (this.#pendingSize !== undefined) size = this.#pendingSize;
      const xattrs = new Map([...this.#global, ...this.#pending]);
      this.#queue.push({ type, xattrs });
      this.#pending = new Map();
      this.#pendingSize = undefined;
    }
    this.#skip = Math.ceil(size / BLOCK) * BLOCK;
    if (this.#skip === 0 && this.#pax !== undefined) this.#endPax();
  }

  #endPax(): void {
    const body = Buffer.concat(this.#pax!);
    this.#pax = undefined;
    const target = this.#paxGlobal ? this.#global : this.#pending;
    for (const [key, value] of parsePaxRecords(body)) {
      if (key === "size" && !this.#paxGlobal) {
        this.#pendingSize = Number(value.toString("latin1"));
      } else if (key.startsWith("SCHILY.xattr.")) {
        target.set(key.slice("SCHILY.xattr.".length), value);
      } else if (key.startsWith("LIBARCHIVE.xattr.")) {
        const name = decodeURIComponent(key.slice("LIBARCHIVE.xattr.".length));
        target.set(name, Buffer.from(value.toString("latin1"), "base64"));
      }
    }
  }
}

/** `LEN KEY=VALUE\n` records; LEN counts the whole record in bytes. Values stay bytes. */
export function parsePaxRecords(body: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // NUL padding
    const space = body.indexOf(0x20, pos);
    const len = space < 0 ? NaN : Number(body.subarray(pos, space).toString("latin1"));
    if (!Number.isInteger(len) || len <= 0 || pos + len > body.length || body[pos + len - 1] !== 0x0a) {
      throw new RongqiError("tar: malformed PAX extended header record");
    }
    const record = body.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw new RongqiError("tar: malformed PAX extended header record (no '=')");
    out.push([record.subarray(0, eq).toString("utf8"), Buffer.from(record.subarray(eq + 1))]);
    pos += len;
  }
  return out;
}

/** A tar number field: octal text, or base-256 when the top bit of the first byte is set. */
function parseNumber(field: Buffer): number {
  if ((field[0]! & 0x80) !== 0) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : parseInt(text, 8);
}
