// Reads files of a container's root file system from the host without ever
// leaving it: every symlink on the way is resolved against `root` (an
// absolute target starts again at root, ".." stops at root), as the
// container would see it, never against the host's /.
import { lstatSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";

const MAX_LINKS = 40;

/** The host path of `path` inside `root` with every symlink resolved in root, and its stat; null if it does not exist. */
export function resolveInRoot(root: string, path: string): { path: string; st: Stats } | null {
  let pending = path.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let links = 0;
  let st: Stats | null = lstatSync(root);
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      done.pop();
      continue;
    }
    const host = join(root, ...done, part);
    try {
      st = lstatSync(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw err;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new RongqiError(`${path}: too many levels of symbolic links in the image`);
      const target = readlinkSync(host);
      if (target.startsWith("/")) done.length = 0;
      pending = [...target.split("/").filter((p) => p !== "" && p !== "."), ...pending];
      continue;
    }
    if (pending.length > 0 && !st.isDirectory()) return null;
    done.push(part);
  }
  return { path: join(root, ...done), st: st! };
}

/** The text of the file at `path` in `root`, or null when the image has none. */
export function readFileInRoot(root: string, path: string): string | null {
  const found = resolveInRoot(root, path);
  if (found === null || !found.st.isFile()) return null;
  return readFileSync(found.path, "utf8");
}
