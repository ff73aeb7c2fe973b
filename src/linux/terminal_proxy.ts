/**
 * The runtime's side of a foreground terminal (`run` or `exec` with a
 * terminal and no --console-socket), as runc does it: what the user types
 * on the runtime's stdin goes to the pty master, what the process writes
 * comes back to the runtime's stdout. When stdin is a terminal it is put in
 * raw mode (so ^C, ^Z and line editing reach the container's terminal
 * untouched) and restored at the end; the pty follows the size of the
 * runtime's terminal, at start and on every SIGWINCH.
 *
 * @example
 * ```ts
 * const proxy = proxyTerminal(master);
 * const status = await waitForExit();
 * await proxy.finish();   // drains the last output, restores the terminal
 * ```
 */
import tty from "node:tty";
import { syscall, type Winsize } from "./syscall.ts";

export interface TerminalProxyOptions {
  /** default: process.stdin */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** default: process.stdout */
  stdout?: NodeJS.WritableStream;
  /** fds whose terminal size the pty follows (the first that is a terminal); default 0, 1, 2 */
  sizeFrom?: readonly number[];
}

export interface TerminalProxy {
  /** Resolves once the master has no more to give: every copy of the slave is closed. */
  readonly ended: Promise<void>;
  /**
   * Call once the process has exited: waits up to `graceMs` for the rest of
   * its output (a process it left behind may still hold the terminal),
   * then stops reading stdin, restores its mode and closes the master.
   */
  finish(graceMs?: number): Promise<void>;
}

/** The size of the first terminal among `fds`, or undefined. */
export function terminalSize(fds: readonly number[]): Winsize | undefined {
  for (const fd of fds) {
    if (!tty.isatty(fd)) continue;
    try {
      return syscall.getWinsize(fd);
    } catch {
      // not a terminal after all
    }
  }
  return undefined;
}

/** Starts copying between the runtime's stdio and the pty master (which the proxy now owns). */
export function proxyTerminal(master: number, opts: TerminalProxyOptions = {}): TerminalProxy {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const sizeFrom = opts.sizeFrom ?? [0, 1, 2];
  // A pty master is a terminal to libuv too: a tty stream reads and writes it without blocking.
  const pty = new tty.ReadStream(master);
  const rawBefore = stdin.isTTY ? stdin.isRaw === true : undefined;
  if (stdin.isTTY) stdin.setRawMode?.(true);

  const resize = () => {
    const size = terminalSize(sizeFrom);
    if (size === undefined) return;
    try {
      syscall.setWinsize(master, size);
    } catch {
      // the master is closing
    }
  };
  resize();
  process.on("SIGWINCH", resize);

  const ended = new Promise<void>((resolve) => {
    // EIO is how a master says that every slave is closed.
    pty.on("error", () => {});
    pty.on("close", () => resolve());
    pty.on("end", () => resolve());
  });
  pty.pipe(stdout, { end: false });
  stdin.pipe(pty, { end: false });

  let finished = false;
  return {
    ended,
    async finish(graceMs = 2000) {
      if (finished) return;
      finished = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      process.off("SIGWINCH", resize);
      stdin.unpipe(pty);
      stdin.pause();
      if (rawBefore !== undefined) stdin.setRawMode?.(rawBefore);
      pty.unpipe(stdout);
      pty.destroy();
      // What was read is written before the caller goes on.
      await new Promise<void>((r) => stdout.write("", () => r()));
    },
  };
}
