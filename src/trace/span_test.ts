import t from "tap";
import { recording, startRecording, stopRecording } from "./_recorder.ts";
import { isTracing, span, traced } from "./span.ts";

t.afterEach(() => {
  stopRecording();
});

t.test("without a recording, spans cost nothing and record nothing", (t) => {
  t.equal(isTracing(), false);
  const a = span("x");
  const b = span("y", { cat: "state" });
  t.equal(a, b, "one shared no-op span");
  a.end();
  a.fail(new Error("no"));
  t.equal(traced("z", () => 42), 42);
  t.equal(recording(), undefined);
  t.end();
});

t.test("a span records its name, category, times, pid and details", (t) => {
  const rec = startRecording("test");
  t.equal(isTracing(), true);
  const before = process.hrtime.bigint();
  const s = span("write state.json", { cat: "state", args: { path: "/x" } });
  s.end({ bytes: 3 });
  s.end({ bytes: 4 });
  s.fail(new Error("late"));
  const after = process.hrtime.bigint();
  t.equal(rec.events.length, 1, "only the first end counts");
  const e = rec.events[0]!;
  t.match(e, { name: "write state.json", cat: "state", pid: process.pid, tid: process.pid, args: { path: "/x", bytes: 3 } });
  t.equal(e.error, undefined);
  t.ok(e.startNs >= before && e.startNs <= e.endNs && e.endNs <= after, "monotonic times in order");
  t.equal(span("plain").end(), undefined);
  t.equal(rec.events[1]!.cat, "runtime", "default category");
  t.notOk("args" in rec.events[1]!, "no empty details");
  t.end();
});

t.test("traced: returns the value, marks a throw or a rejection as failed and passes it on", async (t) => {
  const rec = startRecording("test");
  t.equal(traced("sync", () => "v"), "v");
  t.throws(() => traced("throws", () => {
    throw new Error("boom");
  }), { message: "boom" });
  t.equal(await traced("async", async () => 7), 7);
  await t.rejects(traced("rejects", () => Promise.reject(new Error("later"))), { message: "later" });
  t.same(rec.events.map((e) => [e.name, e.error]), [["sync", undefined], ["throws", "boom"], ["async", undefined], ["rejects", "later"]]);
  t.end();
});

t.test("an async span ends when its promise settles", async (t) => {
  const rec = startRecording("test");
  const start = process.hrtime.bigint();
  await traced("sleep", () => new Promise((r) => setTimeout(r, 30)));
  const e = rec.events[0]!;
  t.ok(e.endNs - e.startNs >= 25_000_000n, `lasted ${(e.endNs - e.startNs) / 1000n} us`);
  t.ok(e.startNs >= start);
  t.end();
});
