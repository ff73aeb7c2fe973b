/**
 * Makes sure a per-user state root in a shared directory (the default
 * `/tmp/rongqi-<uid>` of a user without XDG_RUNTIME_DIR) is the user's own:
 * created with mode 0700 when missing, and refused when it is a symlink,
 * not a directory, owned by someone else, or open to others. Another user
 * could otherwise make that path first and read or forge container state.
 *
 * @example
 * ```ts
 * privateStateRoot("/tmp/rongqi-1000"); // mkdir 0700, or check the existing one
 * ```
 */
import { lstatSync, mkdirSync } from "node:fs";
import { RongqiError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";

export function privateStateRoot(path: string, euid = process.geteuid?.() ?? 0): string {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw fsError(err, `creating the state root "${path}"`);
  }
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    throw fsError(err, `checking the state root "${path}"`);
  }
  const fix = "remove it, or pass --root";
  if (!st.isDirectory()) throw new RongqiError(`the state root "${path}" is not a directory (${fix})`);
  if (st.uid !== euid) throw new RongqiError(`the state root "${path}" belongs to uid ${st.uid}, not to you (uid ${euid}): ${fix}`);
  if (st.mode & 0o077) throw new RongqiError(`the state root "${path}" is open to other users (mode ${(st.mode & 0o7777).toString(8)}): make it 0700, ${fix}`);
  return path;
}
