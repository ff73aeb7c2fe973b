import t from "tap";
import type { Recording } from "./_recorder.ts";
import { chromeTrace } from "./chrome_trace.ts";

const me = process.pid;

function rec(): Recording {
  return {
    processNames: new Map([[me, "rongqi create"], [101, "rongqi-init helper (pid 101)"], [102, "container process (pid 102)"]]),
    events: [
      { name: "mount proc", cat: "kernel", startNs: 5_000_500n, endNs: 5_001_000n, pid: 102, tid: 102, args: { field: "mounts[0]" } },
      { name: "load config", cat: "config", startNs: 1_000_000n, endNs: 2_500_000n, pid: me, tid: me },
      { name: "pivot_root", cat: "kernel", startNs: 6_000_000n, endNs: 6_000_250n, pid: 102, tid: 102, error: "pivot_root: EINVAL" },
      { name: "unshare", cat: "kernel", startNs: 3_000_000n, endNs: 3_100_000n, pid: 101, tid: 101 },
    ],
  };
}

t.test("complete events in microseconds, sorted by start, with details", (t) => {
  const out = chromeTrace(rec(), { command: "rongqi create" });
  t.equal(out.displayTimeUnit, "ms");
  t.same(out.otherData, { clock: "CLOCK_MONOTONIC", command: "rongqi create" });
  const x = out.traceEvents.filter((e) => e.ph === "X");
  t.same(x.map((e) => e.name), ["load config", "unshare", "mount proc", "pivot_root"]);
  t.same(x[0], { name: "load config", cat: "config", ph: "X", ts: 1000, dur: 1500, pid: me, tid: me });
  t.same(x[2], { name: "mount proc", cat: "kernel", ph: "X", ts: 5000.5, dur: 0.5, pid: 102, tid: 102, args: { field: "mounts[0]" } });
  t.end();
});

t.test("a failed step carries its error and an instant marker", (t) => {
  const out = chromeTrace(rec());
  const failed = out.traceEvents.find((e) => e.ph === "X" && e.name === "pivot_root")!;
  t.same(failed.args, { error: "pivot_root: EINVAL" });
  t.equal(failed.cname, "terrible");
  const mark = out.traceEvents.find((e) => e.ph === "i")!;
  t.match(mark, { name: "failed: pivot_root", ts: 6000.25, pid: 102, s: "t", args: { error: "pivot_root: EINVAL" } });
  t.end();
});

t.test("each process is a named track, the runtime first", (t) => {
  const out = chromeTrace(rec());
  const names = out.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
  t.same(names.map((e) => [e.pid, e.args!["name"]]), [[me, "rongqi create"], [101, "rongqi-init helper (pid 101)"], [102, "container process (pid 102)"]]);
  const order = out.traceEvents.filter((e) => e.name === "process_sort_index").map((e) => [e.pid, e.args!["sort_index"]]);
  t.same(order, [[me, 0], [101, 1], [102, 2]]);
  t.ok(out.traceEvents.some((e) => e.name === "thread_name" && e.pid === 101), "thread names too");
  t.end();
});

t.test("an unnamed pid gets a track; the output is plain JSON", (t) => {
  const r: Recording = { processNames: new Map(), events: [{ name: "x", cat: "c", startNs: 1n, endNs: 0n, pid: 7, tid: 7 }] };
  const out = chromeTrace(r);
  t.ok(out.traceEvents.some((e) => e.name === "process_name" && e.pid === 7 && e.args!["name"] === "pid 7"));
  t.equal(out.traceEvents.find((e) => e.ph === "X")!.dur, 0, "an end before the start becomes a zero duration");
  t.doesNotThrow(() => JSON.parse(JSON.stringify(out)));
  t.end();
});
