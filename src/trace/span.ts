/**
 * Spans: the runtime's own steps (loading the config, writing state, running
 * hooks, writing cgroup files...) with their start time and duration, for
 * `--trace FILE`. When no trace is being recorded (the common case) `span`
 * returns a shared object whose methods do nothing, and `traced` just calls
 * its function, so call sites pay one check.
 *
 * @example
 * ```ts
 * import { span, traced } from "../trace/span.ts";
 * const config = traced("load and validate config.json", () => loadConfig(bundle), { cat: "config" });
 * const s = span("write memory.max", { cat: "cgroup", args: { path } });
 * try { writeFileSync(path, value); s.end(); } catch (err) { s.fail(err); throw err; }
 * ```
 */
import { recording } from "./_recorder.ts";

export interface SpanOptions {
  /** category shown by trace viewers; default "runtime" */
  cat?: string;
  /** details shown with the step (config field, path, syscall...) */
  args?: Record<string, unknown>;
}

export interface Span {
  /** Ends the step; `args` are added to its details. Only the first end/fail counts. */
  end(args?: Record<string, unknown>): void;
  /** Ends the step, marked as failed with the error's message. */
  fail(err: unknown): void;
}

const NOOP: Span = { end() {}, fail() {} };

/** True while a trace is being recorded (to skip building costly span details). */
export function isTracing(): boolean {
  return recording() !== undefined;
}

/** Starts a step of the runtime process; end it with `end()` or `fail(err)`. */
export function span(name: string, opts: SpanOptions = {}): Span {
  const rec = recording();
  if (!rec) return NOOP;
  const startNs = process.hrtime.bigint();
  let done = false;
  const finish = (args: Record<string, unknown> | undefined, error: string | undefined) => {
    if (done) return;
    done = true;
    const all = opts.args || args ? { ...opts.args, ...args } : undefined;
    rec.events.push({
      name, cat: opts.cat ?? "runtime", startNs, endNs: process.hrtime.bigint(), pid: process.pid, tid: process.pid,
      ...(all ? { args: all } : {}), ...(error !== undefined ? { error } : {}),
    });
  };
  return {
    end: (args) => finish(args, undefined),
    fail: (err) => finish(undefined, err instanceof Error ? err.message : String(err)),
  };
}

/**
 * Runs `fn` as one step. A promise is followed to its end; a throw or a
 * rejection marks the step failed and is passed on unchanged.
 */
export function traced<T>(name: string, fn: () => T, opts?: SpanOptions): T {
  if (!recording()) return fn();
  const s = span(name, opts);
  let out: T;
  try {
    out = fn();
  } catch (err) {
    s.fail(err);
    throw err;
  }
  if (out instanceof Promise) {
    return out.then((v) => {
      s.end();
      return v;
    }, (err: unknown) => {
      s.fail(err);
      throw err;
    }) as T;
  }
  s.end();
  return out;
}
