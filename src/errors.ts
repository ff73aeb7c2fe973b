/**
 * The one error class of rongqi, and its system-call flavour.
 *
 * Every failure a user can see is a {@link RongqiError}: a message that reads
 * as one clear line, optionally wrapping a cause. Failed system calls are
 * {@link SyscallError}s carrying the call, the errno name and the path or
 * argument, printed in the crun style: `mount "/proc": EPERM (Operation not permitted)`.
 *
 * @example
 * ```ts
 * import { SyscallError, errorLine } from "./errors.ts";
 * const e = new SyscallError({ syscall: "open", errno: 2, path: "/nope" });
 * errorLine(e); // 'open "/nope": ENOENT (No such file or directory)'
 * ```
 */
import { constants, strerror } from "./linux/_errno.ts";

export class RongqiError extends Error {
  /** Process exit code the CLI uses for this error. */
  exitCode: number;
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RongqiError";
    this.exitCode = options?.exitCode ?? 1;
  }

  /** Prefixes this error's message with context, as an error rises. */
  wrap(context: string): this {
    this.message = `${context}: ${this.message}`;
    return this;
  }
}

export interface SyscallErrorInit {
  syscall: string;
  errno: number;
  path?: string;
  /** A second path or other argument that helps the reader (e.g. mount target). */
  arg?: string;
  /** The higher-level step that made the call, e.g. "mount /proc (mounts[1])". */
  step?: string;
  cause?: unknown;
}

export class SyscallError extends RongqiError {
  readonly syscall: string;
  readonly errno: number;
  readonly code: string;
  readonly path?: string;
  readonly arg?: string;
  readonly step?: string;
  constructor(init: SyscallErrorInit) {
    const code = errnoName(init.errno);
    const where = [init.path, init.arg].filter((p) => p !== undefined).map((p) => JSON.stringify(p)).join(" ");
    const head = `${init.syscall}${where ? " " + where : ""}: ${code} (${strerror(init.errno)})`;
    super(init.step ? `${init.step}: ${head}` : head, { cause: init.cause });
    this.name = "SyscallError";
    this.syscall = init.syscall;
    this.errno = init.errno;
    this.code = code;
    if (init.path !== undefined) this.path = init.path;
    if (init.arg !== undefined) this.arg = init.arg;
    if (init.step !== undefined) this.step = init.step;
  }
}

/** The symbolic name of an errno value (`EPERM`), or `errno N` when unknown. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(constants)) if (value === errno) return name;
  return `errno ${errno}`;
}

/** Renders any thrown value as the single line the CLI prints. */
export function errorLine(err: unknown): string {
  if (err instanceof RongqiError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
