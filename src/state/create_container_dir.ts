/**
 * Creates a container's state directory, `<root>/<id>`, claiming the id.
 *
 * The root is created when missing (mode 0700, like runc's); the container
 * directory is created with a single mkdir(2) (mode 0711), which the kernel
 * performs atomically: of any number of concurrent creators of the same id,
 * exactly one succeeds and every other gets `container "x" already exists`.
 *
 * @example
 * ```ts
 * import { createContainerDir } from "./create_container_dir.ts";
 * const dir = createContainerDir("/run/rongqi", "web"); // "/run/rongqi/web"
 * ```
 */
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";
import { validateId } from "./validate_id.ts";

export const ROOT_DIR_MODE = 0o700;
export const CONTAINER_DIR_MODE = 0o711;

export function createContainerDir(root: string, id: string): string {
  validateId(id);
  try {
    mkdirSync(root, { recursive: true, mode: ROOT_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new RongqiError(`the state root "${root}" is not a directory`);
    throw fsError(err, `creating the state root "${root}"`);
  }
  const dir = join(root, id);
  try {
    mkdirSync(dir, { mode: CONTAINER_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new RongqiError(`container "${id}" already exists`);
    throw fsError(err, `creating the state directory of container "${id}"`);
  }
  try {
    chmodSync(dir, CONTAINER_DIR_MODE); // exact mode whatever the umask
  } catch (err) {
    throw fsError(err, `creating the state directory of container "${id}"`);
  }
  return dir;
}
