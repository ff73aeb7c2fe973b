/**
 * Files that are never seen half-written: `writeFileAtomic` writes a
 * temporary file in the same directory, fsyncs it, renames it over the
 * target and fsyncs the directory, so a reader sees the old content or the
 * new, never a mix, even across a crash. On failure the temporary file is
 * removed and the error names the errno (`ENOSPC`, `EROFS`, ...).
 * `writeJsonAtomic` does that with JSON; `readJson` reads it back with a
 * clear error when it is not valid JSON.
 *
 * @example
 * ```ts
 * import { readJson, writeFileAtomic, writeJsonAtomic } from "./json_file.ts";
 * writeJsonAtomic("/run/rongqi/web/state.json", { pid: 42 });
 * readJson("/run/rongqi/web/state.json"); // { pid: 42 }
 * writeFileAtomic("/run/web.pid", "42");
 * ```
 */
import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RongqiError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";

export interface WriteFileOptions {
  /** File mode of the new file (umask applies); 0644 for writeFileAtomic, 0600 for writeJsonAtomic. */
  mode?: number;
}

/** The prefix of temporary files, so that listings can skip them. */
export const TEMP_PREFIX = ".tmp-";
let tempCount = 0;

/** Writes `value` as JSON (and a newline) to `path` atomically; mode 0600 unless given. */
export function writeJsonAtomic(path: string, value: unknown, opts: WriteFileOptions = {}): void {
  const text = JSON.stringify(value);
  if (text === undefined) throw new RongqiError(`writing "${path}": the value cannot be written as JSON`);
  writeFileAtomic(path, text + "\n", { mode: opts.mode ?? 0o600 });
}

/** Replaces `path` with `content` atomically; mode 0644 unless given. */
export function writeFileAtomic(path: string, content: string | Buffer, opts: WriteFileOptions = {}): void {
  const data = typeof content === "string" ? Buffer.from(content) : content;
  const dir = dirname(path);
  // pid + a counter make the name unique among writers (O_EXCL below checks it);
  // no node:crypto here: every state read and write would pay for loading it.
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}-${process.pid}-${++tempCount}`);
  const step = `writing "${path}"`;
  let fd: number | undefined;
  try {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    try {
      fd = openSync(temp, flags, opts.mode ?? 0o644);
    } catch (err) {
      // Only a dead process with our pid can have left this name: drop it.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      unlinkSync(temp);
      fd = openSync(temp, flags, opts.mode ?? 0o644);
    }
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the write's error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw fsError(err, step);
  }
  // The rename is durable once the directory itself is on disk.
  try {
    const dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (err) {
    throw fsError(err, `${step}: syncing its directory`);
  }
}

/** Reads and parses a JSON file. A missing file throws the SyscallError of open (ENOENT). */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw fsError(err, `reading "${path}"`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = text.trim() === "" ? "the file is empty" : (err as Error).message;
    throw new RongqiError(`"${path}" is corrupt: not valid JSON (${why})`, { cause: err });
  }
}
