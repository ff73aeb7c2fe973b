// A minimal tar writer for hostile layers: ustar headers with any name, link
// name, type and size the fuzzer wants (even ones no honest tar would write),
// PAX records for long or overriding names, and the checksum made right or
// left wrong on request.

export interface TarEntry {
  path: string;
  /** ustar type flag: "0" file, "1" hard link, "2" symlink, "3" char, "4" block, "5" dir, "6" fifo, "x" PAX, "L" GNU long name */
  type: string;
  body?: Buffer;
  linkpath?: string;
  mode?: number;
  /** size written in the header, when it should differ from the body's */
  size?: number;
  devmajor?: number;
  devminor?: number;
  /** PAX records put in a header of their own before this entry (path, linkpath, xattrs...) */
  pax?: Record<string, string>;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0").slice(-(width - 1)) + "\0";
}

function paxBody(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    // "<length> <key>=<value>\n", the length counting its own digits
    const rest = Buffer.byteLength(` ${k}=${v}\n`);
    let len = rest + 1;
    while (String(len).length + rest !== len) len = String(len).length + rest;
    parts.push(Buffer.from(`${len} ${k}=${v}\n`));
  }
  return Buffer.concat(parts);
}

/** One 512-byte header. `checksum: false` leaves it wrong. */
export function header(e: TarEntry, checksum = true): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.from(e.path);
  if (name.length > 100 && name.length <= 255) {
    // split into prefix/name at a slash when it fits
    const cut = e.path.lastIndexOf("/", 155);
    if (cut > 0 && name.length - cut - 1 <= 100) {
      h.write(e.path.slice(cut + 1), 0, 100, "utf8");
      h.write(e.path.slice(0, cut), 345, 155, "utf8");
    } else h.write(e.path, 0, 100, "utf8");
  } else h.write(e.path, 0, 100, "utf8");
  h.write(octal(e.mode ?? 0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(e.size ?? e.body?.length ?? 0, 12), 124, "ascii");
  h.write(octal(981173106, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(e.type, 156, 1, "ascii");
  if (e.linkpath) h.write(e.linkpath, 157, 100, "utf8");
  h.write("ustar\u000000", 257, "latin1");
  h.write(octal(e.devmajor ?? 0, 8), 329, "ascii");
  h.write(octal(e.devminor ?? 0, 8), 337, "ascii");
  if (checksum) fixChecksum(h);
  return h;
}

/** Recomputes a header's checksum in place (after a mutation, so the header still parses). */
export function fixChecksum(h: Buffer): void {
  h.write("        ", 148, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148, "ascii");
}

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** A whole archive, end marker included. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.pax) {
      const body = paxBody(e.pax);
      parts.push(header({ path: "PaxHeader", type: "x", size: body.length }), body, pad(body.length));
    }
    const body = e.body ?? Buffer.alloc(0);
    parts.push(header(e), body, pad(body.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
