/**
 * The helper operation that gives a process its terminal (`process.terminal`):
 * a pty opened from the container's own /dev/ptmx, its master sent to the
 * runtime's console socket, its slave the process's stdio and controlling
 * terminal, sized by `process.consoleSize`. For `create` the slave is also
 * bind-mounted on /dev/console (config-linux.md "Default Devices").
 *
 * The op must come after the process has its own session (SETSID) and after
 * it sees the container's /dev (PIVOT_ROOT, or joining the mount namespace).
 *
 * @example
 * ```ts
 * consoleOp(5, { height: 25, width: 80 }, { devConsole: true });
 * // { op: "console", socketFd: 5, rows: 25, cols: 80, console: "/dev/console", desc: ... }
 * ```
 */
import { RongqiError } from "../errors.ts";
import type { Op } from "./process/protocol.ts";

export interface ConsoleSize {
  height: number;
  width: number;
}

const MAX = 65535;

export function consoleOp(socketFd: number, size: ConsoleSize | undefined, opts: { devConsole: boolean }): Op {
  for (const k of ["height", "width"] as const) {
    const v = size?.[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX)) {
      throw new RongqiError(`process.consoleSize.${k}: ${v} is not a terminal size (0 to ${MAX})`);
    }
  }
  const rows = size?.height ?? 0;
  const cols = size?.width ?? 0;
  const console = opts.devConsole ? "/dev/console" : "";
  return {
    op: "console", socketFd, rows, cols, console,
    desc: {
      step: `open the terminal${size ? ` (${cols}x${rows})` : ""}${console ? " and bind it on /dev/console" : ""}`,
      field: "process.terminal", path: "/dev/ptmx", syscall: "open",
    },
  };
}
