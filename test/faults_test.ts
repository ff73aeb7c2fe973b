// A runtime killed with SIGKILL at each stage of create, start and delete:
// afterwards `state` tells the truth and `delete --force` removes everything.
import t from "tap";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi } from "./_bundle.ts";

function processesUsing(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      const env = readFileSync(`/proc/${p}/environ`, "utf8");
      if (cmd.includes(dir) || env.includes(dir)) out.push(Number(p));
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

const CREATE_POINTS = ["create:dir", "create:sync1", "create:sync2", "create:pid", "create:sync3", "create:created"];

for (const point of CREATE_POINTS) {
  t.test(`create killed at ${point}`, async (t) => {
    const b = makeBundle(["sleep", "100"], (c) => {
      if (point === "create:sync1") {
        c.linux!.namespaces!.push({ type: "user" });
        c.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
        c.linux!.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
      }
    });
    t.teardown(() => cleanup(b));
    const r = rongqi(b.root, ["create", "-b", b.bundle, "f"], { env: { ...process.env, RONGQI_TEST_FAULT: point } });
    t.equal(r.signal, "SIGKILL", "the runtime was killed");
    const st = rongqi(b.root, ["state", "f"]);
    if (st.status === 0) {
      const status = JSON.parse(st.stdout).status as string;
      // Only a process that reached the fifo can still be waiting; anything earlier died with the runtime.
      t.ok(point === "create:created" ? status === "created" : status === "stopped", `state says ${status}`);
    }
    const pid = st.status === 0 ? JSON.parse(st.stdout).pid as number : 0;
    const d = rongqi(b.root, ["delete", "--force", "f"]);
    t.equal(d.status, 0, d.stderr);
    t.notOk(existsSync(join(b.root, "f")), "no state directory");
    if (pid) t.notOk(alive(pid), "container process gone");
    await new Promise((res) => setTimeout(res, 50));
    t.same(processesUsing(b.bundle).filter(alive), [], "no process of the container");
    t.notMatch(readFileSync("/proc/self/mountinfo", "utf8"), new RegExp(b.dir), "no mount left");
  });
}

t.test("start killed after releasing the process: the container runs, state says so", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, "s"]).status, 0);
  const r = rongqi(b.root, ["start", "s"], { env: { ...process.env, RONGQI_TEST_FAULT: "start:released" } });
  t.equal(r.signal, "SIGKILL");
  const end = Date.now() + 5000;
  let status = "";
  while (Date.now() < end && status !== "running") {
    status = JSON.parse(rongqi(b.root, ["state", "s"]).stdout).status;
    await new Promise((res) => setTimeout(res, 20));
  }
  t.equal(status, "running", "derived from the process, not from what start wrote");
  t.equal(rongqi(b.root, ["delete", "--force", "s"]).status, 0);
  t.notOk(existsSync(join(b.root, "s")));
});

t.test("delete killed after killing the process: a second delete finishes", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "d"]).status, 0);
  const pid = JSON.parse(rongqi(b.root, ["state", "d"]).stdout).pid as number;
  const r = rongqi(b.root, ["delete", "--force", "d"], { env: { ...process.env, RONGQI_TEST_FAULT: "delete:killed" } });
  t.equal(r.signal, "SIGKILL");
  t.notOk(alive(pid), "the container process was killed before the fault");
  t.equal(JSON.parse(rongqi(b.root, ["state", "d"]).stdout).status, "stopped");
  t.equal(rongqi(b.root, ["delete", "d"]).status, 0);
  t.notOk(existsSync(join(b.root, "d")));
});
