/**
 * Runs a plan through the native helper `rongqi-init` (native/PROTOCOL.md):
 * spawns it with the container's stdio and preserved fds, sends the plan,
 * answers each SYNC once the caller's `onSync` is done, and settles with how
 * the plan ended.
 *
 * The helper is the direct child; after a FORK op the plan goes on in the
 * helper's child, whose host pid arrives in a PID message (`ctx.pid`).
 *
 * Not supported yet: receiving an fd with NOTIFY (the seccomp listener). The
 * control socket is read by libuv with plain read(2), which drops SCM_RIGHTS
 * ancillary data (the kernel closes such fds), and Node offers no recvmsg on a
 * net.Socket. `notify` messages therefore never carry `fd` here.
 *
 * @example
 * ```ts
 * import { runHelper } from "./run_helper.ts";
 * const out = await runHelper({
 *   ops: [
 *     { op: "unshare", flags: 0x10000000 },                // CLONE_NEWUSER
 *     { op: "sync", tag: 1 },
 *     { op: "resolveExec", file: "id", path: "" },
 *     { op: "exec", argv: ["id", "-u"], env: [] },
 *   ],
 *   onSync: async (tag, ctx) => { await writeIdMaps(ctx.helperPid); },
 * });
 * if (out.kind === "error") throw explain(out);
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { RongqiError } from "../../errors.ts";
import { findHelper } from "./find_helper.ts";
import { encodeAbort, encodeAck, encodePlan, type HelperMessage, HelperMessageDecoder, type Op } from "./protocol.ts";

/** A stdio slot: an fd of the runtime, or what child_process.spawn makes of the word. */
export type StdioSpec = number | "inherit" | "ignore" | "pipe";

export interface HelperContext {
  /** pid of the helper process spawned (the direct child). */
  helperPid: number;
  /** pid of the process running the plan now: the FORK child once PID arrived, else `helperPid`. */
  pid: number;
  /** The spawned helper; `child.stdio[0..2]` are its pipes when "pipe" was asked for. */
  child: ChildProcess;
}

export interface HelperStep {
  opIndex: number;
  /** CLOCK_MONOTONIC nanoseconds, comparable with `process.hrtime.bigint()`. */
  startNs: bigint;
  endNs: bigint;
}

export interface RunHelperOptions {
  ops: readonly Op[];
  /** Ask for a STEP message after every op (reported through `onStep`). */
  trace?: boolean;
  /** The container's fds 0, 1, 2. Default: all "inherit". */
  stdio?: readonly [StdioSpec, StdioSpec, StdioSpec];
  /** Pass the runtime's fds 3 .. 3+N-1 as the container's fds 3 .. 3+N-1. */
  preserveFds?: number;
  /**
   * More fds of the runtime for the plan (not the container): `extraFds[i]`
   * is the helper's fd {@link extraFdNumber}(preserveFds, i), right after
   * the control socket (native/PROTOCOL.md "Extra fds").
   */
  extraFds?: readonly number[];
  /** Defaults to {@link findHelper}(). */
  helperPath?: string;
  /**
   * Called right after the spawn. Attach to stdio pipes here: Node drains
   * and discards pipes nobody listens to once the child exits.
   */
  onSpawn?: (child: ChildProcess) => void;
  /** Called at each SYNC; ACK is sent when it returns. If it throws, ABORT is sent and runHelper rejects. */
  /** May return the container's state JSON: the ACK carries it to the hooks the helper runs later. */
  onSync?: (tag: number, ctx: HelperContext) => void | string | Promise<void | string>;
  /** Called at each NOTIFY. If it throws, the plan process is killed and runHelper rejects. */
  onNotify?: (tag: number, ctx: HelperContext) => void | Promise<void>;
  onPid?: (pid: number, ctx: HelperContext) => void;
  /** With `trace`: one op's timing. */
  onStep?: (step: HelperStep, ctx: HelperContext) => void;
  /**
   * NOTIFY tags that end runHelper with `{ kind: "notified" }`: the control
   * socket is closed and the helper left running on its own (e.g. waiting in
   * the created state); nothing of it keeps Node's event loop alive, except
   * stdio pipes the caller asked for.
   */
  stopAtNotify?: readonly number[];
}

export type HelperOutcome = HelperContext & (
  /** A NOTIFY listed in `stopAtNotify` arrived. */
  | { kind: "notified"; tag: number }
  /** The plan ran to a successful execve. */
  | { kind: "exec" }
  /** An op failed; `opIndex` is 0xffffffff for a malformed plan. */
  | { kind: "error"; opIndex: number; errno: number; detail: string }
  /**
   * The helper ended without ERROR and before EXEC (killed, or ABORTed by
   * another party). code/signal are the helper's; they are null after a FORK,
   * as the dead process was not our child.
   */
  | { kind: "died"; code: number | null; signal: NodeJS.Signals | null }
);

