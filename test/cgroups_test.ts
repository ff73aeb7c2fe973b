// Cgroups on real containers: every resource this host can apply, read
// back from the host's cgroup files; limits that trigger (OOM kill, refused
// fork); pause and resume; update; events --stats and ps; kill --all;
// delete removing only what rongqi made, also after a crash. Every
// container's cgroupsPath is under /rongqi-test-cli-<pid>.
import t, { type Test } from "tap";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cgroupLayout } from "../src/linux/cgroups/cgroup_layout.ts";
import { defaultCgroupsPath } from "../src/linux/cgroups/plan_cgroup.ts";
import { cleanup, makeBundle, RONGQI, rongqi, type TestBundle } from "./_bundle.ts";

const layout = cgroupLayout();
const v1 = layout.version === 1;
const BASE = `/rongqi-test-cli-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The container's cgroup directory for a v1 subsystem, or the v2 one ("unified"). */
function cg(name: string, ctrl: string, base = BASE): string {
  const m = ctrl === "unified" || !v1 ? layout.unified! : layout.v1[ctrl]!;
  return join(m.mount, base, name);
}
const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8").trim();
/** every directory a container's cgroup has, for all hierarchies */
const allDirs = (name: string, base = BASE) => [...Object.keys(layout.v1), ...(layout.unified ? ["unified"] : [])].map((c) => cg(name, c, base));

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function status(b: TestBundle, id: string): string {
  const r = rongqi(b.root, ["state", id]);
  return r.status === 0 ? (JSON.parse(r.stdout) as { status: string }).status : "gone";
}

function bundle(t: Test, args: [string, ...string[]], name: string, resources: object, edit?: (c: TestBundle["config"]) => void): TestBundle {
  const b = makeBundle(args, (c) => {
    c.linux!.cgroupsPath = `${BASE}/${name}`;
    c.linux!.resources = resources;
    edit?.(c);
  });
  t.teardown(() => cleanup(b));
  return b;
}

t.teardown(() => {
  // the shared parent goes with the last container; anything left is a failure to find
  for (const d of allDirs("").map((d) => d.replace(/\/$/, ""))) if (existsSync(d)) rmdirSync(d);
});

t.test("each resource is applied to the container's cgroup", { skip: !v1 && "v1 host files" }, async (t) => {
  const disk = readdirSync("/sys/block").filter((n) => !/^(loop|zram|ram)/.test(n)).map((n) => read(`/sys/block/${n}`, "dev"))[0] ?? "7:0";
  const [major, minor] = disk.split(":").map(Number) as [number, number];
  const b = bundle(t, ["sleep", "100"], "res", {
    memory: { limit: 96 << 20, reservation: 48 << 20, swap: 128 << 20, swappiness: 20, kernelTCP: 8 << 20, disableOOMKiller: false },
    cpu: { shares: 256, quota: 30000, period: 100000, burst: 1000, idle: 0, cpus: "0", mems: "0", realtimePeriod: 1000000, realtimeRuntime: 5000 },
    pids: { limit: 33 },
    blockIO: { weight: 250, throttleReadBpsDevice: [{ major, minor, rate: 2097152 }], throttleWriteBpsDevice: [{ major, minor, rate: 1048576 }],
      throttleReadIOPSDevice: [{ major, minor, rate: 300 }], throttleWriteIOPSDevice: [{ major, minor, rate: 200 }] },
    devices: [{ allow: false, access: "rwm" }, { allow: true, type: "c", major: 10, minor: 229, access: "rwm" }],
    ...(layout.unified ? { unified: { "cgroup.max.descendants": "4" } } : {}),
  });
  const c = rongqi(b.root, ["create", "-b", b.bundle, "res"]);
  t.equal(c.status, 0, c.stderr);
  t.equal(read(cg("res", "memory"), "memory.limit_in_bytes"), String(96 << 20), "memory.limit");
  t.equal(read(cg("res", "memory"), "memory.soft_limit_in_bytes"), String(48 << 20), "memory.reservation");
  t.equal(read(cg("res", "memory"), "memory.memsw.limit_in_bytes"), String(128 << 20), "memory.swap");
  t.equal(read(cg("res", "memory"), "memory.swappiness"), "20", "memory.swappiness");
  t.equal(read(cg("res", "memory"), "memory.kmem.tcp.limit_in_bytes"), String(8 << 20), "memory.kernelTCP");
  t.match(read(cg("res", "memory"), "memory.oom_control"), /oom_kill_disable 0/, "OOM killer on");
  t.equal(read(cg("res", "cpu"), "cpu.shares"), "256", "cpu.shares");
  t.equal(read(cg("res", "cpu"), "cpu.cfs_quota_us"), "30000", "cpu.quota");
  t.equal(read(cg("res", "cpu"), "cpu.cfs_period_us"), "100000", "cpu.period");
  t.equal(read(cg("res", "cpu"), "cpu.cfs_burst_us"), "1000", "cpu.burst");
  t.equal(read(cg("res", "cpu"), "cpu.idle"), "0", "cpu.idle");
  t.equal(read(cg("res", "cpu"), "cpu.rt_period_us"), "1000000", "cpu.realtimePeriod");
  t.equal(read(cg("res", "cpu"), "cpu.rt_runtime_us"), "5000", "cpu.realtimeRuntime");
  t.equal(read(cg("res", "cpuset"), "cpuset.cpus"), "0", "cpu.cpus");
  t.equal(read(cg("res", "cpuset"), "cpuset.mems"), "0", "cpu.mems");
  t.equal(read(cg("res", "pids"), "pids.max"), "33", "pids.limit");
  const blkio = cg("res", "blkio");
  t.equal(read(blkio, existsSync(join(blkio, "blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight"), "250", "blockIO.weight");
  t.equal(read(blkio, "blkio.throttle.read_bps_device"), `${disk} 2097152`);
  t.equal(read(blkio, "blkio.throttle.write_bps_device"), `${disk} 1048576`);
  t.equal(read(blkio, "blkio.throttle.read_iops_device"), `${disk} 300`);
  t.equal(read(blkio, "blkio.throttle.write_iops_device"), `${disk} 200`);
  t.equal(read(cg("res", "devices"), "devices.list").split("\n")[0], "c 10:229 rwm", "devices");
  if (layout.unified) t.equal(read(cg("res", "unified"), "cgroup.max.descendants"), "4", "unified");

  t.equal(rongqi(b.root, ["start", "res"]).status, 0);
  const pid = (JSON.parse(rongqi(b.root, ["state", "res"]).stdout) as { pid: number }).pid;
  const own = readFileSync(`/proc/${pid}/cgroup`, "utf8");
  for (const ctrl of ["memory", "cpu", "pids", "devices", "freezer", "name=systemd"]) {
    t.match(own, new RegExp(`:${ctrl.replace("=", "=")}:${BASE}/res$`, "m"), `the container process is in its ${ctrl} cgroup`);
  }
  t.equal(rongqi(b.root, ["delete", "-f", "res"]).status, 0);
  for (const d of allDirs("res")) t.notOk(existsSync(d), `delete removed ${d}`);
});

t.test("a resource the host cannot apply fails create clearly and leaves nothing", { skip: !v1 && "v1 host" }, async (t) => {
  const b = bundle(t, ["true"], "bad", { network: { classID: 0x100001 } });
  const c = rongqi(b.root, ["create", "-b", b.bundle, "bad"]);
  t.not(c.status, 0);
  t.match(c.stderr, /linux.resources.network.classID: this host mounts no cgroup v1 net_cls hierarchy/);
  for (const d of allDirs("bad")) t.notOk(existsSync(d), "no cgroup left");
  t.same(readdirSync(b.root), [], "no state left");
});

t.test("without cgroupsPath the container gets /rongqi-<root hash>/<id>", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["create", "-b", b.bundle, "dflt"]).status, 0);
  const path = defaultCgroupsPath("dflt", b.root);
  const dir = join(v1 ? layout.v1["pids"]!.mount : layout.unified!.mount, path);
  const pid = (JSON.parse(rongqi(b.root, ["state", "dflt"]).stdout) as { pid: number }).pid;
  t.ok(read(dir, "cgroup.procs").split("\n").includes(String(pid)), `the process is in ${dir}`);
  t.equal(rongqi(b.root, ["delete", "dflt"]).status, 0);
  t.notOk(existsSync(dir), "removed");
  t.notOk(existsSync(join(dir, "..")), "with the per-root parent");
});

t.test("a memory limit triggers the OOM killer, and events reports it", async (t) => {
  const b = bundle(t, ["sh", "-c", "sleep 0.5; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd-status=$?; sleep 1"], "oom",
    { memory: { limit: 16 << 20, swap: 16 << 20 } });
  const c = rongqi(b.root, ["create", "-b", b.bundle, "oom"]);
  t.equal(c.status, 0, c.stderr);
  const ev = spawn(RONGQI, ["--root", b.root, "events", "--interval", "10s", "oom"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  ev.stdout.on("data", (d) => (out += d));
  const done = new Promise((r) => ev.on("exit", r));
  await sleep(200);
  const s = rongqi(b.root, ["start", "oom"]);
  t.equal(s.status, 0, s.stderr);
  await waitFor("stopped", () => status(b, "oom") === "stopped");
  await done;
  t.match(readFileSync(c.outFile, "utf8"), /dd-status=137/, "dd was killed by SIGKILL");
  t.match(out, /^\{"type":"oom","id":"oom"\}$/m, "events printed an oom event and ended with the container");
  if (v1) t.match(read(cg("oom", "memory"), "memory.oom_control"), /oom_kill [1-9]/, "the kernel counted the kill");
});

t.test("a pids limit refuses forks", async (t) => {
  const b = bundle(t, ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo spawned; wait"], "pids", { pids: { limit: 4 } });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "pids"]);
  t.match(r.stdout + r.stderr, /can't fork|Resource temporarily unavailable/, "the shell could not fork past the limit");
  t.notOk(existsSync(cg("pids", "pids")), "run removed the cgroup");
});

t.test("pause stops the processes, resume lets them continue", async (t) => {
  const b = bundle(t, ["sh", "-c", "while true; do echo x >> /tmp/count; sleep 0.02; done"], "pz", {});
  const count = join(b.rootfs, "tmp/count");
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "pz"]).status, 0);
  await waitFor("counting", () => existsSync(count) && statSync(count).size > 10);
  const p = rongqi(b.root, ["pause", "pz"]);
  t.equal(p.status, 0, p.stderr);
  t.equal(status(b, "pz"), "paused");
  if (v1) t.equal(read(cg("pz", "freezer"), "freezer.state"), "FROZEN");
  const at = statSync(count).size;
  await sleep(400);
  t.equal(statSync(count).size, at, "no progress while paused");
  t.match(rongqi(b.root, ["pause", "pz"]).stderr, /already paused/);
  t.match(rongqi(b.root, ["delete", "pz"]).stderr, /that is paused/, "delete without --force refuses a paused container");
  const r = rongqi(b.root, ["resume", "pz"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(status(b, "pz"), "running");
  await sleep(400);
  t.ok(statSync(count).size > at, "progress after resume");
  t.match(rongqi(b.root, ["resume", "pz"]).stderr, /not paused/);
  t.equal(rongqi(b.root, ["pause", "pz"]).status, 0);
  const d = rongqi(b.root, ["delete", "--force", "pz"]);
  t.equal(d.status, 0, `delete --force of a paused container: ${d.stderr}`);
  for (const dir of allDirs("pz")) t.notOk(existsSync(dir));
});

t.test("kill of a paused container with SIGKILL stops it", async (t) => {
  const b = bundle(t, ["sleep", "100"], "pk", {});
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "pk"]).status, 0);
  t.equal(rongqi(b.root, ["pause", "pk"]).status, 0);
  t.equal(rongqi(b.root, ["kill", "pk", "KILL"]).status, 0);
  await waitFor("stopped", () => status(b, "pk") === "stopped");
  t.equal(rongqi(b.root, ["delete", "pk"]).status, 0);
});

t.test("update changes a running container's limits", async (t) => {
  const b = bundle(t, ["sleep", "100"], "up", { memory: { limit: 64 << 20 }, pids: { limit: 10 } });
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "up"]).status, 0);
  const mem = () => read(cg("up", "memory"), v1 ? "memory.limit_in_bytes" : "memory.max");
  const pids = () => read(cg("up", "pids"), "pids.max");
  let u = rongqi(b.root, ["update", "--memory", "128m", "--pids-limit", "20", "up"]);
  t.equal(u.status, 0, u.stderr);
  t.equal(mem(), String(128 << 20));
  t.equal(pids(), "20");
  const file = join(b.dir, "res.json");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(file, JSON.stringify({ memory: { limit: 100 << 20 }, pids: { limit: -1 } }));
  u = rongqi(b.root, ["update", "-r", file, "up"]);
  t.equal(u.status, 0, u.stderr);
  t.equal(mem(), String(100 << 20));
  t.equal(pids(), "max");
  u = rongqi(b.root, ["update", "-r", file, "--pids-limit", "7", "up"]);
  t.equal(pids(), "7", "flags override the file");
  u = rongqi(b.root, ["update", "--memory", "lots", "up"]);
  t.match(u.stderr, /--memory: "lots" is not a size/);
  writeFileSync(file, JSON.stringify({ devices: [{ allow: true, access: "rwm" }] }));
  u = rongqi(b.root, ["update", "-r", file, "up"]);
  t.match(u.stderr, /devices: device rules of an existing container cannot be changed/);
  writeFileSync(file, JSON.stringify({ pids: { limit: "many" } }));
  u = rongqi(b.root, ["update", "-r", file, "up"]);
  t.match(u.stderr, /res.json: \/pids\/limit/, "the document is checked");
  t.match(rongqi(b.root, ["update", "--l3-cache-schema", "L3:0=f", "up"]).stderr, /Intel RDT is not supported/);
  t.equal(pids(), "7", "a refused update changed nothing");
});

t.test("events --stats and ps report the real processes and usage", async (t) => {
  const b = bundle(t, ["sh", "-c", "sleep 100 & sleep 100 & i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; wait"], "ev", { pids: { limit: 50 } });
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "ev"]).status, 0);
  await sleep(500);
  const procs = read(cg("ev", v1 ? "pids" : "unified"), "cgroup.procs").split("\n").map(Number).sort((a, b) => a - b);
  const ps = rongqi(b.root, ["ps", "--format", "json", "ev"]);
  t.equal(ps.status, 0, ps.stderr);
  t.same(JSON.parse(ps.stdout), procs, "ps --format json: the cgroup's pids");
  t.equal(procs.length, 3, "sh and two sleeps");
  const table = rongqi(b.root, ["ps", "ev"]);
  const lines = table.stdout.trim().split("\n");
  t.match(lines[0], /PID/);
  t.equal(lines.length, 4, "header and three processes");
  t.match(table.stdout, /sleep 100/);
  const ev = rongqi(b.root, ["events", "--stats", "ev"]);
  t.equal(ev.status, 0, ev.stderr);
  const e = JSON.parse(ev.stdout) as { type: string; id: string; data: { pids: { current: number; limit: number }; memory: { usage: { usage: number } }; cpu: { usage: { total: number } } } };
  t.equal(e.type, "stats");
  t.equal(e.id, "ev");
  if (v1 || readFileSync(join(layout.unified!.mount, "cgroup.controllers"), "utf8").includes("pids")) {
    t.equal(e.data.pids.current, 3, "pids.current");
    t.equal(e.data.pids.limit, 50);
  }
  t.ok(e.data.cpu.usage.total > 0, "cpu usage");
  if (v1) t.ok(e.data.memory.usage.usage > 0, "memory usage");
  t.equal(rongqi(b.root, ["delete", "-f", "ev"]).status, 0);
});

t.test("kill --all reaches every process of a container sharing the host's pid namespace", async (t) => {
  const b = bundle(t, ["sh", "-c", "sleep 100 & sleep 100 & wait"], "ka", {}, (c) => {
    c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== "pid");
  });
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "ka"]).status, 0);
  await sleep(300);
  const pids = (JSON.parse(rongqi(b.root, ["ps", "--format", "json", "ka"]).stdout) as number[]);
  t.equal(pids.length, 3);
  t.equal(rongqi(b.root, ["kill", "--all", "ka", "KILL"]).status, 0);
  const alive = (p: number) => existsSync(`/proc/${p}/stat`) && !/\) Z /.test(readFileSync(`/proc/${p}/stat`, "utf8"));
  await waitFor("all dead", () => !pids.some(alive));
  t.pass("every process died");
  t.equal(rongqi(b.root, ["delete", "ka"]).status, 0);
});

t.test("delete leaves cgroups rongqi did not create", { skip: !v1 && "v1 host" }, async (t) => {
  const pre = cg("pre", "pids");
  mkdirSync(pre, { recursive: true });
  t.teardown(() => {
    if (existsSync(pre)) rmdirSync(pre);
  });
  const b = bundle(t, ["sleep", "100"], "pre", { pids: { limit: 9 } });
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "pre"]).status, 0);
  t.equal(read(pre, "pids.max"), "9", "the existing cgroup is used");
  t.equal(rongqi(b.root, ["delete", "-f", "pre"]).status, 0);
  t.ok(existsSync(pre), "the pids cgroup that existed before is left");
  t.notOk(existsSync(cg("pre", "memory")), "the memory cgroup rongqi made is removed");
  // a cgroup in use by someone else is refused
  const other = spawn("sleep", ["100"], { stdio: "ignore" });
  t.teardown(() => other.kill("SIGKILL"));
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(pre, "cgroup.procs"), String(other.pid));
  const c = rongqi(b.root, ["create", "-b", b.bundle, "pre2"]);
  t.not(c.status, 0);
  t.match(c.stderr, /linux.cgroupsPath: the cgroup .*pre already has processes/);
  other.kill("SIGKILL");
});

t.test("delete removes the cgroup of a create that crashed", async (t) => {
  const b = bundle(t, ["sleep", "100"], "crash", { pids: { limit: 5 } });
  const c = rongqi(b.root, ["create", "-b", b.bundle, "crash"], { env: { ...process.env, RONGQI_TEST_FAULT: "create:sync3" } });
  t.equal(c.signal, "SIGKILL", "create was killed after making the cgroup");
  const dir = cg("crash", v1 ? "pids" : "unified");
  t.ok(existsSync(dir), "its cgroup is there");
  const d = rongqi(b.root, ["delete", "--force", "crash"]);
  t.equal(d.status, 0, d.stderr);
  for (const x of allDirs("crash")) t.notOk(existsSync(x), `removed ${x}`);
});

t.test("without a cgroup namespace the cgroup mount shows the container's own cgroup", async (t) => {
  const file = v1 ? "memory/memory.limit_in_bytes" : "memory.max";
  const b = bundle(t, ["sh", "-c", `cat /sys/fs/cgroup/${file}; grep -c . /proc/self/cgroup >/dev/null; touch /sys/fs/cgroup/${file} 2>/dev/null || echo read-only`], "ns",
    { memory: { limit: 48 << 20 } }, (c) => {
      c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== "cgroup");
    });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ns"]);
  t.equal(r.status, 0, r.stderr);
  t.same(r.stdout.trim().split("\n"), [String(48 << 20), "read-only"], "its own limit, through a read-only bind mount");
});
