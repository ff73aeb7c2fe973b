// Reading and writing cgroup interface files. A cgroup file is written with
// one write() on a descriptor opened O_WRONLY|O_TRUNC and never created: a
// missing file means the controller is not there, which is reported as such
// (and, against an imitation tree in tests, catches writes to files the
// test did not expect).
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { RongqiError, SyscallError } from "../../errors.ts";
import { counter, type Counter } from "./cgroup_stats.ts";

/** The errno of a Node fs error (positive), or 0. */
export function errnoOf(err: unknown): number {
  const n = (err as NodeJS.ErrnoException).errno;
  return typeof n === "number" ? Math.abs(n) : 0;
}

export function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * Writes `value` to `dir/file` in one write. `field` names what asked for it
 * (e.g. linux.resources.memory.limit) and starts the error message.
 */
export function writeCgroupFile(dir: string, file: string, value: string, field: string): void {
  const path = join(dir, file);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
  } catch (err) {
    if (codeOf(err) === "ENOENT" && existsSync(dir)) {
      throw new RongqiError(`${field}: ${path} does not exist: the ${file.split(".")[0]} controller does not offer it here`, { cause: err });
    }
    throw new SyscallError({ syscall: "open", errno: errnoOf(err), path, step: field, cause: err });
  }
  try {
    const n = writeSync(fd, value);
    if (n !== Buffer.byteLength(value)) throw new RongqiError(`${field}: short write of "${value}" to ${path}`);
  } catch (err) {
    if (err instanceof RongqiError) throw err;
    throw new SyscallError({ syscall: "write", errno: errnoOf(err), path, arg: value, step: field, cause: err });
  } finally {
    closeSync(fd);
  }
}

/** The file's contents without the final newline; throws a clear error when unreadable. */
export function readCgroupFile(dir: string, file: string): string {
  const path = join(dir, file);
  try {
    return readFileSync(path, "utf8").replace(/\n$/, "");
  } catch (err) {
    throw new SyscallError({ syscall: "read", errno: errnoOf(err), path, cause: err });
  }
}

/** The file's contents, or undefined when it does not exist (or cannot be read). */
export function readCgroupFileIfExists(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), "utf8").replace(/\n$/, "");
  } catch {
    return undefined;
  }
}

export function cgroupFileExists(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

/** A number from a cgroup file ("max" and missing files are undefined). */
export function readNumber(dir: string, file: string): number | undefined {
  const text = readCgroupFileIfExists(dir, file)?.trim();
  if (text === undefined || text === "" || text === "max") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, ...) as counters. */
export function parseKeyValues(text: string | undefined): Record<string, Counter> {
  const out: Record<string, Counter> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = counter(v);
  }
  return out;
}

/** The pids listed in a cgroup.procs (or tasks) file. */
export function parsePids(text: string | undefined): number[] {
  return (text ?? "").split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number);
}
