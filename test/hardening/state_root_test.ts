// A full disk and a read-only state root: every command fails with a clear
// error naming the errno, nothing is left half-written (state.json is
// replaced atomically, a failed create removes what it made), and once
// space or write access is back everything works again.
import t, { type Test } from "tap";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi, type TestBundle } from "../_bundle.ts";
import { isClearFailure, settledLeftovers, stateOf, uniqueId, waitFor } from "./_harness.ts";

/** A bundle whose state root is a small tmpfs of its own, unmounted at teardown. */
function withTinyRoot(t: Test): TestBundle {
  const b = makeBundle(["sleep", "100"]);
  mkdirSync(b.root);
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k,mode=0700", "rongqi-test-state", b.root]);
  t.teardown(() => {
    try {
      execFileSync("mount", ["-o", "remount,rw", b.root]);
    } catch {
      // not mounted
    }
    for (const id of readdirSync(b.root)) rongqi(b.root, ["delete", "--force", id]);
    try {
      execFileSync("umount", [b.root]);
    } catch {
      // already gone
    }
    cleanup(b);
  });
  return b;
}

/** The leftovers but the test's own state root mount. */
async function left(b: TestBundle, ids: string[]): Promise<string[]> {
  return (await settledLeftovers(b, ids)).filter((l) => l !== `mount ${b.root}`);
}

/** Fills the filesystem holding `dir` until the kernel says ENOSPC. */
function fill(dir: string): string {
  const filler = join(dir, "filler");
  try {
    writeFileSync(filler, Buffer.alloc(64 << 20));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  }
  return filler;
}

/** Temporary files of atomic writes left in any container's directory. */
function halfWritten(root: string): string[] {
  return readdirSync(root, { recursive: true }).map(String).filter((f) => f.includes(".tmp-"));
}

t.test("a full disk: clear ENOSPC errors, nothing half-written, all well once there is space", async (t) => {
  const b = withTinyRoot(t);
  const before = uniqueId("before");
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, before]).status, 0, "a container created while there was space");
  const filler = fill(b.root);

  const id = uniqueId("full");
  const c = rongqi(b.root, ["create", "-b", b.bundle, id]);
  t.ok(isClearFailure(c), `create fails clearly: ${c.stderr.trim()}`);
  t.match(c.stderr, /ENOSPC/);
  t.notOk(existsSync(join(b.root, id)), "no state directory of the failed create");

  t.equal(stateOf(b.root, before).status, "created", "state reads the existing container");
  const s = rongqi(b.root, ["start", before]);
  // start records itself before it releases the process: on a full disk it fails with the container still created
  t.ok(isClearFailure(s) && /ENOSPC/.test(s.stderr), `start fails clearly: ${s.stderr.trim()}`);
  t.equal(stateOf(b.root, before).status, "created", "and the container is still created");
  t.same(halfWritten(b.root), [], "no temporary file left behind");
  rmSync(filler);
  t.equal(rongqi(b.root, ["start", before]).status, 0, "with space, start works");
  fill(b.root);
  await waitFor("running", () => stateOf(b.root, before).status === "running");
  t.equal(rongqi(b.root, ["kill", before, "KILL"]).status, 0, "kill works on a full disk");
  await waitFor("stopped", () => stateOf(b.root, before).status === "stopped");
  t.same(halfWritten(b.root), [], "no temporary file left behind");
  const d = rongqi(b.root, ["delete", before]);
  t.equal(d.status, 0, `delete works on a full disk ${d.stderr}`);

  rmSync(filler);
  const again = rongqi(b.root, ["run", "-d", "-b", b.bundle, id]);
  t.equal(again.status, 0, `with space again, the same id works: ${again.stderr}`);
  t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
  t.same(readdirSync(b.root), [], "the root is empty");
  t.same(await left(b, [before, id]), []);
});

t.test("a read-only state root: clear EROFS errors, no change, all well once writable", async (t) => {
  const b = withTinyRoot(t);
  const running = uniqueId("ro-run");
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, running]).status, 0);
  const waiting = uniqueId("ro-created");
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, waiting]).status, 0);
  execFileSync("mount", ["-o", "remount,ro", b.root]);
  const s = rongqi(b.root, ["start", waiting]);
  t.ok(isClearFailure(s) && /EROFS/.test(s.stderr), `start fails clearly: ${s.stderr.trim()}`);
  t.equal(stateOf(b.root, waiting).status, "created", "and the container is still created");

  const id = uniqueId("ro");
  const c = rongqi(b.root, ["create", "-b", b.bundle, id]);
  t.ok(isClearFailure(c), `create fails clearly: ${c.stderr.trim()}`);
  t.match(c.stderr, /EROFS/);
  t.equal(stateOf(b.root, running).status, "running", "state works");
  t.same(rongqi(b.root, ["list", "-q"]).stdout.trim().split("\n").sort(), [running, waiting].sort(), "list works");
  const d = rongqi(b.root, ["delete", "--force", running]);
  t.ok(isClearFailure(d), `delete fails clearly: ${d.stderr.trim()}`);
  t.match(d.stderr, /EROFS/);
  t.ok(existsSync(join(b.root, running, "state.json")), "the record is intact");

  execFileSync("mount", ["-o", "remount,rw", b.root]);
  const d2 = rongqi(b.root, ["delete", "--force", running]);
  t.equal(d2.status, 0, `delete works once writable: ${d2.stderr}`);
  t.equal(rongqi(b.root, ["start", waiting]).status, 0, "start works once writable");
  t.equal(rongqi(b.root, ["delete", "--force", waiting]).status, 0);
  t.same(readdirSync(b.root), []);
  t.same(await left(b, [running, waiting, id]), []);
});
