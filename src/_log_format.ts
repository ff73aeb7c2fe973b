// Formatting of log records: the logrus-compatible text and JSON lines that
// runc writes, which containerd and conmon read back from the --log file.

/** Extra key/value pairs attached to a record. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The wall-clock time as RFC 3339 in UTC with a fraction of a second, as
 * Go's `time.RFC3339Nano` prints it (trailing zeros trimmed). Date has only
 * milliseconds, so the fraction comes from the high-resolution clock; a
 * double holding epoch milliseconds is exact to about a microsecond, so the
 * fraction is rounded to microseconds.
 */
export function rfc3339Nano(epochMs: number = performance.timeOrigin + performance.now()): string {
  let seconds = Math.floor(epochMs / 1000);
  let micros = Math.round((epochMs - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  const iso = new Date(seconds * 1000).toISOString(); // 2006-01-02T15:04:05.000Z
  const fraction = String(micros).padStart(6, "0").replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction ? "." + fraction : ""}Z`;
}

/** One JSON object on one line: `{"level":..,"msg":..,"time":..,...fields}`. */
export function jsonRecord(level: string, msg: string, time: string, fields?: LogFields): string {
  const record: Record<string, unknown> = { level, msg, time };
  if (fields) {
    for (const [key, value] of Object.entries(fields)) {
      // The three keys containerd reads are never overwritten by a field.
      record[key in record ? `fields.${key}` : key] = fieldValue(value);
    }
  }
  return JSON.stringify(record) + "\n";
}

/** logfmt like logrus: `time="..." level=info msg="..." key=value`. */
export function textRecord(level: string, msg: string, time: string, fields?: LogFields): string {
  let line = `time=${quote(time)} level=${level} msg=${quote(msg)}`;
  if (fields) {
    for (const [key, value] of Object.entries(fields)) {
      const v = fieldValue(value);
      line += ` ${key}=${quote(typeof v === "string" ? v : JSON.stringify(v))}`;
    }
  }
  return line + "\n";
}

function quote(s: string): string {
  return /^[\w./:@+-]+$/.test(s) ? s : JSON.stringify(s);
}

function fieldValue(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}
