/**
 * Puts the steps of a plan run by the rongqi-init helper into the trace: each
 * op's timing (the helper's STEP messages) becomes a step on the track of
 * the process that ran it, the helper before FORK and the container process
 * after it; a failed op is marked with its error; and the runtime's work at
 * each SYNC (uid/gid maps, cgroup, hooks) becomes a step on the runtime's
 * track. Every method does nothing when no trace is being recorded.
 *
 * @example
 * ```ts
 * const ht = traceHelper(plan.ops);
 * const outcome = await runHelper({
 *   ops: plan.ops, trace: ht.enabled,
 *   onStep: (step, ctx) => ht.onStep(step, ctx),
 *   onSync: ht.sync(async (tag, ctx) => { ... }),
 * });
 * if (outcome.kind === "error") {
 *   const err = helperError(plan.ops, outcome);
 *   ht.failed(outcome, err.message);
 *   throw err;
 * }
 * ```
 */
import type { Op } from "../linux/process/protocol.ts";
import type { HelperContext, HelperStep } from "../linux/process/run_helper.ts";
import { recording } from "./_recorder.ts";
import { span } from "./span.ts";

export interface HelperTraceOptions {
  /** name of the track of the process made by FORK (default "container process") */
  processLabel?: string;
}

export interface HelperTrace {
  /** true while tracing: pass it as runHelper's `trace` */
  readonly enabled: boolean;
  /** runHelper's `onStep` */
  onStep(step: HelperStep, ctx: HelperContext): void;
  /** Marks the op of a helper ERROR as failed with `message` (it sent no STEP). */
  failed(outcome: Pick<HelperContext, "helperPid" | "pid"> & { opIndex: number }, message: string): void;
  /** Wraps runHelper's `onSync` so the runtime's work at each SYNC is a step of its own. */
  sync<R>(fn: (tag: number, ctx: HelperContext) => R): (tag: number, ctx: HelperContext) => Promise<Awaited<R>>;
}

function passThrough<R>(fn: (tag: number, ctx: HelperContext) => R): (tag: number, ctx: HelperContext) => Promise<Awaited<R>> {
  return async (tag: number, ctx: HelperContext): Promise<Awaited<R>> => await fn(tag, ctx);
}

const OFF: HelperTrace = { enabled: false, onStep() {}, failed() {}, sync: passThrough };

function details(op: Op | undefined, index: number): Record<string, unknown> {
  const d = op?.desc;
  return {
    op: op?.op ?? "?", index,
    ...(d?.field ? { field: d.field } : {}), ...(d?.syscall ? { syscall: d.syscall } : {}), ...(d?.path ? { path: d.path } : {}),
  };
}

export function traceHelper(ops: readonly Op[], opts: HelperTraceOptions = {}): HelperTrace {
  const rec = recording();
  if (!rec) return OFF;
  const label = opts.processLabel ?? "container process";
  // The start of an op that fails is the end of the one before it.
  let lastEnd = process.hrtime.bigint();
  const name = (ctx: Pick<HelperContext, "helperPid" | "pid">, pid: number) => {
    if (!rec.processNames.has(pid)) rec.processNames.set(pid, pid === ctx.helperPid ? `rongqi-init helper (pid ${pid})` : `${label} (pid ${pid})`);
    return pid;
  };
  // FORK's STEP comes from the child, but the op began in the helper.
  const pidOf = (op: Op | undefined, ctx: Pick<HelperContext, "helperPid" | "pid">) => name(ctx, op?.op === "fork" ? ctx.helperPid : ctx.pid);
  return {
    enabled: true,
    onStep(step, ctx) {
      const op = ops[step.opIndex];
      const pid = pidOf(op, ctx);
      lastEnd = step.endNs;
      rec.events.push({
        name: op?.desc?.step ?? op?.op ?? `op ${step.opIndex}`, cat: op?.op === "sync" ? "sync" : "kernel",
        startNs: step.startNs, endNs: step.endNs, pid, tid: pid, args: details(op, step.opIndex),
      });
    },
    failed(outcome, message) {
      const op = ops[outcome.opIndex];
      const pid = pidOf(op, outcome);
      rec.events.push({
        name: op?.desc?.step ?? op?.op ?? "plan", cat: "kernel", startNs: lastEnd, endNs: process.hrtime.bigint(),
        pid, tid: pid, args: details(op, outcome.opIndex), error: message,
      });
    },
    sync<R>(fn: (tag: number, ctx: HelperContext) => R) {
      return async (tag: number, ctx: HelperContext): Promise<Awaited<R>> => {
        const desc = ops.find((o) => o.op === "sync" && o.tag === tag)?.desc;
        const s = span(`runtime: ${desc?.step ?? `sync ${tag}`}`, { cat: "sync", args: { tag, ...(desc?.field ? { field: desc.field } : {}) } });
        try {
          const out = await fn(tag, ctx);
          s.end();
          return out;
        } catch (err) {
          s.fail(err);
          throw err;
        }
      };
    },
  };
}
