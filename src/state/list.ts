/**
 * `list`: every container under the state root with its status, as runc
 * lists them.
 *
 * @example
 * ```ts
 * list({ root: "/run/rongqi" }).map((c) => `${c.id} ${c.status}`);
 * ```
 */
import { containerStatus, ociState, readRecord } from "./container_record.ts";
import { listContainerIds } from "./list_container_ids.ts";

export type ListedContainer = ReturnType<typeof ociState>;

export function list(opts: { root: string }): ListedContainer[] {
  const out: ListedContainer[] = [];
  for (const id of listContainerIds(opts.root)) {
    try {
      const record = readRecord(opts.root, id);
      out.push(ociState(record, containerStatus(record)));
    } catch {
      // a container being created or deleted right now has no complete state
    }
  }
  return out;
}
