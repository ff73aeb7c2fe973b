/**
 * `run`: create and start in one call. In the foreground (the default) it
 * waits for the container process, forwards the signals it receives to it,
 * deletes the container when it exits and returns the exit status
 * (128+N for a process killed by signal N), as `runc run` does. With
 * process.terminal it is the terminal's other end (terminal_proxy.ts: raw
 * mode, size, SIGWINCH). With `detach` it returns once the container has
 * started.
 *
 * The runtime becomes a child subreaper before creating the container, so
 * that the container process, whose parent (the helper) exits after
 * forking it, is re-parented to the runtime and can be waited for.
 *
 * @example
 * ```ts
 * const status = await run({ root: "/run/rongqi", id: "job", bundle: "/srv/job" });
 * ```
 */
import { constants } from "node:os";
import { log } from "../log.ts";
import { signalName } from "../linux/_signals.ts";
import { exitCodeOf } from "../linux/_wait_status.ts";
import { syscall } from "../linux/syscall.ts";
import { create, type CreateOptions } from "./create.ts";
import { proxyTerminal } from "../linux/terminal_proxy.ts";
import { del } from "./delete.ts";
import { signalProcess } from "./_kill_and_reap.ts";
import { start } from "./start.ts";
import { span, traced } from "../trace/span.ts";

const PR_SET_CHILD_SUBREAPER = 36;
const FORWARDED: NodeJS.Signals[] = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCONT", "SIGTSTP"];

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  /** keep the container's state after it exits (runc run --keep) */
  keep?: boolean;
}

/** Returns the exit status for the caller to exit with (0 when detached). */
export async function run(opts: RunOptions): Promise<number> {
  if (!opts.detach) syscall.prctl(PR_SET_CHILD_SUBREAPER, 1);
  const { record, terminal } = await traced("create", () => create({ ...opts, foreground: !opts.detach }), { cat: "command" });
  if (opts.detach) {
    await traced("start", () => start({ root: opts.root, id: opts.id }), { cat: "command" });
    return 0;
  }
  // process.terminal in the foreground: rongqi is the terminal's other end.
  const proxy = terminal === undefined ? undefined : proxyTerminal(terminal);
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of FORWARDED) {
    if (sig === "SIGWINCH" && proxy) continue; // the proxy resizes the pty; the kernel signals the container
    const h = () => {
      signalProcess(record.pid, record.pidStartTime, constants.signals[sig]);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  try {
    const waiting = syscall.waitpidAsync(record.pid);
    try {
      await traced("start", () => start({ root: opts.root, id: opts.id }), { cat: "command" });
    } catch (err) {
      signalProcess(record.pid, record.pidStartTime, 9);
      await waiting;
      throw err;
    }
    const running = span(`wait for the container process (pid ${record.pid}) to exit`, { cat: "wait" });
    const { status } = await waiting;
    running.end({ status: status.kind === "signaled" ? signalName(status.signal) : status.kind === "exited" ? status.code : status.kind });
    if (status.kind === "signaled") log.debug(`container process killed by ${signalName(status.signal)}`);
    return exitCodeOf(status);
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    await proxy?.finish();
    if (!opts.keep) {
      try {
        traced("delete", () => del({ root: opts.root, id: opts.id, force: true }), { cat: "command" });
      } catch (err) {
        log.warn(`deleting container "${opts.id}" after it exited: ${(err as Error).message}`);
      }
    }
  }
}
