// Mutators shared by the fuzz targets: structure-aware changes to JSON
// documents (values swapped for edge cases, keys dropped or added, subtrees
// copied, types confused) and byte-level changes to raw input (bit flips,
// truncation, insertion, splicing).
import type { Rng } from "./_rng.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Numbers at the edges of what the runtime and the kernel accept. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 2, 7, 255, 256, 511, 0o777, 0o7777, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 2, 2 ** 32 - 1,
  2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, -(2 ** 63), 1e300, -1e300, 0.5, 1.5, -0.5, 1e-300,
];

/** Strings that tend to break parsers, paths and the kernel's string handling. */
export const EDGE_STRINGS: readonly string[] = [
  "", " ", "/", ".", "..", "../../../../..", "/..", "/../../etc", "//", "/proc", "/proc/self/fd/3", "/proc/1/root", "/dev/null",
  "/sys/fs/cgroup", "relative/path", "a\u0000b", "\u0000", "\n", "a\nb", "\t", "%s%s%n", "${HOME}", "$(id)", "`id`", "\\", "'", "\"",
  "\u00e9", "\u5bb9\u5668", "\ud83d\ude00", "\ud800", "\uffff", "x".repeat(255), "x".repeat(256), "y".repeat(4097), "z".repeat(70_000),
  "/".repeat(300), "a/".repeat(2100), "-1", "0", "4294967296", "1e3", "0x10", "true", "null", "KILL", "SIGKILL", "RTMIN+3", "CAP_SYS_ADMIN",
  "CAP_NOT_A_CAP", "cap_chown", "ALL", "rbind", "ro", "rprivate", "nosuid", "bind", "tmpfs", "proc", "overlay", "cgroup2", "mode=0755",
  "size=-1", "uid=4294967295", "RLIMIT_NOFILE", "RLIMIT_BOGUS", "SCMP_ACT_ERRNO", "SCMP_ARCH_X86_64", "read", "personality",
];

function edgeValue(rng: Rng, dict: readonly string[]): Json {
  switch (rng.int(9)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: case 3: return rng.pick(EDGE_NUMBERS);
    case 4: return rng.pick(EDGE_STRINGS);
    case 5: case 6: return dict.length ? rng.pick(dict) : rng.pick(EDGE_STRINGS);
    case 7: return rng.chance(0.5) ? [] : {};
    default: {
      // deep nesting
      let v: Json = rng.pick(EDGE_STRINGS);
      for (let i = rng.int(rng.chance(0.1) ? 500 : 20); i > 0; i--) v = rng.chance(0.5) ? [v] : { a: v };
      return v;
    }
  }
}

type Slot = { parent: Json[] | { [k: string]: Json }; key: string | number };

/** Every place in the document a value sits, with its container. */
function slots(doc: Json, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 40 || doc === null || typeof doc !== "object") return out;
  if (Array.isArray(doc)) doc.forEach((v, i) => { out.push({ parent: doc, key: i }); slots(v, out, depth + 1); });
  else for (const [k, v] of Object.entries(doc)) { out.push({ parent: doc, key: k }); slots(v, out, depth + 1); }
  return out;
}

const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key]!;
const set = (s: Slot, v: Json) => { (s.parent as Record<string | number, Json>)[s.key] = v; };

/**
 * 1 to 4 random changes to a copy of `doc`. `dict` holds strings of the
 * input's domain (field names, capability names, paths...).
 */
export function mutateJson(doc: Json, rng: Rng, dict: readonly string[] = []): Json {
  const copy = structuredClone(doc);
  const root: Slot = { parent: [copy], key: 0 };
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const all = [root, ...slots(get(root))];
    const s = rng.pick(all);
    const v = get(s);
    switch (rng.int(10)) {
      case 0: case 1: case 2:
        set(s, edgeValue(rng, dict));
        break;
      case 3: // drop
        if (s === root) break;
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete s.parent[s.key as string];
        break;
      case 4: // add a key or an element
        if (Array.isArray(v)) v.splice(rng.int(v.length + 1), 0, v.length && rng.chance(0.5) ? structuredClone(rng.pick(v)) : edgeValue(rng, dict));
        else if (v && typeof v === "object") v[dict.length && rng.chance(0.7) ? rng.pick(dict) : rng.pick(EDGE_STRINGS)] = edgeValue(rng, dict);
        else set(s, edgeValue(rng, dict));
        break;
      case 5: { // copy another subtree here
        const other = get(rng.pick(all));
        set(s, structuredClone(other));
        break;
      }
      case 6: // type confusion
        set(s, typeof v === "string" ? (Number.isNaN(Number(v)) ? [v] : Number(v)) : typeof v === "number" ? String(v) : Array.isArray(v) ? (v[0] ?? null) : v && typeof v === "object" ? Object.values(v) : String(v));
        break;
      case 7: // a number nudged
        if (typeof v === "number") set(s, rng.pick([v + 1, v - 1, -v, v * 2 ** 32, Math.floor(v / 2), v + 0.5]));
        else set(s, edgeValue(rng, dict));
        break;
      case 8: // a string grown or cut
        if (typeof v === "string") set(s, rng.chance(0.5) ? v + rng.pick(EDGE_STRINGS) : v.slice(0, rng.int(v.length + 1)));
        else set(s, edgeValue(rng, dict));
        break;
      default: // duplicate an array's content many times
        if (Array.isArray(v) && v.length) set(s, Array.from({ length: 1 + rng.int(rng.chance(0.2) ? 3000 : 30) }, () => structuredClone(rng.pick(v))));
        else set(s, edgeValue(rng, dict));
    }
  }
  return get(root);
}

/** Byte-level damage: flips, truncation, insertion, duplication. */
export function mutateBytes(data: Buffer, rng: Rng, pieces: readonly Buffer[] = []): Buffer {
  let b = Buffer.from(data);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const at = b.length ? rng.int(b.length) : 0;
    switch (rng.int(7)) {
      case 0: if (b.length) b[at] = b[at]! ^ (1 << rng.int(8)); break;
      case 1: if (b.length) b[at] = rng.pick([0, 0xff, 0x7f, 0x80, 0x20, 0x2f, 0x2e, 0x30, 0x39]); break;
      case 2: b = b.subarray(0, at); break;
      case 3: b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(EDGE_STRINGS)), b.subarray(at)]); break;
      case 4: {
        const len = Math.min(b.length - at, 1 + rng.int(64));
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 5: if (b.length >= 4) b.writeUInt32LE(rng.pick([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 64 << 20, b.length]), Math.min(at, b.length - 4)); break;
      default: if (pieces.length) b = Buffer.concat([b.subarray(0, at), rng.pick(pieces), b.subarray(at)]);
    }
  }
  return b;
}
