import t, { type Test } from "tap";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createContainerDir } from "./create_container_dir.ts";

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-state-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("creates the root (0700) and the container directory (0711) whatever the umask", (t) => {
  const root = join(tempDir(t), "a", "root");
  const old = process.umask(0o077);
  t.teardown(() => process.umask(old));
  t.equal(createContainerDir(root, "web"), join(root, "web"));
  t.equal(statSync(root).mode & 0o777, 0o700);
  t.equal(statSync(join(root, "web")).mode & 0o777, 0o711);
  t.end();
});

t.test("a second create of the same id fails; bad ids touch nothing", (t) => {
  const root = tempDir(t);
  createContainerDir(root, "web");
  t.throws(() => createContainerDir(root, "web"), { message: 'container "web" already exists' });
  t.throws(() => createContainerDir(join(root, "new"), "../escape"), { message: /^invalid container id "\.\.\/escape"/ });
  t.same(readdirSync(root), ["web"]);
  writeFileSync(join(root, "file"), "");
  t.throws(() => createContainerDir(join(root, "file"), "x"), { message: `the state root "${join(root, "file")}" is not a directory` });
  t.throws(() => createContainerDir(join(root, "file", "sub"), "x"), {
    message: `creating the state root "${join(root, "file", "sub")}": mkdir "${join(root, "file", "sub")}": ENOTDIR (Not a directory)`,
  });
  t.end();
});

t.test("of 20 processes creating the same id at once, exactly one wins", async (t) => {
  const root = join(tempDir(t), "root");
  const go = join(tempDir(t), "go");
  const worker = fileURLToPath(new URL("./testdata/create_worker.ts", import.meta.url));
  const runs = Array.from({ length: 20 }, () => {
    const child = spawn(process.execPath, [worker, root, "same", go], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    const ready = new Promise<void>((resolve) => child.stdout.on("data", () => out.includes("ready\n") && resolve()));
    const done = new Promise<string>((resolve) => child.once("exit", () => resolve(out.replace("ready\n", "").trim())));
    return { ready, done };
  });
  await Promise.all(runs.map((r) => r.ready));
  writeFileSync(go, "");
  const results = await Promise.all(runs.map((r) => r.done));
  t.equal(results.filter((r) => r === "won").length, 1, "one winner");
  t.equal(results.filter((r) => r === 'container "same" already exists').length, 19, "19 clear refusals");
  t.same(readdirSync(root), ["same"]);
});
