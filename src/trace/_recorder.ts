// The trace being recorded by this process, if any: a list of finished
// spans and the names of the processes they ran in. Private to src/trace/.
/** One finished step: times are CLOCK_MONOTONIC nanoseconds (process.hrtime.bigint()). */
export interface TraceEvent {
  name: string;
  /** a category: config, state, helper, container, hook, cgroup, node ... */
  cat: string;
  startNs: bigint;
  endNs: bigint;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
  /** set when the step failed: the error's one line */
  error?: string;
}

export interface Recording {
  events: TraceEvent[];
  /** a display name for each pid seen (the runtime, the helper, the container) */
  processNames: Map<number, string>;
}

let current: Recording | undefined;

/** The recording in progress, or undefined when not tracing (the common case). */
export function recording(): Recording | undefined {
  return current;
}

/** Starts a new recording and returns it; the runtime's own pid is named `name`. */
export function startRecording(name: string): Recording {
  current = { events: [], processNames: new Map([[process.pid, name]]) };
  return current;
}

/** Ends the recording in progress and returns it. */
export function stopRecording(): Recording | undefined {
  const r = current;
  current = undefined;
  return r;
}
