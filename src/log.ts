/**
 * The runtime's logger: leveled records (debug, info, warn, error) written
 * synchronously, as logrus-style text or as one JSON object per line with
 * `level`, `msg` and `time` (RFC 3339 with nanoseconds), the format runc
 * writes and containerd and conmon read back from the `--log` file (they
 * report the `msg` of the last `"level":"error"` record as the failure).
 *
 * Until {@link configureLog} is called, records of level info and above go to
 * standard error as text. Writes never throw: a log that cannot be written
 * must not turn a working operation into a failed one.
 *
 * Keep info records rare (the runtime is quiet when things work, like runc);
 * use debug for the steps, which `--debug` shows.
 *
 * @example
 * ```ts
 * import { configureLog, log } from "./log.ts";
 * configureLog({ file: "/run/x/log.json", format: "json", level: "debug" });
 * log.debug("mounting rootfs", { bundle: "/b" });
 * // {"level":"debug","msg":"mounting rootfs","time":"2026-01-02T03:04:05.123456Z","bundle":"/b"}
 * ```
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { jsonRecord, rfc3339Nano, textRecord, type LogFields } from "./_log_format.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json";
export type { LogFields };

export interface LogOptions {
  /** Least severe level written; default "info". */
  level?: LogLevel;
  /** Default "text". */
  format?: LogFormat;
  /** File to append records to (created 0644); default: standard error. */
  file?: string;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** True when records of this level are written (to skip costly messages). */
  enabled(level: LogLevel): boolean;
  /** The settings in force, e.g. to hand the same log to a child process. */
  readonly options: Readonly<Required<Omit<LogOptions, "file">> & { file: string | undefined }>;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
// logrus spells the warn level "warning"; readers of runc logs expect it.
const WIRE: Record<LogLevel, string> = { debug: "debug", info: "info", warn: "warning", error: "error" };

let current: { level: LogLevel; format: LogFormat; file: string | undefined } = { level: "info", format: "text", file: undefined };
let fd = 2;

function write(level: LogLevel, msg: string, fields?: LogFields): void {
  if (RANK[level] < RANK[current.level]) return;
  const format = current.format === "json" ? jsonRecord : textRecord;
  try {
    writeSync(fd, format(WIRE[level], msg, rfc3339Nano(), fields));
  } catch {
    // see the module comment: logging never fails an operation
  }
}

/** The process-wide logger. */
export const log: Logger = {
  debug: (msg, fields) => write("debug", msg, fields),
  info: (msg, fields) => write("info", msg, fields),
  warn: (msg, fields) => write("warn", msg, fields),
  error: (msg, fields) => write("error", msg, fields),
  enabled: (level) => RANK[level] >= RANK[current.level],
  get options() {
    return { ...current };
  },
};

/**
 * Sets where and how the process-wide {@link log} writes. Opening the file
 * may throw (the caller reports it); the previous file, if any, is closed.
 */
export function configureLog(options: LogOptions): void {
  const level = options.level ?? "info";
  const format = options.format ?? "text";
  if (!(level in RANK)) throw new TypeError(`unknown log level "${level}"`);
  if (format !== "text" && format !== "json") throw new TypeError(`unknown log format "${format}"`);
  const newFd = options.file === undefined
    ? 2
    : openSync(options.file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o644);
  if (fd !== 2) closeSync(fd);
  fd = newFd;
  current = { level, format, file: options.file };
}
