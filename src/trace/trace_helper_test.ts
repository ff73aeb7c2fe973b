import t from "tap";
import type { Op } from "../linux/process/protocol.ts";
import type { HelperContext } from "../linux/process/run_helper.ts";
import { startRecording, stopRecording } from "./_recorder.ts";
import { traceHelper } from "./trace_helper.ts";

t.afterEach(() => {
  stopRecording();
});

const ops: Op[] = [
  { op: "unshare", flags: 0x20000, desc: { step: "create namespaces", field: "linux.namespaces", syscall: "unshare" } },
  { op: "sync", tag: 2, desc: { step: "join the container's cgroup" } },
  { op: "fork", desc: { step: "fork the container process", syscall: "fork" } },
  { op: "mount", source: "proc", target: "/proc", fstype: "proc", data: "", flags: 0, create: 1, inRoot: true, keepFlags: false, desc: { step: "mount proc on /proc", field: "mounts[0]", syscall: "mount", path: "/proc" } },
  { op: "pivotRoot", desc: { step: "pivot_root into the rootfs", syscall: "pivot_root", path: "/b/rootfs" } },
];

const ctx = (pid: number) => ({ helperPid: 100, pid }) as HelperContext;

t.test("without a recording: disabled and inert", async (t) => {
  const ht = traceHelper(ops);
  t.equal(ht.enabled, false);
  t.equal(await ht.sync((tag: number) => `x${tag}`)(3, ctx(100)), "x3", "onSync's result is passed through");
  ht.onStep({ opIndex: 0, startNs: 1n, endNs: 2n }, ctx(100));
  ht.failed({ opIndex: 0, helperPid: 100, pid: 100 }, "no");
});

t.test("ops go to the track of the process that ran them; FORK stays on the helper's", (t) => {
  const rec = startRecording("rongqi create");
  const ht = traceHelper(ops);
  t.equal(ht.enabled, true);
  ht.onStep({ opIndex: 0, startNs: 10n, endNs: 20n }, ctx(100));
  ht.onStep({ opIndex: 1, startNs: 20n, endNs: 30n }, ctx(100));
  ht.onStep({ opIndex: 2, startNs: 30n, endNs: 40n }, ctx(200)); // FORK's STEP comes from the child
  ht.onStep({ opIndex: 3, startNs: 40n, endNs: 50n }, ctx(200));
  t.same(rec.events.map((e) => [e.name, e.pid, e.cat]), [
    ["create namespaces", 100, "kernel"], ["join the container's cgroup", 100, "sync"],
    ["fork the container process", 100, "kernel"], ["mount proc on /proc", 200, "kernel"],
  ]);
  t.same(rec.events[3]!.args, { op: "mount", index: 3, field: "mounts[0]", syscall: "mount", path: "/proc" });
  t.equal(rec.processNames.get(100), "rongqi-init helper (pid 100)");
  t.equal(rec.processNames.get(200), "container process (pid 200)");
  t.end();
});

t.test("a failed op is marked with the error, from the end of the previous op", (t) => {
  const rec = startRecording("rongqi create");
  const ht = traceHelper(ops, { processLabel: "exec'd process" });
  ht.onStep({ opIndex: 3, startNs: 40n, endNs: 50n }, ctx(300));
  ht.failed({ opIndex: 4, helperPid: 100, pid: 300 }, "pivot_root into the rootfs: pivot_root failed: EINVAL");
  const e = rec.events[1]!;
  t.match(e, { name: "pivot_root into the rootfs", pid: 300, startNs: 50n, error: "pivot_root into the rootfs: pivot_root failed: EINVAL" });
  t.ok(e.endNs > 50n);
  t.equal(rec.processNames.get(300), "exec'd process (pid 300)");
  t.end();
});

t.test("sync wraps the runtime's work at a SYNC in a span named by the op, passing results and errors", async (t) => {
  const rec = startRecording("rongqi create");
  const ht = traceHelper(ops);
  const onSync = ht.sync((tag: number) => (tag === 2 ? "state" : undefined));
  t.equal(await onSync(2, ctx(100)), "state");
  const failing = ht.sync(async () => {
    throw new Error("cgroup.procs: EBUSY");
  });
  await t.rejects(failing(2, ctx(100)), { message: "cgroup.procs: EBUSY" });
  t.same(rec.events.map((e) => [e.name, e.cat, e.pid, e.error]), [
    ["runtime: join the container's cgroup", "sync", process.pid, undefined],
    ["runtime: join the container's cgroup", "sync", process.pid, "cgroup.procs: EBUSY"],
  ]);
  t.end();
});
