// What overlayfs stores on its layers: whiteouts (character devices 0/0) and
// opaque directories (trusted.overlay.opaque = "y"), and how a path looks
// through a stack of lower layers.
import { lstatSync, type Stats } from "node:fs";
import { join } from "node:path";
import { lgetxattr, lsetxattr, mknod } from "../linux/syscall.ts";

export const OPAQUE_XATTR = "trusted.overlay.opaque";
/** overlayfs's own xattrs: never taken from a layer tar, never written into one. */
export const OVERLAY_XATTR_PREFIX = "trusted.overlay.";
const S_IFCHR = 0o020000;

export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

export function makeWhiteout(path: string): void {
  mknod(path, S_IFCHR, 0, 0);
}

export function isOpaque(path: string): boolean {
  return lgetxattr(path, OPAQUE_XATTR)?.toString() === "y";
}

export function setOpaque(path: string): void {
  lsetxattr(path, OPAQUE_XATTR, Buffer.from("y"));
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw err;
  }
}

/**
 * `rel` (a path inside the image, no leading slash) as the merged view of
 * `lowers` (top layer first) shows it: its stat and the layer directory
 * holding it, or null when no layer has it or a layer above hides it (a
 * whiteout, an opaque directory, or a non-directory in its path).
 */
export function lookupInLowers(lowers: readonly string[], rel: string): { st: Stats; layer: string } | null {
  const parts = rel.split("/").filter((p) => p !== "");
  for (const layer of lowers) {
    let dir = layer;
    let found: Stats | null = null;
    let hidden = false;
    for (let i = 0; i < parts.length; i++) {
      const path = join(dir, parts[i]!);
      const st = lstatOrNull(path);
      // Not in this layer: an opaque directory on the way hides the layers below.
      if (st === null) break;
      if (isWhiteout(st)) return null;
      if (i === parts.length - 1) {
        found = st;
        break;
      }
      if (!st.isDirectory()) return null;
      if (isOpaque(path)) hidden = true;
      dir = path;
    }
    if (parts.length === 0) found = lstatOrNull(layer);
    if (found !== null) return { st: found, layer };
    if (hidden) return null;
  }
  return null;
}
