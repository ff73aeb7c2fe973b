/**
 * Turns a recording into Chrome trace-event JSON (the "JSON Object Format"
 * of the Trace Event Format), which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open: one complete ("X") event per step, on the track of
 * the process that took it (the runtime, the rongqi-init helper, the
 * container process), metadata events naming each track, and an instant
 * event where a step failed. Times are microseconds of CLOCK_MONOTONIC, so
 * traces of separate calls (create, then delete) line up when merged.
 *
 * @example
 * ```ts
 * import { chromeTrace } from "./chrome_trace.ts";
 * writeFileSync("trace.json", JSON.stringify(chromeTrace(recording, { command: "create" })));
 * ```
 */
import type { Recording } from "./_recorder.ts";

export interface ChromeEvent {
  name: string;
  ph: "X" | "M" | "i";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: "t" | "p" | "g";
  cname?: string;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, string>;
}

/** Nanoseconds to microseconds, keeping nanosecond precision as decimals. */
const us = (ns: bigint): number => Number(ns) / 1000;

export function chromeTrace(rec: Recording, info: Record<string, string> = {}): ChromeTrace {
  const events = [...rec.events].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const out: ChromeEvent[] = [];
  // Tracks in order: the runtime first, then processes as they appear.
  const order = [...new Set([process.pid, ...rec.processNames.keys(), ...events.map((e) => e.pid)])];
  order.forEach((pid, i) => {
    const name = rec.processNames.get(pid) ?? `pid ${pid}`;
    out.push({ name: "process_name", ph: "M", pid, tid: pid, args: { name } });
    out.push({ name: "process_sort_index", ph: "M", pid, tid: pid, args: { sort_index: i } });
    out.push({ name: "thread_name", ph: "M", pid, tid: pid, args: { name } });
  });
  for (const e of events) {
    const args = e.error === undefined ? e.args : { ...e.args, error: e.error };
    const end = e.endNs >= e.startNs ? e.endNs : e.startNs;
    out.push({
      name: e.name, cat: e.cat, ph: "X", ts: us(e.startNs), dur: us(end - e.startNs), pid: e.pid, tid: e.tid,
      ...(e.error !== undefined ? { cname: "terrible" } : {}), ...(args ? { args } : {}),
    });
    if (e.error !== undefined) {
      out.push({ name: `failed: ${e.name}`, cat: e.cat, ph: "i", s: "t", ts: us(end), pid: e.pid, tid: e.tid, args: { error: e.error } });
    }
  }
  return { traceEvents: out, displayTimeUnit: "ms", otherData: { clock: "CLOCK_MONOTONIC", ...info } };
}
