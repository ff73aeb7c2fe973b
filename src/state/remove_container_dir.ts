/**
 * Removes a container's state directory `<root>/<id>` and everything in it;
 * a directory already gone is not an error. Call it holding the container's
 * lock: a command waiting for the lock then finds the container gone.
 *
 * @example
 * ```ts
 * import { removeContainerDir } from "./remove_container_dir.ts";
 * removeContainerDir("/run/rongqi", "web");
 * ```
 */
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { fsError } from "./_fs_error.ts";
import { validateId } from "./validate_id.ts";

const gone = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

/**
 * rm -rf by hand: Node 24's rmSync reports a failure such as EROFS as
 * "Unknown error" with no code, and the user must read which errno it was.
 */
function removeTree(path: string): void {
  let dir: boolean;
  try {
    dir = lstatSync(path).isDirectory();
  } catch (err) {
    if (gone(err)) return;
    throw err;
  }
  if (!dir) {
    try {
      unlinkSync(path);
    } catch (err) {
      if (!gone(err)) throw err;
    }
    return;
  }
  for (let tries = 0; ; tries++) {
    let names: string[] = [];
    try {
      names = readdirSync(path);
    } catch (err) {
      if (gone(err)) return;
      throw err;
    }
    for (const name of names) removeTree(join(path, name));
    try {
      rmdirSync(path);
      return;
    } catch (err) {
      if (gone(err)) return;
      // a file appeared meanwhile (a writer's temporary file): once more
      if ((err as NodeJS.ErrnoException).code !== "ENOTEMPTY" || tries >= 3) throw err;
    }
  }
}

export function removeContainerDir(root: string, id: string): void {
  validateId(id);
  try {
    removeTree(join(root, id));
  } catch (err) {
    throw fsError(err, `removing the state directory of container "${id}"`);
  }
}
