/**
 * Where a process's terminal goes (`process.terminal`), decided as runc
 * decides it, and the socket that carries the pty master there:
 *
 * - detached (`create`, `run --detach`, `exec --detach`): to the caller's
 *   `--console-socket`. The runtime connects to that path on the host and
 *   hands the connected socket to the helper, which cannot reach host paths
 *   once it is in the container.
 * - in the foreground (`run`, `exec` without --detach): to the runtime
 *   itself through a socketpair; the runtime then proxies the terminal
 *   (terminal_proxy.ts).
 *
 * A terminal when detached without a console socket, or a console socket
 * without a terminal or in the foreground, is refused.
 *
 * @example
 * ```ts
 * const ch = terminalChannel(true, { consoleSocket: undefined, foreground: true, what: "run" });
 * runHelper({ ..., extraFds: [ch.helperEnd] });
 * ch.closeHelperEnd();
 * const master = ch.receiveMaster();
 * ```
 */
import { RongqiError } from "../errors.ts";
import { syscall } from "./syscall.ts";

export interface TerminalChannel {
  /** the runtime's fd to hand to the helper (an extra fd); opened (connected) on first use */
  readonly helperEnd: number;
  /** true when the runtime receives the master itself (foreground) */
  readonly proxied: boolean;
  /** closes the runtime's copy of helperEnd (after the helper has its own) */
  closeHelperEnd(): void;
  /** foreground only: the pty master the helper sent (close-on-exec) */
  receiveMaster(): number;
  /** closes every fd of the channel still open */
  close(): void;
}

export interface TerminalChannelOptions {
  consoleSocket?: string;
  /** the runtime stays attached to the process (foreground run or exec) */
  foreground: boolean;
  /** the command, for messages */
  what: string;
}

/** The channel for the terminal, or undefined when the process has none. */
export function terminalChannel(terminal: boolean, opts: TerminalChannelOptions): TerminalChannel | undefined {
  const flag = opts.what === "exec" ? "--tty (or process.terminal)" : "process.terminal";
  if (!terminal) {
    if (opts.consoleSocket !== undefined) {
      throw new RongqiError(`--console-socket: the process has no terminal (${flag} is not set); a console socket is only for a terminal`);
    }
    return undefined;
  }
  if (opts.foreground) {
    if (opts.consoleSocket !== undefined) {
      throw new RongqiError(`--console-socket: only with --detach; in the foreground "${opts.what}" proxies the terminal itself`);
    }
    return channel(() => {
      const [mine, theirs] = syscall.socketpair();
      return { helperEnd: theirs, receiver: mine };
    }, true);
  }
  if (opts.consoleSocket === undefined) {
    throw new RongqiError(`${flag}: a terminal needs --console-socket when "${opts.what}" does not stay in the foreground`);
  }
  const path = opts.consoleSocket;
  return channel(() => {
    try {
      return { helperEnd: syscall.connectUnix(path), receiver: undefined };
    } catch (err) {
      throw new RongqiError(`--console-socket ${path}: ${(err as Error).message}`, { cause: err });
    }
  }, false);
}

/** The fds are opened on first use of `helperEnd`, so that deciding early costs nothing to undo. */
function channel(open: () => { helperEnd: number; receiver: number | undefined }, proxied: boolean): TerminalChannel {
  let fds: { helperEnd: number; receiver: number | undefined } | undefined;
  let helperOpen = false;
  let receiverOpen = false;
  const closeHelperEnd = () => {
    if (helperOpen) syscall.close(fds!.helperEnd);
    helperOpen = false;
  };
  return {
    get helperEnd() {
      if (!fds) {
        fds = open();
        helperOpen = true;
        receiverOpen = fds.receiver !== undefined;
      }
      return fds.helperEnd;
    },
    proxied,
    closeHelperEnd,
    receiveMaster() {
      if (!fds || fds.receiver === undefined || !receiverOpen) throw new RongqiError("terminal: no pty master to receive (not in the foreground)");
      // Our copy of the other end must be closed, or a helper that died
      // before sending would leave this read waiting forever.
      closeHelperEnd();
      const got = syscall.recvFd(fds.receiver);
      if (got.fd === undefined) throw new RongqiError("terminal: the container process did not send its pty master");
      return got.fd;
    },
    close() {
      closeHelperEnd();
      if (receiverOpen) syscall.close(fds!.receiver!);
      receiverOpen = false;
    },
  };
}
