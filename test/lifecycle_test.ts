// The OCI lifecycle on real containers: create, start, state, kill, delete,
// run and list, their order and their errors.
import t from "tap";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi, rongqiAsync } from "./_bundle.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stateOf(root: string, id: string) {
  const r = rongqi(root, ["state", id]);
  if (r.status !== 0) throw new Error(`state ${id} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ociVersion: string; id: string; status: string; pid: number; bundle: string; annotations?: Record<string, string> };
}

t.test("run of /bin/true exits 0 and leaves nothing", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "--bundle", b.bundle, "c1"]);
  t.equal(r.stderr, "");
  t.equal(r.status, 0);
  t.same(readdirSync(b.root), [], "state removed after a foreground run");
});

t.test("run exits with the container's status, 128+N for a signal", async (t) => {
  const b = makeBundle(["sh", "-c", "exit 3"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-b", b.bundle, "c3"]).status, 3);
  // pid 1 of a pid namespace cannot be killed from inside: kill it from outside.
  b.config.process!.args = ["sleep", "100"];
  b.save();
  const child = rongqiAsync(b.root, ["run", "-b", b.bundle, "c9"]);
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  await waitFor("running", () => rongqi(b.root, ["state", "c9"]).stdout.includes('"running"'));
  t.equal(rongqi(b.root, ["kill", "c9", "KILL"]).status, 0);
  t.equal(await exited, 137);
  t.same(readdirSync(b.root), [], "state removed after the run ended");
});

t.test("a foreground run forwards signals to the container", async (t) => {
  const b = makeBundle(["sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"]);
  t.teardown(() => cleanup(b));
  const child = rongqiAsync(b.root, ["run", "-b", b.bundle, "fw"]);
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  await waitFor("running", () => rongqi(b.root, ["state", "fw"]).stdout.includes('"running"'));
  await sleep(100);
  child.kill("SIGTERM");
  t.equal(await exited, 42, "the container's trap ran and its status came back");
});

t.test("create, state, start, kill, delete in order", async (t) => {
  const b = makeBundle(["sh", "-c", "echo started; exec sleep 100"], (c) => {
    c.annotations = { "org.example.key": "value" };
  });
  t.teardown(() => cleanup(b));
  const pidFile = join(b.dir, "pid");
  const c = rongqi(b.root, ["create", "--bundle", b.bundle, "--pid-file", pidFile, "life"]);
  t.equal(c.status, 0, c.stderr);
  let st = stateOf(b.root, "life");
  t.equal(st.status, "created");
  t.equal(st.id, "life");
  t.equal(st.bundle, b.bundle);
  t.ok(st.pid > 0);
  t.same(st.annotations, { "org.example.key": "value" });
  t.equal(readFileSync(pidFile, "utf8"), String(st.pid), "pid file holds the container pid");
  t.equal(readFileSync(c.outFile, "utf8"), "", "the program has not run before start");

  const again = rongqi(b.root, ["create", "--bundle", b.bundle, "life"]);
  t.not(again.status, 0);
  t.match(again.stderr, /already exists/);

  const s = rongqi(b.root, ["start", "life"]);
  t.equal(s.status, 0, s.stderr);
  await waitFor("output", () => readFileSync(c.outFile, "utf8") === "started\n");
  st = stateOf(b.root, "life");
  t.equal(st.status, "running");

  const s2 = rongqi(b.root, ["start", "life"]);
  t.not(s2.status, 0, "start of a running container fails");
  t.match(s2.stderr, /cannot start a container that is running/);

  const d = rongqi(b.root, ["delete", "life"]);
  t.not(d.status, 0, "delete of a running container fails");
  t.match(d.stderr, /running/);
  t.equal(stateOf(b.root, "life").status, "running", "the failed delete changed nothing");

  t.equal(rongqi(b.root, ["kill", "life", "KILL"]).status, 0);
  await waitFor("stopped", () => stateOf(b.root, "life").status === "stopped");
  const k = rongqi(b.root, ["kill", "life", "TERM"]);
  t.not(k.status, 0, "kill of a stopped container fails");
  t.equal(rongqi(b.root, ["delete", "life"]).status, 0);
  t.notOk(existsSync(join(b.root, "life")), "state directory removed");
  const gone = rongqi(b.root, ["state", "life"]);
  t.not(gone.status, 0);
  t.match(gone.stderr, /does not exist/);
});

t.test("kill accepts names and numbers and delete --force stops a running container", async (t) => {
  const b = makeBundle(["sh", "-c", "trap 'echo got-term; exit 7' TERM; while true; do sleep 0.1; done"]);
  t.teardown(() => cleanup(b));
  const c = rongqi(b.root, ["create", "-b", b.bundle, "k"]);
  t.equal(c.status, 0, c.stderr);
  t.equal(rongqi(b.root, ["start", "k"]).status, 0);
  await sleep(200);
  t.equal(rongqi(b.root, ["kill", "k", "15"]).status, 0);
  await waitFor("trap output", () => readFileSync(c.outFile, "utf8").includes("got-term"));
  await waitFor("stopped", () => stateOf(b.root, "k").status === "stopped");

  const c2 = rongqi(b.root, ["create", "-b", b.bundle, "k2"]);
  t.equal(c2.status, 0, c2.stderr);
  t.equal(rongqi(b.root, ["start", "k2"]).status, 0);
  const pid = stateOf(b.root, "k2").pid;
  const bad = rongqi(b.root, ["kill", "k2", "NOSUCHSIG"]);
  t.not(bad.status, 0);
  t.match(bad.stderr, /signal/i);
  t.equal(rongqi(b.root, ["delete", "--force", "k2"]).status, 0);
  t.notOk(existsSync(`/proc/${pid}/stat`) && readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z", "process gone");
  t.notOk(existsSync(join(b.root, "k2")));
});

t.test("delete of a created container kills its waiting process", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, "w"]).status, 0);
  const pid = stateOf(b.root, "w").pid;
  t.ok(existsSync(`/proc/${pid}`));
  t.equal(rongqi(b.root, ["delete", "w"]).status, 0);
  await waitFor("process gone", () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "));
});

t.test("errors: unknown id, invalid id, missing bundle", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  for (const cmd of [["start", "nope"], ["state", "nope"], ["kill", "nope"], ["delete", "nope"]]) {
    const r = rongqi(b.root, cmd);
    t.not(r.status, 0, `${cmd[0]} of an unknown id fails`);
    t.match(r.stderr, /container "nope" does not exist/);
  }
  for (const id of ["../evil", "a/b", ".."]) {
    const r = rongqi(b.root, ["create", "-b", b.bundle, id]);
    t.not(r.status, 0);
    t.match(r.stderr, /invalid container id/);
  }
  const r = rongqi(b.root, ["create", "-b", join(b.dir, "missing"), "m"]);
  t.not(r.status, 0);
  t.match(r.stderr, /missing/);
  t.notOk(existsSync(join(b.root, "m")), "nothing left");
});

t.test("list shows containers with their status", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, "l1"]).status, 0);
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, "l2"]).status, 0);
  t.equal(rongqi(b.root, ["start", "l2"]).status, 0);
  const json = JSON.parse(rongqi(b.root, ["list", "--format", "json"]).stdout) as { id: string; status: string }[];
  t.same(json.map((c) => [c.id, c.status]), [["l1", "created"], ["l2", "running"]]);
  t.equal(rongqi(b.root, ["list", "-q"]).stdout, "l1\nl2\n");
  const table = rongqi(b.root, ["list"]).stdout;
  t.match(table, /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER/);
  t.match(table, /l2\s+\d+\s+running/);
});
