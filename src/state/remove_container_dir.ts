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
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fsError } from "./_fs_error.ts";
import { validateId } from "./validate_id.ts";

export function removeContainerDir(root: string, id: string): void {
  validateId(id);
  try {
    rmSync(join(root, id), { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    throw fsError(err, `removing the state directory of container "${id}"`);
  }
}
