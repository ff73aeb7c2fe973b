// rongqi-init and file descriptors: the exec fifo (created -> start),
// preserved fds, CLOSE_FROM, and a runtime that exits while the helper waits.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import type { Op } from "./protocol.ts";
import { runHelper } from "./run_helper.ts";
import { alive, collect, EPIPE, gone, killQuietly, removeDir, runCaptured, tempDir } from "./_testing.ts";

const node = process.execPath;
const runHelperUrl = new URL("./run_helper.ts", import.meta.url).href;

function fifoIn(dir: string): string {
  const path = join(dir, "exec.fifo");
  execFileSync("mkfifo", ["-m", "600", path]);
  return path;
}

const waitForStart = (fifo: string, tail: Op[]): Op[] => [
  { op: "openFifo", path: fifo },
  { op: "notify", tag: 100 },
  { op: "waitStart" },
  ...tail,
];

t.test("OPEN_FIFO + NOTIFY + WAIT_START: created, then started by a byte", async (t) => {
  const dir = tempDir("fifo");
  let pid: number | undefined;
  t.teardown(() => (killQuietly(pid), removeDir(dir)));
  const fifo = fifoIn(dir);
  let stdout!: Promise<string>;
  const out = await runHelper({
    stdio: ["ignore", "pipe", "ignore"],
    ops: waitForStart(fifo, [{ op: "resolveExec", file: "sh", path: "" }, { op: "exec", argv: ["sh", "-c", "echo started"], env: [] }]),
    stopAtNotify: [100],
    onSpawn: (child) => void (stdout = collect(child.stdout)),
  });
  pid = out.helperPid;
  t.match(out, { kind: "notified", tag: 100 });
  await new Promise((r) => setTimeout(r, 100));
  t.ok(alive(pid), "the helper waits");
  const w = openSync(fifo, "w");
  writeFileSync(w, "0");
  closeSync(w);
  t.equal(await stdout, "started\n");
  t.ok(await gone(pid));
});

t.test("WAIT_START: the fifo closed without a byte is EPIPE", async (t) => {
  const dir = tempDir("fifo");
  t.teardown(() => removeDir(dir));
  const fifo = fifoIn(dir);
  const r = await runCaptured({
    ops: waitForStart(fifo, [{ op: "resolveExec", file: "true", path: "" }, { op: "exec", argv: ["true"], env: [] }]),
    onNotify: () => closeSync(openSync(fifo, "w")),
  });
  t.match(r.outcome, { kind: "error", opIndex: 2, errno: EPIPE });
});

// A script run in its own Node process, so that it controls fds 3.. and can exit.
function script(dir: string, body: string): string {
  const path = join(dir, "script.ts");
  writeFileSync(path, `import { runHelper } from ${JSON.stringify(runHelperUrl)};\n${body}`);
  return path;
}

function runNode(path: string, stdio: (number | "pipe" | "ignore" | "inherit")[]): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = Date.now();
  const child = spawn(node, [path], { stdio });
  const stdout = collect(child.stdout);
  return new Promise((resolve) => child.on("exit", async (code) => resolve({ code, stdout: await stdout, ms: Date.now() - started })));
}

t.test("preserved fds arrive at 3..; CLOSE_FROM hides the rest; the socket is not inherited", async (t) => {
  const dir = tempDir("fds");
  t.teardown(() => removeDir(dir));
  writeFileSync(join(dir, "a"), "");
  writeFileSync(join(dir, "b"), "");
  const fa = openSync(join(dir, "a"), "r");
  const fb = openSync(join(dir, "b"), "r");
  t.teardown(() => (closeSync(fa), closeSync(fb)));
  const check = "for fd in 3 4 5 1000; do readlink /proc/self/fd/$fd || echo closed; done";
  const path = script(dir, `
const plan = (extra) => [...extra, { op: "resolveExec", file: "sh", path: "" }, { op: "exec", argv: ["sh", "-c", ${JSON.stringify(check)}], env: [] }];
for (const extra of [[], [{ op: "closeFrom", first: 4 }]]) {
  const out = await runHelper({ ops: plan(extra), preserveFds: 2, stdio: ["ignore", "inherit", "inherit"] });
  if (out.child.exitCode === null) await new Promise((r) => out.child.on("exit", r));
  console.log("--");
}
`);
  const r = await runNode(path, ["ignore", "pipe", "inherit", fa, fb]);
  t.equal(r.code, 0);
  const [all, closed] = r.stdout.split("--\n");
  t.equal(all, `${join(dir, "a")}\n${join(dir, "b")}\nclosed\nclosed\n`, "3 and 4 preserved; 5 (the socket's number) and 1000 closed");
  t.equal(closed, `${join(dir, "a")}\nclosed\nclosed\nclosed\n`, "CLOSE_FROM 4 closes 4 at exec");
});

t.test("the runtime exits after `notified` while the helper waits; start still works", async (t) => {
  const dir = tempDir("detach");
  let pid = 0;
  t.teardown(() => (killQuietly(pid || undefined), removeDir(dir)));
  const fifo = fifoIn(dir);
  const done = join(dir, "done");
  const ops = waitForStart(fifo, [
    { op: "resolveExec", file: "sh", path: "" },
    { op: "exec", argv: ["sh", "-c", `echo ran > ${done}`], env: [] },
  ]);
  const path = script(dir, `
const out = await runHelper({ ops: ${JSON.stringify(ops)}, stopAtNotify: [100], stdio: ["ignore", "ignore", "ignore"] });
console.log(out.kind, out.helperPid);
`);
  const r = await runNode(path, ["ignore", "pipe", "inherit"]);
  const [kind, helper] = r.stdout.trim().split(" ");
  pid = Number(helper);
  t.equal(kind, "notified");
  t.equal(r.code, 0);
  t.ok(r.ms < 3000, `the runtime process exited by itself (${r.ms} ms)`);
  t.ok(alive(pid), "the helper still waits");
  const w = openSync(fifo, "w");
  writeFileSync(w, "0");
  closeSync(w);
  t.ok(await gone(pid), "it ran to the end");
  t.equal(readFileSync(done, "utf8"), "ran\n");
});
