/**
 * The ids of the containers under a state root: its subdirectories whose
 * names are valid container ids, sorted. A missing root has none.
 *
 * @example
 * ```ts
 * import { listContainerIds } from "./list_container_ids.ts";
 * listContainerIds("/run/rongqi"); // ["db", "web"]
 * ```
 */
import { readdirSync } from "node:fs";
import { fsError } from "./_fs_error.ts";
import { idProblem } from "./validate_id.ts";

export function listContainerIds(root: string): string[] {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw fsError(err, `listing the state root "${root}"`);
  }
  return entries
    .filter((e) => e.isDirectory() && idProblem(e.name) === undefined)
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
