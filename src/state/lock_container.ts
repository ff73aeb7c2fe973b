/**
 * Serialises rongqi commands on one container: an exclusive flock(2) on the
 * container's state directory `<root>/<id>`.
 *
 * The lock is taken without blocking the kernel call (LOCK_NB), retried with
 * short sleeps until `timeoutMs` (default 30 s), then fails with a clear
 * error. Once held, the directory is checked to still be the one at the path
 * (same device and inode): a container deleted while we waited gives
 * `container "x" does not exist`; one deleted and created again is locked
 * afresh. The descriptor is close-on-exec, so children never inherit the
 * lock, and the kernel drops it if the process dies.
 *
 * Readers that only read `state.json` need no lock: it is replaced
 * atomically (see json_file.ts).
 *
 * @example
 * ```ts
 * import { lockContainer, withContainerLock } from "./lock_container.ts";
 * const lock = lockContainer("/run/rongqi", "web");
 * try { ... } finally { lock.release(); }
 * withContainerLock("/run/rongqi", "web", (lock) => readFileSync(`${lock.dir}/state.json`));
 * ```
 */
import { sleepSync } from "../sleep_sync.ts";
import { closeSync, constants, fstatSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { flock, LOCK_EX, LOCK_NB } from "../linux/syscall.ts";
import { fsError } from "./_fs_error.ts";
import { validateId } from "./validate_id.ts";

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export interface ContainerLock {
  /** The locked directory, `<root>/<id>`. */
  readonly dir: string;
  /** The descriptor holding the lock (close-on-exec). */
  readonly fd: number;
  /** Drops the lock; calling it again does nothing. */
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another holder, in milliseconds (default 30 000). */
  timeoutMs?: number;
}


function missing(id: string): RongqiError {
  return new RongqiError(`container "${id}" does not exist`);
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export function lockContainer(root: string, id: string, opts: LockOptions = {}): ContainerLock {
  validateId(id);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const dir = join(root, id);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      if (isGone(err)) throw missing(id);
      throw fsError(err, `locking container "${id}"`);
    }
    try {
      let delay = 1;
      while (!flock(fd, LOCK_EX | LOCK_NB)) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new RongqiError(
            `container "${id}" is busy: another rongqi command held its lock for ${timeoutMs / 1000}s (lock on "${dir}")`,
          );
        }
        sleepSync(Math.min(delay, left));
        delay = Math.min(delay * 2, 50);
      }
      const locked = fstatSync(fd);
      let current;
      try {
        current = statSync(dir);
      } catch (err) {
        if (isGone(err)) throw missing(id);
        throw fsError(err, `locking container "${id}"`);
      }
      if (current.dev === locked.dev && current.ino === locked.ino) return lockOf(dir, fd);
      // Deleted and created again while we waited: lock the new directory.
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    closeSync(fd);
  }
}

function lockOf(dir: string, fd: number): ContainerLock {
  let open = true;
  return {
    dir,
    fd,
    release() {
      if (!open) return;
      open = false;
      closeSync(fd); // closing the only descriptor of the open file drops the flock
    },
  };
}

/**
 * Runs `fn` holding the container's lock and releases it afterwards, also
 * when `fn` throws; an async `fn` keeps the lock until its promise settles.
 */
export function withContainerLock<T>(root: string, id: string, fn: (lock: ContainerLock) => T, opts: LockOptions = {}): T {
  const lock = lockContainer(root, id, opts);
  let result: T;
  try {
    result = fn(lock);
  } catch (err) {
    lock.release();
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => lock.release()) as T;
  lock.release();
  return result;
}