/** The helper's fd number of `extraFds[index]`. */
export function extraFdNumber(preserveFds: number, index: number): number {
  return 4 + preserveFds + index;
}

export function runHelper(opts: RunHelperOptions): Promise<HelperOutcome> {
  const helper = opts.helperPath ?? findHelper();
  const preserve = opts.preserveFds ?? 0;
  if (!Number.isInteger(preserve) || preserve < 0) throw new RongqiError(`preserveFds must be a count, not ${preserve}`);
  const plan = encodePlan(opts.ops, { trace: opts.trace ?? false });
  const ctlIndex = 3 + preserve;
  const stdio: StdioSpec[] = [...(opts.stdio ?? ["inherit", "inherit", "inherit"])];
  for (let fd = 3; fd < ctlIndex; fd++) stdio.push(fd);
  stdio.push("pipe");
  stdio.push(...(opts.extraFds ?? []));

  return new Promise<HelperOutcome>((resolve, reject) => {
    const child = spawn(helper, [String(ctlIndex)], { stdio, env: {}, argv0: "rongqi-init" });
    let settled = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitWaiters: (() => void)[] = [];
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      for (const w of exitWaiters.splice(0)) w();
    });
    const childExit = () => new Promise<void>((r) => (exited ? r() : exitWaiters.push(r)));

    child.on("error", (err) => {
      if (settled) return;
      settled = true;
      reject(new RongqiError(`cannot start ${helper}: ${err.message}`, { cause: err }));
    });
    if (child.pid === undefined) return; // spawn failed: "error" follows
    opts.onSpawn?.(child);

    const socket = child.stdio[ctlIndex] as Socket;
    const ctx: HelperContext = { helperPid: child.pid, pid: child.pid, child };
    const decoder = new HelperMessageDecoder();
    let sawPid = false;
    let sawExec = false;
    let failure: { kind: "error"; opIndex: number; errno: number; detail: string } | undefined;
    let eof = false;
    const eofWaiters: (() => void)[] = [];
    const closed = () => new Promise<void>((r) => (eof ? r() : eofWaiters.push(r)));

    const finish = (outcome: HelperOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    // Something went wrong on our side: end the plan process, then reject.
    const fatal = async (err: unknown, abort: boolean) => {
      if (settled) return;
      settled = true;
      if (abort) socket.write(encodeAbort());
      else {
        try {
          process.kill(ctx.pid, "SIGKILL");
        } catch { /* already gone */ }
      }
      await closed();
      if (!sawPid) await childExit();
      reject(err);
    };

    const handle = async (m: HelperMessage) => {
      if (settled) return;
      switch (m.type) {
        case "sync": {
          let state: string | undefined;
          try {
            state = (await opts.onSync?.(m.tag, ctx)) ?? undefined;
          } catch (err) {
            return fatal(err, true);
          }
          if (!settled) socket.write(encodeAck(m.tag, state));
          return;
        }
        case "notify":
          try {
            await opts.onNotify?.(m.tag, ctx);
          } catch (err) {
            return fatal(err, false);
          }
          if (opts.stopAtNotify?.includes(m.tag)) {
            socket.destroy();
            child.unref();
            finish({ ...ctx, kind: "notified", tag: m.tag });
          }
          return;
        case "pid":
          sawPid = true;
          ctx.pid = m.pid;
          opts.onPid?.(m.pid, ctx);
          return;
        case "step":
          opts.onStep?.({ opIndex: m.opIndex, startNs: m.startNs, endNs: m.endNs }, ctx);
          return;
        case "error":
          failure = { kind: "error", opIndex: m.opIndex, errno: m.errno, detail: m.detail };
          return;
        case "exec":
          sawExec = true;
          return;
      }
    };

    // EOF: every copy of the helper's end is closed (exit or execve).
    const onEof = async () => {
      if (settled) return;
      if (failure) {
        if (!sawPid) await childExit();
        finish({ ...ctx, ...failure });
      } else if (sawExec) {
        finish({ ...ctx, kind: "exec" });
      } else {
        if (!sawPid) await childExit();
        finish({ ...ctx, kind: "died", code: sawPid ? null : exited!.code, signal: sawPid ? null : exited!.signal });
      }
    };

    let chain = Promise.resolve();
    const queue = (step: () => Promise<void>) => {
      chain = chain.then(step).catch((err) => fatal(err, false));
    };
    socket.on("data", (chunk: Buffer) => {
      let messages: HelperMessage[];
      try {
        messages = decoder.push(chunk);
      } catch (err) {
        queue(() => fatal(err, false));
        return;
      }
      for (const m of messages) queue(() => handle(m));
    });
    socket.on("error", () => { /* EPIPE/ECONNRESET: the helper is gone; "close" follows */ });
    socket.on("close", () => {
      eof = true;
      for (const w of eofWaiters.splice(0)) w();
      queue(onEof);
    });
    socket.write(plan);
  });
}
