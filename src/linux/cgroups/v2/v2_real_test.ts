// The cgroup v2 driver on this host's real cgroup2 hierarchy (the whole
// tree on a v2 host, /sys/fs/cgroup/unified on this hybrid one): create,
// join, freeze and thaw, cgroup.kill, statistics, the eBPF device program,
// hugetlb (the one controller this host gives cgroup2) and unified keys,
// destroy. Each test uses its own rongqi-test-v2-<pid> cgroup.
import t from "tap";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cgroupLayout } from "../cgroup_layout.ts";
import { hostHugepageSizes } from "../convert.ts";
import type { ApplyOptions, CgroupRecord } from "../types.ts";
import { v2Manager } from "./v2_manager.ts";

const mount = cgroupLayout().unified?.mount;
const opts: ApplyOptions = { update: false, warn: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.on("exit", (code, signal) => resolve(signal ?? code));
  });
}

t.test("the v2 driver on the real hierarchy", { skip: !mount && "no cgroup2 hierarchy" }, async (t) => {
  const parent = join(mount!, `rongqi-test-v2-${process.pid}`);
  const dir = join(parent, "c1");
  const record: CgroupRecord = { version: 2, dirs: { unified: dir }, unifiedMount: mount!, created: [] };
  const m = v2Manager(record);
  const children: ChildProcess[] = [];
  t.teardown(() => {
    for (const c of children) c.kill("SIGKILL");
    for (const d of [dir, parent]) if (existsSync(d)) rmdirSync(d);
  });

  m.create();
  t.same(record.created, [parent, dir], "both directories made, parents first");
  const offered = readFileSync(join(mount!, "cgroup.controllers"), "utf8").trim().split(/\s+/).filter(Boolean);
  const own = readFileSync(join(dir, "cgroup.controllers"), "utf8").trim().split(/\s+/).filter(Boolean);
  t.same(own.sort(), offered.sort(), "every controller the hierarchy offers is enabled down to the container");

  // a counter that advances every 20 ms while it runs
  const counter = join(process.env["TMPDIR"] ?? "/tmp", `rongqi-test-v2-${process.pid}.count`);
  const child = spawn("sh", ["-c", `while :; do echo x >> ${counter}; sleep 0.02; done`], { stdio: "ignore" });
  children.push(child);
  t.teardown(() => execFileSync("rm", ["-f", counter]));
  m.addProcess(child.pid!);
  t.ok(m.pids().includes(child.pid!), "the process is listed");
  t.match(readFileSync(`/proc/${child.pid}/cgroup`, "utf8"), new RegExp(`^0::/rongqi-test-v2-${process.pid}/c1$`, "m"));

  await sleep(100);
  m.freeze();
  t.equal(m.freezerState(), "frozen");
  const frozenAt = statSync(counter).size;
  await sleep(300);
  t.equal(statSync(counter).size, frozenAt, "a frozen process does not advance");
  m.thaw();
  t.equal(m.freezerState(), "thawed");
  await sleep(300);
  t.ok(statSync(counter).size > frozenAt, "a thawed process carries on");

  const s = m.stats();
  t.ok(Number(s.cpu.usage.total) > 0, "cpu usage from cpu.stat");

  m.signalAll(15);
  t.equal(await exited(child), "SIGTERM", "signalAll(SIGTERM) reaches the process (through a freeze)");
  t.equal(m.freezerState(), "thawed", "and thaws again");

  const second = spawn("sleep", ["100"], { stdio: "ignore" });
  children.push(second);
  m.addProcess(second.pid!);
  m.signalAll(9);
  t.equal(await exited(second), "SIGKILL", "SIGKILL through cgroup.kill");
  for (let i = 0; i < 100 && m.pids().length; i++) await sleep(10);
  t.same(m.pids(), []);

  m.destroy();
  t.notOk(existsSync(dir), "destroy removes the cgroup");
  t.notOk(existsSync(parent), "and the parent rongqi made");
});

t.test("hugetlb, unified keys and devices applied for real", { skip: !mount && "no cgroup2 hierarchy" }, async (t) => {
  const parent = join(mount!, `rongqi-test-v2r-${process.pid}`);
  const dir = join(parent, "c1");
  const m = v2Manager({ version: 2, dirs: { unified: dir }, unifiedMount: mount!, created: [] });
  t.teardown(() => {
    for (const d of [dir, parent]) if (existsSync(d)) rmdirSync(d);
  });
  m.create();
  const hasHugetlb = readFileSync(join(dir, "cgroup.controllers"), "utf8").includes("hugetlb") && hostHugepageSizes().includes("2MB");
  if (hasHugetlb) {
    m.apply({ hugepageLimits: [{ pageSize: "2MB", limit: 4 << 20 }] }, opts);
    t.equal(readFileSync(join(dir, "hugetlb.2MB.max"), "utf8").trim(), String(4 << 20));
    t.ok(m.stats().hugetlb["2MB"], "hugetlb statistics");
  } else {
    t.throws(() => m.apply({ hugepageLimits: [{ pageSize: "2MB", limit: 4 << 20 }] }, opts), /hugepageLimits/);
  }
  m.apply({ unified: { "cgroup.max.descendants": "2" } }, opts);
  t.equal(readFileSync(join(dir, "cgroup.max.descendants"), "utf8").trim(), "2");
  const missing = ["memory", "pids", "cpu", "io"].find((c) => !readFileSync(join(dir, "cgroup.controllers"), "utf8").includes(c));
  if (missing) {
    t.throws(() => m.apply({ unified: { [`${missing}.max`]: "1" } }, opts), new RegExp(`the cgroup v2 ${missing} controller is not available`),
      "a key of a controller this hierarchy lacks is an error");
  }
  m.apply({ devices: [{ allow: false, access: "rwm" }] }, opts);
  const out = execFileSync("sh", ["-c", `echo $$ > ${dir}/cgroup.procs; head -c1 /dev/null && echo null-ok; dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>/dev/null || echo kmsg-denied`], { encoding: "utf8" });
  t.same(out.trim().split("\n"), ["null-ok", "kmsg-denied"], "the device program: default devices allowed, others denied");
  m.destroy();
  t.notOk(existsSync(parent));
});
