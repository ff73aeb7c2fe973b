/**
 * Signal names and numbers for Linux (x86_64 and aarch64 share them), and
 * the parsing `rongqi kill` applies to its SIGNAL argument.
 *
 * Real-time signals are named relative to `SIGRTMIN`, which is 34 as seen by
 * programs linked with glibc (the C library keeps 32 and 33 for itself), so
 * `RTMIN` is 34, `RTMIN+3` is 37 and `RTMAX` is 64, matching `kill -l`.
 *
 * @example
 * ```ts
 * import { parseSignal, signalName } from "./_signals.ts";
 * parseSignal("TERM");    // 15
 * parseSignal("SIGKILL"); // 9
 * parseSignal("15");      // 15
 * parseSignal("RTMIN+3"); // 37
 * signalName(37);         // "SIGRTMIN+3"
 * ```
 */
import { RongqiError } from "../errors.ts";

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/** Standard signals by name without the `SIG` prefix (aliases included). */
const standard: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18,
  STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27,
  WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

/** The preferred name of each standard signal number. */
const names: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  const aliases = new Set(["IOT", "CLD", "POLL"]);
  for (const [name, n] of Object.entries(standard)) if (!aliases.has(name)) m.set(n, name);
  return m;
})();

/**
 * Parses a signal given by name (`TERM`, `SIGTERM`, any case), number
 * (`"15"`, 0 to 64) or real-time offset (`RTMIN`, `RTMIN+3`, `SIGRTMAX-2`).
 * Throws a RongqiError naming the input when it is none of these.
 */
export function parseSignal(raw: string | number): number {
  if (typeof raw === "number") {
    if (Number.isInteger(raw) && raw >= 0 && raw <= SIGRTMAX) return raw;
    throw new RongqiError(`invalid signal ${raw}: a signal number must be between 0 and ${SIGRTMAX}`);
  }
  const text = raw.trim();
  if (/^[0-9]+$/.test(text)) return parseSignal(Number(text));
  let name = text.toUpperCase();
  if (name.startsWith("SIG")) name = name.slice(3);
  const std = standard[name];
  if (std !== undefined) return std;
  const rt = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
  if (rt) {
    const base = rt[1] === "MIN" ? SIGRTMIN : SIGRTMAX;
    const offset = rt[2] === undefined ? 0 : Number(rt[3]) * (rt[2] === "+" ? 1 : -1);
    const n = base + offset;
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
    throw new RongqiError(`invalid signal "${raw}": real-time signals run from SIGRTMIN (${SIGRTMIN}) to SIGRTMAX (${SIGRTMAX})`);
  }
  throw new RongqiError(`invalid signal "${raw}": not a signal name or number`);
}

/** The name of a signal number, e.g. `SIGTERM` or `SIGRTMIN+3`; the number itself when it has none. */
export function signalName(signal: number): string {
  const std = names.get(signal);
  if (std !== undefined) return `SIG${std}`;
  if (signal === SIGRTMIN) return "SIGRTMIN";
  if (signal === SIGRTMAX) return "SIGRTMAX";
  if (signal > SIGRTMIN && signal <= SIGRTMIN + 15) return `SIGRTMIN+${signal - SIGRTMIN}`;
  if (signal > SIGRTMIN + 15 && signal < SIGRTMAX) return `SIGRTMAX-${SIGRTMAX - signal}`;
  return String(signal);
}
