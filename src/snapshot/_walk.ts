// Walks a directory tree without following symlinks, in sorted order.
import { lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";

/** Calls `visit` for every entry under `root` (depth first, parents before children); `rel` has no leading slash. */
export function walk(root: string, visit: (rel: string, st: Stats, abs: string) => boolean | void, rel = ""): void {
  const dir = rel === "" ? root : join(root, rel);
  for (const name of readdirSync(dir).sort()) {
    const childRel = rel === "" ? name : `${rel}/${name}`;
    const abs = join(root, childRel);
    const st = lstatSync(abs);
    // visit returns false to skip a directory's contents
    if (visit(childRel, st, abs) !== false && st.isDirectory()) walk(root, visit, childRel);
  }
}

/** Bytes of regular file content under `root` (each inode once) and the number of entries. */
export function treeSize(root: string): { bytes: number; entries: number } {
  const seen = new Set<string>();
  let bytes = 0;
  let entries = 0;
  walk(root, (_rel, st) => {
    entries++;
    if (!st.isFile()) return;
    if (st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    bytes += st.size;
  });
  return { bytes, entries };
}
