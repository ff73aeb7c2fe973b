import t from "tap";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recording } from "./_recorder.ts";
import type { ChromeTrace } from "./chrome_trace.ts";
import { span } from "./span.ts";
import { withTrace } from "./with_trace.ts";

const dir = mkdtempSync(join(tmpdir(), "rongqi-trace-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as ChromeTrace;

t.test("without a file: just runs the command", async (t) => {
  t.equal(await withTrace(undefined, "create", async () => {
    t.equal(recording(), undefined);
    return 5;
  }), 5);
});

t.test("writes the command, its steps and Node's start-up as Chrome trace JSON", async (t) => {
  const file = join(dir, "ok.json");
  const out = await withTrace(file, "create", async () => {
    span("step one", { cat: "state" }).end();
    return "done";
  });
  t.equal(out, "done");
  t.equal(recording(), undefined, "recording stopped");
  const trace = read(file);
  const x = trace.traceEvents.filter((e) => e.ph === "X");
  t.same(x.map((e) => e.name), ["node: start-up (V8 and Node bootstrap)", "node: load rongqi and parse the command line", "rongqi create", "step one"]);
  t.equal(x[0]!.pid, process.pid);
  const cmd = x[2]!;
  t.ok(x[3]!.ts! >= cmd.ts! && x[3]!.ts! + x[3]!.dur! <= cmd.ts! + cmd.dur!, "the step lies inside the command");
  t.ok(x[1]!.ts! + x[1]!.dur! <= cmd.ts! + 1, "start-up ends where the command starts");
  t.equal(trace.otherData["command"], "rongqi create");
});

t.test("a failed command still writes its trace, marked with the error", async (t) => {
  const file = join(dir, "fail.json");
  await t.rejects(withTrace(file, "delete", async () => {
    throw new Error("cannot delete container");
  }), { message: "cannot delete container" });
  const cmd = read(file).traceEvents.find((e) => e.name === "rongqi delete")!;
  t.same(cmd.args, { error: "cannot delete container" });
});

t.test("an unwritable trace file is a warning, not a failure of the command", async (t) => {
  const file = join(dir, "no/such/dir/t.json");
  t.equal(await withTrace(file, "create", async () => 1), 1);
  t.notOk(existsSync(file));
  await t.rejects(withTrace("", "create", async () => 1), { message: /--trace: needs a file name/ });
});
