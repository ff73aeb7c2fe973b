import t, { type Test } from "tap";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createContainerDir } from "./create_container_dir.ts";
import { lockContainer, withContainerLock } from "./lock_container.ts";

const worker = fileURLToPath(new URL("./testdata/lock_worker.ts", import.meta.url));

function tempRoot(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-lock-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Worker {
  child: ChildProcess;
  output: () => string;
  waitFor: (line: string) => Promise<void>;
  done: Promise<number | null>;
}

function startWorker(t: Test, args: string[]): Worker {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  t.teardown(() => child.kill("SIGKILL"));
  let out = "";
  const waiters: (() => void)[] = [];
  child.stdout!.on("data", (d: Buffer) => {
    out += d;
    waiters.splice(0).forEach((w) => w());
  });
  const done = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.split("\n").includes(line) ? resolve() : waiters.push(check));
      check();
      void done.then(() => reject(new Error(`worker exited before "${line}": ${out}`)));
    });
  return { child, output: () => out, waitFor, done };
}

t.test("lock and release; the lock conflicts even within one process", (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const lock = lockContainer(root, "c");
  t.equal(lock.dir, join(root, "c"));
  t.type(lock.fd, "number");
  const started = Date.now();
  t.throws(() => lockContainer(root, "c", { timeoutMs: 150 }), {
    message: `container "c" is busy: another rongqi command held its lock for 0.15s (lock on "${join(root, "c")}")`,
  });
  t.ok(Date.now() - started >= 150, "waited for the timeout");
  lock.release();
  lock.release();
  lockContainer(root, "c", { timeoutMs: 0 }).release();
  t.end();
});

t.test("a missing container or root does not exist; a bad id is refused", (t) => {
  const root = tempRoot(t);
  t.throws(() => lockContainer(root, "nope"), { message: 'container "nope" does not exist' });
  t.throws(() => lockContainer(join(root, "no-root"), "nope"), { message: 'container "nope" does not exist' });
  t.throws(() => lockContainer(root, ".."), { message: /^invalid container id "\.\."/ });
  t.end();
});

t.test("waits for another process, and times out clearly", async (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const holder = startWorker(t, ["hold", root, "c"]);
  await holder.waitFor("locked");
  t.throws(() => lockContainer(root, "c", { timeoutMs: 200 }), { message: /^container "c" is busy/ });
  setTimeout(() => holder.child.stdin!.end(), 200);
  // The sync wait blocks this event loop: let the holder go from a timer first.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const lock = lockContainer(root, "c", { timeoutMs: 5000 });
  t.pass("acquired once the holder released it");
  lock.release();
  await holder.done;
});

t.test("a container deleted while we waited does not exist", async (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const holder = startWorker(t, ["hold", root, "c", "remove"]);
  await holder.waitFor("locked");
  const waiter = startWorker(t, ["serial", root, "c", join(root, "log"), "0"]);
  await waiter.waitFor("start");
  await new Promise((resolve) => setTimeout(resolve, 150)); // the waiter now polls the lock
  holder.child.stdin!.end();
  t.equal(await waiter.done, 1);
  t.equal(waiter.output(), 'start\ncontainer "c" does not exist\n');
  await holder.done;
});

t.test("a container deleted and created again is locked afresh", async (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const before = statSync(join(root, "c")).ino;
  const holder = startWorker(t, ["hold", root, "c", "recreate"]);
  await holder.waitFor("locked");
  const waiter = startWorker(t, ["serial", root, "c", join(root, "log"), "0"]);
  await waiter.waitFor("start");
  await new Promise((resolve) => setTimeout(resolve, 150));
  holder.child.stdin!.end();
  t.equal(await waiter.done, 0, waiter.output());
  t.not(statSync(join(root, "c")).ino, before, "it was a new directory");
  t.match(readFileSync(join(root, "log"), "utf8"), /^begin \d+\nend \d+\n$/);
  await holder.done;
});

t.test("the lock serialises several processes", async (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const log = join(root, "log");
  const workers = Array.from({ length: 6 }, () => startWorker(t, ["serial", root, "c", log, "40"]));
  t.same(await Promise.all(workers.map((w) => w.done)), [0, 0, 0, 0, 0, 0]);
  const lines = readFileSync(log, "utf8").trim().split("\n");
  t.same(workers.map((w) => w.output()), Array(6).fill("start\n"));
  t.equal(lines.length, 12);
  for (let i = 0; i < lines.length; i += 2) {
    const pid = lines[i]!.split(" ")[1];
    t.same([lines[i], lines[i + 1]], [`begin ${pid}`, `end ${pid}`], "no two holders overlap");
  }
});

t.test("withContainerLock releases after fn, after a throw, and after an async fn settles", async (t) => {
  const root = tempRoot(t);
  createContainerDir(root, "c");
  const free = () => {
    try {
      lockContainer(root, "c", { timeoutMs: 0 }).release();
      return true;
    } catch {
      return false;
    }
  };
  t.equal(withContainerLock(root, "c", (lock) => (free() ? "free" : `held ${lock.dir}`)), `held ${join(root, "c")}`);
  t.ok(free());
  t.throws(() => withContainerLock(root, "c", () => { throw new Error("boom"); }), { message: "boom" });
  t.ok(free());
  let release!: () => void;
  const pending = withContainerLock(root, "c", () => new Promise<void>((resolve) => (release = resolve)));
  t.notOk(free(), "held while the promise is pending");
  release();
  await pending;
  t.ok(free());
  await t.rejects(withContainerLock(root, "c", async () => { throw new Error("async boom"); }), { message: "async boom" });
  t.ok(free());
});
