/**
 * Finds where and why a text is not JSON (RFC 8259), for error messages:
 * JSON.parse does not always say where it stopped. Called only after
 * JSON.parse failed, so the happy path costs nothing.
 *
 * @example
 * ```ts
 * import { locateJsonError } from "./_json_error.ts";
 * locateJsonError('{"a" 1}'); // { offset: 5, line: 1, column: 6, message: 'expected ":" after property name, found "1"' }
 * ```
 */
export interface JsonErrorLocation {
  /** Offset in UTF-16 code units. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters (UTF-16 code units) from the line start. */
  column: number;
  message: string;
}

class Stop {
  offset: number;
  message: string;
  constructor(offset: number, message: string) {
    this.offset = offset;
    this.message = message;
  }
}

/** The first error in `text`, or undefined when it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  try {
    const end = scanValue(text, skipSpace(text, 0));
    const after = skipSpace(text, end);
    if (after < text.length) throw new Stop(after, `unexpected ${found(text, after)} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) return undefined; // e.g. nesting too deep to scan: JSON.parse said why
    return { ...lineAndColumn(text, e.offset), offset: e.offset, message: e.message };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function found(text: string, i: number): string {
  if (i >= text.length) return "end of input";
  const cp = text.codePointAt(i)!;
  if (cp < 0x20 || cp === 0x7f || cp === 0xfeff) return `character U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return JSON.stringify(String.fromCodePoint(cp));
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** Scans one value starting at i (no leading space); returns the offset after it. */
function scanValue(text: string, i: number): number {
  if (i >= text.length) throw new Stop(i, "unexpected end of input, expected a value");
  const c = text[i];
  if (c === "{") return scanObject(text, i);
  if (c === "[") return scanArray(text, i);
  if (c === '"') return scanString(text, i);
  if (c === "-" || (c! >= "0" && c! <= "9")) return scanNumber(text, i);
  for (const word of ["true", "false", "null"]) {
    if (c === word[0]) {
      for (let k = 1; k < word.length; k++) {
        if (text[i + k] !== word[k]) throw new Stop(i + k, `unexpected ${found(text, i + k)} in literal ${word}`);
      }
      return i + word.length;
    }
  }
  throw new Stop(i, `unexpected ${found(text, i)}, expected a value`);
}

function scanObject(text: string, i: number): number {
  i = skipSpace(text, i + 1);
  if (text[i] === "}") return i + 1;
  for (;;) {
    if (text[i] !== '"') throw new Stop(i, `expected a property name in double quotes, found ${found(text, i)}`);
    i = skipSpace(text, scanString(text, i));
    if (text[i] !== ":") throw new Stop(i, `expected ":" after property name, found ${found(text, i)}`);
    i = skipSpace(text, scanValue(text, skipSpace(text, i + 1)));
    if (text[i] === "}") return i + 1;
    if (text[i] !== ",") throw new Stop(i, `expected "," or "}" after property value, found ${found(text, i)}`);
    i = skipSpace(text, i + 1);
  }
}

function scanArray(text: string, i: number): number {
  i = skipSpace(text, i + 1);
  if (text[i] === "]") return i + 1;
  for (;;) {
    i = skipSpace(text, scanValue(text, i));
    if (text[i] === "]") return i + 1;
    if (text[i] !== ",") throw new Stop(i, `expected "," or "]" after array element, found ${found(text, i)}`);
    i = skipSpace(text, i + 1);
  }
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Stop(start, "unterminated string");
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) throw new Stop(i, `bad ${found(text, i)} in string (control characters must be escaped)`);
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === "u") {
        if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, "bad \\u escape in string (needs 4 hex digits)");
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(i, `bad escape \\${e ?? ""} in string`);
      i += 2;
      continue;
    }
    i++;
  }
}

function scanNumber(text: string, start: number): number {
  const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(start, start + 400));
  if (!m) throw new Stop(start, `bad number starting with ${found(text, start)}`);
  const end = start + m[0].length;
  const next = text[end];
  if (next !== undefined && /[0-9A-Za-z.+-]/.test(next)) throw new Stop(end, `bad number: unexpected ${found(text, end)}`);
  return end;
}
