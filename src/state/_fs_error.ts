/**
 * Turns an error thrown by `node:fs` into a rongqi error: a `SyscallError`
 * (call, errno name, path) under the step that failed, so that
 * `ENOSPC`, `EROFS` and friends read clearly.
 *
 * @example
 * ```ts
 * try { writeFileSync(p, data); } catch (err) { throw fsError(err, `writing "${p}"`); }
 * // writing "/x": open "/x": EROFS (Read-only file system)
 * ```
 */
import { RongqiError, SyscallError } from "../errors.ts";
import { constants } from "../linux/_errno.ts";

export function fsError(err: unknown, step: string): RongqiError {
  if (err instanceof RongqiError) return err.wrap(step);
  const e = err as NodeJS.ErrnoException;
  const errno = typeof e?.errno === "number" ? Math.abs(e.errno) : e?.code ? constants[e.code] : undefined;
  if (errno !== undefined && e.syscall) {
    return new SyscallError({ syscall: e.syscall, errno, path: e.path, arg: (e as { dest?: string }).dest, step, cause: err });
  }
  return new RongqiError(`${step}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
