// The cgroup v1 driver: for real on this host's v1 hierarchies (memory,
// cpu, cpuacct, cpuset, pids, blkio, devices, freezer; hugetlb and
// unified keys through the hybrid cgroup2 hierarchy), and against an
// imitation tree for the hierarchies this host does not mount (net_cls,
// net_prio, rdma, hugetlb) and for CFQ's blkio files.
import t from "tap";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cgroupLayout } from "../cgroup_layout.ts";
import { runcStats } from "../cgroup_stats.ts";
import { hostHugepageSizes } from "../convert.ts";
import { planCgroup } from "../plan_cgroup.ts";
import { imitationV1 } from "../testdata/imitation.ts";
import type { ApplyOptions } from "../types.ts";
import { v1Manager } from "./v1_manager.ts";

const layout = cgroupLayout();
const isV1 = layout.version === 1 && layout.v1["memory"] !== undefined;
const warnings: string[] = [];
const opts: ApplyOptions = { update: false, warn: (m) => warnings.push(m) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (dir: string | undefined, file: string) => readFileSync(join(dir!, file), "utf8").trim();
/** a real block device of this host, "MAJ:MIN" (throttling needs one) */
const disk = readdirSync("/sys/block").filter((n) => !/^(loop|zram|ram)/.test(n)).map((n) => readFileSync(`/sys/block/${n}/dev`, "utf8").trim())[0] ?? "7:0";
const [diskMajor, diskMinor] = disk.split(":").map(Number) as [number, number];

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.on("exit", (code, signal) => resolve(signal ?? code));
  });
}

