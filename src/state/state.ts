/**
 * `state`: the container's state as the runtime spec defines it
 * (runtime.md "State"), with runc's extra fields (rootfs, created, owner).
 * Reads without taking the container's lock: the state file is always
 * replaced atomically, so a reader never sees half of it.
 *
 * @example
 * ```ts
 * state({ root: "/run/rongqi", id: "web" }).status; // "running"
 * ```
 */
import { containerStatus, ociState, readRecord } from "./container_record.ts";
import { validateId } from "./validate_id.ts";

export function state(opts: { root: string; id: string }): ReturnType<typeof ociState> {
  validateId(opts.id);
  const record = readRecord(opts.root, opts.id);
  return ociState(record, containerStatus(record));
}
