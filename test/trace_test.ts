// --trace on create, run and delete, and `rongqi explain`, on real containers.
import t from "tap";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ChromeEvent, ChromeTrace } from "../src/trace/chrome_trace.ts";
import type { ExplainedStep } from "../src/state/explain.ts";
import { cleanup, makeBundle, rongqi, type TestBundle } from "./_bundle.ts";
import { freshBuild } from "./_fresh_build.ts";

freshBuild();

function readTrace(file: string): { trace: ChromeTrace; x: ChromeEvent[]; names: Map<number, string> } {
  const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
  const names = new Map(trace.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name").map((e) => [e.pid, String(e.args!["name"])]));
  return { trace, x: trace.traceEvents.filter((e) => e.ph === "X"), names };
}

function explainSteps(b: TestBundle, id?: string): ExplainedStep[] {
  const r = rongqi(b.root, ["explain", "--bundle", b.bundle, "--format", "json", ...(id ? [id] : [])]);
  if (r.status !== 0) throw new Error(`explain failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { steps: ExplainedStep[] }).steps;
}

t.test("run --trace: every kernel step of the plan, on the helper's and the container's tracks, plus the runtime's", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  const file = join(b.dir, "run.json");
  const r = rongqi(b.root, ["run", "--trace", file, "-b", b.bundle, "tr"]);
  t.equal(r.status, 0, r.stderr);
  const { trace, x, names } = readTrace(file);
  t.equal(trace.displayTimeUnit, "ms");
  for (const e of x) t.ok(Number.isFinite(e.ts) && e.dur! >= 0, `${e.name}: start and duration`);

  const pids = [...names.keys()];
  t.equal(pids.length, 3, "three tracks");
  t.match(names.get(pids[0]!), /^rongqi run \(pid \d+\)$/);
  t.match(names.get(pids[1]!), /^rongqi-init helper \(pid \d+\)$/);
  t.match(names.get(pids[2]!), /^container process \(pid \d+\)$/);
  const [runtime, helper, container] = pids;

  // The kernel steps of the create phase, as explain lists them, all traced in order
  // (the steps after "report created" run once the helper no longer reports).
  const planned = explainSteps(b, "tr").filter((s) => s.by !== "runtime" && s.phase === "create");
  const reported = planned.slice(0, planned.findIndex((s) => s.step === "report created"));
  const kernel = x.filter((e) => e.pid !== runtime);
  t.same(kernel.map((e) => e.name), reported.map((s) => s.step), "the plan's steps, in order");
  t.same(kernel.map((e) => (e.pid === helper ? "helper" : e.pid === container ? "container" : "?")), reported.map((s) => s.by), "each on its process's track");
  const proc = kernel.find((e) => e.name.startsWith("mount proc"))!;
  t.match(proc.args, { op: "mount", field: "mounts[0]", path: "/proc" });

  const own = x.filter((e) => e.pid === runtime).map((e) => e.name);
  for (const step of ["node: start-up (V8 and Node bootstrap)", "rongqi run", "create", "load and validate config.json", "write state.json (creating)",
    "build the plan", "run the plan in rongqi-init", "runtime: join the container's cgroup", "runtime: run prestart and createRuntime hooks",
    "start", "delete", "remove the state directory"]) {
    t.ok(own.includes(step), `runtime step: ${step}`);
  }
  t.ok(own.some((n) => /^wait for the container process \(pid \d+\) to exit$/.test(n)), "the wait for the container");
  t.notOk(x.some((e) => e.args?.["error"]), "nothing failed");
});

t.test("a failed kernel step is marked with its error, and the trace is still written", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.linux!.sysctl = { "net.ipv4.no_such_sysctl_here": "1" };
  });
  t.teardown(() => cleanup(b));
  const file = join(b.dir, "fail.json");
  const r = rongqi(b.root, ["create", "--trace", file, "-b", b.bundle, "bad"]);
  t.not(r.status, 0);
  t.match(r.stderr, /set sysctl net\.ipv4\.no_such_sysctl_here=1/);
  const { x, trace } = readTrace(file);
  const failed = x.find((e) => e.name === "set sysctl net.ipv4.no_such_sysctl_here=1")!;
  t.ok(failed, "the failed step is in the trace");
  t.match(failed.args, { field: "linux.sysctl.net.ipv4.no_such_sysctl_here", error: /ENOENT/ });
  t.ok(trace.traceEvents.some((e) => e.ph === "i" && e.name === "failed: set sysctl net.ipv4.no_such_sysctl_here=1"), "with a marker");
  t.match(x.find((e) => e.name === "rongqi create")!.args, { error: /set sysctl/ }, "the command is marked failed");
  t.ok(x.some((e) => e.name === "undo: remove the state directory"), "the undo is traced");
  t.same(readdirSync(b.root), [], "nothing left behind");
});

t.test("a failed hook is marked with its error", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.hooks = { prestart: [{ path: "/bin/false" }] };
  });
  t.teardown(() => cleanup(b));
  const file = join(b.dir, "hook.json");
  const r = rongqi(b.root, ["create", "--trace", file, "-b", b.bundle, "hk"]);
  t.not(r.status, 0);
  const { x } = readTrace(file);
  const hook = x.find((e) => e.name === "run prestart hook /bin/false")!;
  t.match(hook, { cat: "hook", args: { field: "hooks.prestart[0]", path: "/bin/false", error: /exit status 1/ } });
  t.match(x.find((e) => e.name === "runtime: run prestart and createRuntime hooks")!.args, { error: /hooks\.prestart\[0\]/ });
});

t.test("create --trace then delete --trace", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  const c = join(b.dir, "create.json");
  const d = join(b.dir, "delete.json");
  t.equal(rongqi(b.root, ["create", "--trace", c, "-b", b.bundle, "cd"]).status, 0);
  const created = readTrace(c);
  t.ok(created.x.some((e) => e.name === "write state.json (created)"));
  t.ok(created.x.some((e) => e.name.startsWith("find the executable")), "up to the last step before created");
  const r = rongqi(b.root, ["delete", "--trace", d, "--force", "cd"]);
  t.equal(r.status, 0, r.stderr);
  const { x, names } = readTrace(d);
  t.equal(names.size, 1, "delete runs only in the runtime");
  const own = x.map((e) => e.name);
  for (const step of ["rongqi delete", "lock the container", "read state.json", "remove the state directory"]) t.ok(own.includes(step), step);
  t.ok(own.some((n) => /^kill (and reap pid \d+|what is left in the cgroup)/.test(n)), "the kill");
  t.ok(Math.min(...x.map((e) => e.ts!)) > Math.max(...created.x.map((e) => e.ts! + e.dur!)), "both on one clock: delete comes after create");
});

t.test("explain lists create's steps with their fields and changes nothing", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.hooks = { prestart: [{ path: "/bin/true" }], createRuntime: [{ path: "/bin/echo", args: ["echo", "x"] }], poststart: [{ path: "/bin/true" }] };
  });
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["explain", "--bundle", b.bundle]);
  t.equal(r.status, 0, r.stderr);
  t.notOk(existsSync(b.root), "no state root made");
  const lines = r.stdout.trimEnd().split("\n");
  t.match(lines[0], /^\s*#\s+BY\s+STEP\s+FIELD\s+SYSCALL\s+PATH$/);
  t.ok(lines.some((l) => /^\s*\d+\s+container\s+mount proc on \/proc.*mounts\[0\]\s+mount\s+\/proc$/.test(l)), "a mount with its field");
  t.ok(lines.some((l) => /^\s*\d+\s+container\s+pivot_root into the rootfs\s.*pivot_root/.test(l)), "pivot_root");
  t.ok(lines.some((l) => l.includes('on "rongqi start":')), "the start phase is marked");

  const steps = explainSteps(b);
  t.same(steps.map((s) => s.n), steps.map((_, i) => i + 1), "numbered in order");
  const at = (step: string) => steps.findIndex((s) => s.step === step);
  const sync = at("run prestart and createRuntime hooks");
  t.same(steps.slice(sync, sync + 3).map((s) => [s.by, s.step, s.field]), [
    ["container", "run prestart and createRuntime hooks", undefined],
    ["runtime", "run prestart hook /bin/true", "hooks.prestart[0]"],
    ["runtime", "run createRuntime hook /bin/echo", "hooks.createRuntime[0]"],
  ], "the runtime's hooks at their SYNC point");
  t.ok(at("fork the container process") < at("mount proc on /proc (mounts[0])"));
  t.equal(steps.at(-1)!.step, "run poststart hook /bin/true");
  t.equal(steps.at(-1)!.phase, "start");
  t.equal(steps[at("execute /bin/true")]!.phase, "start");
});

t.test("explain shows the uid and gid map writes of a user namespace, and --no-pivot", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.linux!.namespaces!.push({ type: "user" });
    c.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  });
  t.teardown(() => cleanup(b));
  const steps = explainSteps(b);
  const i = steps.findIndex((s) => s.step === "write uid and gid maps");
  t.same(steps.slice(i, i + 3).map((s) => [s.by, s.field]), [["helper", "linux.uidMappings"], ["runtime", "linux.uidMappings"], ["runtime", "linux.gidMappings"]]);
  const r = rongqi(b.root, ["explain", "--bundle", b.bundle, "--no-pivot"]);
  t.match(r.stdout, /chroot \(--no-pivot\)/);
  t.notMatch(r.stdout, /pivot_root into the rootfs/);
});

t.test("explain reports a bad config as create would", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.process!.cwd = "relative";
  });
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["explain", "--bundle", b.bundle]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\/cwd: "relative" is not an absolute path/);
  t.equal(r.stdout, "");
});

t.test("exec --trace: joining the container's namespaces and running the process, on their own tracks", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "te"]).status, 0);
  const file = join(b.dir, "exec.json");
  const r = rongqi(b.root, ["exec", "--trace", file, "te", "true"]);
  t.equal(r.status, 0, r.stderr);
  const { x, names } = readTrace(file);
  t.match([...names.values()].join("\n"), /^rongqi exec \(pid \d+\)$/m);
  t.match([...names.values()].join("\n"), /^exec'd process \(pid \d+\)$/m);
  t.ok(x.some((e) => e.name === "join the container's pid namespace"), "namespace joins are steps");
  t.ok(x.some((e) => e.name.startsWith("find the executable")), "up to the last step before execve (which reports no end)");
  const failed = join(b.dir, "failed.json");
  const bad = rongqi(b.root, ["exec", "--trace", failed, "--cwd", "/no/such/dir", "te", "true"]);
  t.equal(bad.status, 255);
  t.ok(readTrace(failed).x.some((e) => e.args && "error" in e.args), "the failed step carries its error");
});