t.test("every v1 resource this host has, applied and read back", { skip: !isV1 && "not a cgroup v1 host" }, async (t) => {
  const base = `/rongqi-test-v1-${process.pid}`;
  const record = planCgroup({ id: "c1", cgroupsPath: `${base}/c1` });
  const m = v1Manager(record);
  const d = record.dirs;
  const children: ChildProcess[] = [];
  t.teardown(() => {
    for (const c of children) c.kill("SIGKILL");
    try {
      m.destroy();
    } catch {
      // left for the final check to report
    }
  });
  m.create();
  t.ok(record.created.includes(d["memory"]!) && record.created.includes(join(layout.v1["memory"]!.mount, base)), "leaf and parent noted");
  t.not(read(d["cpuset"], "cpuset.cpus"), "", "the new cpuset got its parent's CPUs");

  const cpus = read(layout.v1["cpuset"]?.mount, "cpuset.effective_cpus");
  m.apply({
    memory: { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 10, kernelTCP: 16 << 20, disableOOMKiller: false, useHierarchy: true },
    cpu: { shares: 512, quota: 20000, period: 100000, burst: 5000, idle: 0, realtimePeriod: 1000000, realtimeRuntime: 10000, cpus: cpus.split(/[-,]/)[0], mems: "0" },
    pids: { limit: 42 },
    blockIO: { weight: 300, throttleReadBpsDevice: [{ major: diskMajor, minor: diskMinor, rate: 1048576 }], throttleWriteIOPSDevice: [{ major: diskMajor, minor: diskMinor, rate: 100 }] },
    devices: [{ allow: false, access: "rwm" }, { allow: true, type: "c", major: 10, minor: 200, access: "rw" }],
  }, opts);
  t.equal(read(d["memory"], "memory.limit_in_bytes"), String(64 << 20));
  t.equal(read(d["memory"], "memory.soft_limit_in_bytes"), String(32 << 20));
  t.equal(read(d["memory"], "memory.memsw.limit_in_bytes"), String(128 << 20));
  t.equal(read(d["memory"], "memory.swappiness"), "10");
  t.equal(read(d["memory"], "memory.kmem.tcp.limit_in_bytes"), String(16 << 20));
  t.equal(read(d["cpu"], "cpu.shares"), "512");
  t.equal(read(d["cpu"], "cpu.cfs_quota_us"), "20000");
  t.equal(read(d["cpu"], "cpu.cfs_period_us"), "100000");
  t.equal(read(d["cpu"], "cpu.cfs_burst_us"), "5000");
  t.equal(read(d["cpu"], "cpu.rt_runtime_us"), "10000", "realtime runtime, after giving the new parent realtime time");
  t.equal(read(join(layout.v1["cpu"]!.mount, base), "cpu.rt_runtime_us"), "10000");
  t.equal(read(d["cpuset"], "cpuset.cpus"), cpus.split(/[-,]/)[0]);
  t.equal(read(d["pids"], "pids.max"), "42");
  t.equal(read(d["blkio"], existsSync(join(d["blkio"]!, "blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight"), "300");
  t.equal(read(d["blkio"], "blkio.throttle.read_bps_device"), `${disk} 1048576`);
  t.equal(read(d["blkio"], "blkio.throttle.write_iops_device"), `${disk} 100`);
  const devices = read(d["devices"], "devices.list").split("\n");
  t.equal(devices[0], "c 10:200 rw", "the user's rule first");
  t.ok(devices.includes("c 1:3 rwm") && devices.includes("c 136:* rwm"), "then the default devices");
  t.notOk(devices.includes("a *:* rwm"), "everything else denied");

  m.apply({ memory: { disableOOMKiller: true } }, opts);
  t.match(read(d["memory"], "memory.oom_control"), /oom_kill_disable 1/, "memory.disableOOMKiller");
  m.apply({ memory: { disableOOMKiller: false } }, { ...opts, update: true });
  t.match(read(d["memory"], "memory.oom_control"), /oom_kill_disable 0/, "and back on at update");
  // memory.kernel is written but the kernel no longer enforces it: a warning says so
  m.apply({ memory: { kernel: 32 << 20 } }, opts);
  t.match(warnings.at(-1), /memory.kernel: .* do not enforce kernel memory limits/);
  t.throws(() => m.apply({ memory: { useHierarchy: false } }, opts), /useHierarchy: false is not possible/);
  t.throws(() => m.apply({ memory: { limit: 1 << 20, swap: 1 << 30, swappiness: 101 } }, opts), /swappiness: 101 is not between 0 and 100/);
  t.throws(() => m.apply({ cpu: { shares: 1 } }, opts), /cpu.shares: 1 is out of the kernel's range/);
  t.throws(() => m.apply({ network: { classID: 1 } }, opts), /network.classID: this host mounts no cgroup v1 net_cls hierarchy/);
  t.throws(() => m.apply({ blockIO: { leafWeight: 100 } }, opts), /blockIO.leafWeight: this kernel's blkio controller has none of blkio.leaf_weight/);
  t.throws(() => m.apply({ rdma: { mlx5_0: { hcaHandles: 1 } } }, opts), /rdma: this host mounts no cgroup v1 rdma hierarchy/);

  if (layout.unified) {
    m.apply({ unified: { "cgroup.max.descendants": "3" } }, opts);
    t.equal(read(d["unified"], "cgroup.max.descendants"), "3", "unified keys go to the hybrid cgroup2 hierarchy");
    if (!layout.v1["hugetlb"] && hostHugepageSizes().includes("2MB") && read(layout.unified.mount, "cgroup.controllers").includes("hugetlb")) {
      m.apply({ hugepageLimits: [{ pageSize: "2MB", limit: 2 << 20 }] }, opts);
      t.equal(read(d["unified"], "hugetlb.2MB.max"), String(2 << 20), "hugetlb through cgroup2 when no v1 hierarchy has it");
    }
  }

  const counter = `/tmp/rongqi-test-v1-${process.pid}.count`;
  t.teardown(() => execFileSync("rm", ["-f", counter]));
  const child = spawn("sh", ["-c", `while :; do echo x >> ${counter}; sleep 0.02; done`], { stdio: "ignore" });
  children.push(child);
  m.addProcess(child.pid!);
  for (const [key, dir] of Object.entries(d)) t.ok(read(dir, "cgroup.procs").split("\n").includes(String(child.pid)), `in the ${key} cgroup`);
  t.ok(m.pids().includes(child.pid!));
  await sleep(100);
  m.freeze();
  t.equal(m.freezerState(), "frozen");
  const at = statSync(counter).size;
  await sleep(300);
  t.equal(statSync(counter).size, at, "frozen: no progress");
  m.thaw();
  await sleep(300);
  t.ok(statSync(counter).size > at, "thawed: progress");

  const s = m.stats();
  t.ok(Number(s.cpu.usage.total) > 0, "cpuacct usage");
  t.ok(Number(s.memory.usage.usage) > 0, "memory usage");
  t.equal(s.memory.usage.limit, 64 << 20);
  t.ok(Number(s.pids.current) >= 1);
  t.equal(s.pids.limit, 42);
  t.ok(s.cpuset.cpus.length >= 1);
  const json = runcStats(s) as { memory: { raw: Record<string, unknown> } };
  t.ok("cache" in json.memory.raw, "memory.stat in raw");

  m.freeze();
  m.signalAll(9);
  t.equal(await exited(child), "SIGKILL", "SIGKILL reaches a paused container's process, which is thawed to die");
  for (let i = 0; i < 100 && m.pids().length; i++) await sleep(10);
  m.destroy();
  for (const dir of new Set(Object.values(d))) t.notOk(existsSync(dir), `removed ${dir}`);
  t.notOk(existsSync(join(layout.v1["memory"]!.mount, base)), "and the parent rongqi made");
});

t.test("without a cgroup2 hierarchy, unified keys are refused", async (t) => {
  const fs = imitationV1(["rdma"]);
  t.teardown(fs.cleanup);
  t.throws(() => v1Manager(fs.record).apply({ unified: { "memory.high": "1" } }, opts), /unified: cgroup v2 files cannot be set on this host/);
});

t.test("imitation: rdma, net_cls, net_prio, hugetlb, CFQ blkio", async (t) => {
  const fs = imitationV1(["rdma", "net_cls", "net_prio", "hugetlb", "blkio"]);
  t.teardown(fs.cleanup);
  const m = v1Manager(fs.record);
  const r = (s: string, f: string) => fs.read(`${s}/rongqi-test/c1/${f}`);
  m.apply({ rdma: { mlx4_0: { hcaObjects: 1000 } }, network: { classID: 0x100001, priorities: [{ name: "eth0", priority: 5 }] } }, opts);
  t.equal(r("rdma", "rdma.max"), "mlx4_0 hca_object=1000");
  t.equal(r("net_cls", "net_cls.classid"), "1048577");
  t.equal(r("net_prio", "net_prio.ifpriomap"), "eth0 5");
  t.throws(() => m.apply({ rdma: { mlx4_0: {} } }, opts), /rdma.mlx4_0: needs hcaHandles or hcaObjects/);
  m.apply({ hugepageLimits: [{ pageSize: "2MB", limit: 4 << 20 }] }, opts);
  t.equal(r("hugetlb", "hugetlb.2MB.limit_in_bytes"), String(4 << 20));
  t.equal(r("hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes"), String(4 << 20));
  m.apply({ blockIO: { weight: 200, leafWeight: 300, weightDevice: [{ major: 8, minor: 0, weight: 400, leafWeight: 500 }] } }, opts);
  t.equal(r("blkio", "blkio.weight"), "200", "CFQ's blkio.weight when the kernel has it");
  t.equal(r("blkio", "blkio.leaf_weight"), "300");
  t.equal(r("blkio", "blkio.weight_device"), "8:0 400");
  t.equal(r("blkio", "blkio.leaf_weight_device"), "8:0 500");
  const s = m.stats();
  t.same(s.hugetlb["2MB"], { usage: 2097152, max: 4194304, failcnt: 1 });
  t.same(s.blkio.ioServiceBytesRecursive, [
    { major: 8, minor: 0, op: "Read", value: 4096 }, { major: 8, minor: 0, op: "Write", value: 8192 }, { major: 8, minor: 0, op: "Total", value: 12288 },
  ], "CFQ's recursive files, the grand total left out");
  t.same(s.blkio.ioServicedRecursive.map((e) => e.value), [1, 2]);
});
