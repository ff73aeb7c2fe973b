// The runtime killed with SIGKILL at every fault point of create, start,
// exec and delete (RONGQI_TEST_FAULT=<point>, see src/state/_fault.ts).
// Afterwards `state` tells the truth and `delete --force` removes
// everything: no state file, fifo, socket, mount, process or cgroup of the
// container remains. The first test makes sure every fault point in the
// sources is exercised here, so a new point cannot go untested.
import t from "tap";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi, TOP } from "../_bundle.ts";
import type { Config } from "../../src/spec/types/config.ts";
import { settledLeftovers, stateOf, uniqueId, waitFor } from "./_harness.ts";

const CREATE = ["create:dir", "create:record", "create:fifo", "create:sync1", "create:sync2", "create:cgroup", "create:pid", "create:sync3", "create:created", "create:pidfile"];
const START = ["start:locked", "start:released", "start:recorded"];
const EXEC = ["exec:cgroup", "exec:pid", "exec:ran"];
const DELETE = ["delete:locked", "delete:cgroup", "delete:killed", "delete:hooks"];

const fault = (point: string) => ({ env: { ...process.env, RONGQI_TEST_FAULT: point } });

const userns = (c: Config) => {
  c.linux!.namespaces!.push({ type: "user" });
  c.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
  c.linux!.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
};

/** What `state` says, or "absent" when the container is unknown. */
function statusOf(root: string, id: string): string {
  const r = rongqi(root, ["state", id]);
  if (r.status !== 0) {
    if (/does not exist/.test(r.stderr)) return "absent";
    throw new Error(`state: ${r.stderr}`);
  }
  return (JSON.parse(r.stdout) as { status: string }).status;
}

t.test("every fault point in the sources is tested here", async (t) => {
  const points = new Set<string>();
  for (const dir of ["src/state", "src/linux", "cmd"]) {
    for (const f of readdirSync(join(TOP, dir), { recursive: true }) as string[]) {
      if (!f.endsWith(".ts") || f.endsWith("_test.ts")) continue;
      const text = readFileSync(join(TOP, dir, f), "utf8");
      for (const m of text.matchAll(/faultPoint\(["`]([^"`]+)["`]\)/g)) {
        const p = m[1]!;
        if (p.includes("${tag}")) for (const tag of [1, 2, 3]) points.add(p.replace("${tag}", String(tag)));
        else points.add(p);
      }
    }
  }
  const tested = new Set([...CREATE, ...START, ...EXEC, ...DELETE]);
  t.same([...points].filter((p) => !tested.has(p)), [], "fault points without a test");
  t.same([...tested].filter((p) => !points.has(p)), [], "tested points the sources no longer have");
});

for (const point of CREATE) {
  t.test(`create killed at ${point}`, async (t) => {
    const id = uniqueId(point.replace(":", "-"));
    const b = makeBundle(["sleep", "100"], point === "create:sync1" ? userns : undefined);
    t.teardown(() => cleanup(b));
    const r = rongqi(b.root, ["create", "--pid-file", join(b.dir, "pid"), "-b", b.bundle, id], fault(point));
    t.equal(r.signal, "SIGKILL", "the runtime was killed there");
    // Only a process that reached the fifo can still be waiting; anything earlier died with the runtime.
    const waiting = point === "create:created" || point === "create:pidfile";
    const status = statusOf(b.root, id);
    t.ok(waiting ? status === "created" : ["stopped", "absent"].includes(status), `state says ${status}`);
    if (waiting) t.equal(rongqi(b.root, ["start", id]).status, 0, "a created container that survived starts");
    const d = rongqi(b.root, ["delete", "--force", id]);
    t.equal(d.status, 0, d.stderr);
    t.equal(statusOf(b.root, id), "absent");
    t.same(await settledLeftovers(b, [id]), [], "nothing left");
  });
}

for (const point of START) {
  t.test(`start killed at ${point}`, async (t) => {
    const id = uniqueId(point.replace(":", "-"));
    const b = makeBundle(["sleep", "100"]);
    t.teardown(() => cleanup(b));
    t.equal(rongqi(b.root, ["create", "-b", b.bundle, id]).status, 0);
    t.equal(rongqi(b.root, ["start", id], fault(point)).signal, "SIGKILL");
    if (point === "start:locked" || point === "start:recorded") {
      t.equal(statusOf(b.root, id), "created", "not released: still created");
      t.equal(rongqi(b.root, ["start", id]).status, 0, "and a second start works");
    }
    await waitFor("running", () => statusOf(b.root, id) === "running");
    t.pass("state says running: derived from the process, whatever start wrote");
    t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
    t.same(await settledLeftovers(b, [id]), [], "nothing left");
  });
}

for (const point of EXEC) {
  t.test(`exec killed at ${point}`, async (t) => {
    const id = uniqueId(point.replace(":", "-"));
    const b = makeBundle(["sleep", "100"]);
    t.teardown(() => cleanup(b));
    t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, id]).status, 0);
    const r = rongqi(b.root, ["exec", "-d", id, "sleep", "200"], fault(point));
    t.equal(r.signal, "SIGKILL");
    t.equal(stateOf(b.root, id).status, "running", "the container runs on");
    t.equal(rongqi(b.root, ["exec", id, "true"]).status, 0, "and takes another exec");
    t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
    t.same(await settledLeftovers(b, [id]), [], "nothing left, the exec'd process included");
  });
}

for (const point of DELETE) {
  t.test(`delete killed at ${point}`, async (t) => {
    const id = uniqueId(point.replace(":", "-"));
    const b = makeBundle(["sleep", "100"]);
    t.teardown(() => cleanup(b));
    t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, id]).status, 0);
    const pid = stateOf(b.root, id).pid;
    t.equal(rongqi(b.root, ["delete", "--force", id], fault(point)).signal, "SIGKILL");
    const status = statusOf(b.root, id);
    t.equal(status, point === "delete:locked" ? "running" : "stopped", `state says ${status}`);
    if (status === "stopped") t.notOk(existsPid(pid), "the process is gone");
    const d = rongqi(b.root, ["delete", "--force", id]);
    t.equal(d.status, 0, d.stderr);
    t.same(await settledLeftovers(b, [id]), [], "nothing left");
  });
}

function existsPid(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}
