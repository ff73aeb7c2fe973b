// The cgroup v2 driver against an imitation cgroupfs: the resource
// controllers this host does not give its cgroup2 hierarchy (memory, cpu,
// cpuset, pids, io, rdma). v2_real_test.ts runs the driver on the real
// hierarchy for what this host offers there.
import t, { type Test } from "tap";
import { runcStats } from "../cgroup_stats.ts";
import { imitationV2 } from "../testdata/imitation.ts";
import type { ApplyOptions } from "../types.ts";
import { v2Manager } from "./v2_manager.ts";

const warnings: string[] = [];
const create: ApplyOptions = { update: false, warn: (m) => warnings.push(m) };
const update: ApplyOptions = { update: true, warn: (m) => warnings.push(m) };

function setup(t: Test, opts: Parameters<typeof imitationV2>[0] = {}) {
  const fs = imitationV2(opts);
  t.teardown(fs.cleanup);
  return { fs, m: v2Manager(fs.record) };
}

t.test("memory: limit, reservation, swap converted to swap alone", async (t) => {
  const { fs, m } = setup(t);
  m.apply({ memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 } }, create);
  t.equal(fs.read("memory.max"), String(64 << 20));
  t.equal(fs.read("memory.low"), String(32 << 20));
  t.equal(fs.read("memory.swap.max"), String(32 << 20), "swap.max = swap - limit");
  m.apply({ memory: { limit: -1, swap: -1 } }, update);
  t.equal(fs.read("memory.max"), "max");
  t.equal(fs.read("memory.swap.max"), "max");
});

t.test("memory: what cgroup v2 cannot do is an error naming the field", async (t) => {
  const { m } = setup(t);
  t.throws(() => m.apply({ memory: { swappiness: 10 } }, create), /memory.swappiness: cgroup v2 has no per-cgroup swappiness/);
  t.throws(() => m.apply({ memory: { kernel: 1 << 20 } }, create), /memory.kernel: cgroup v2 has no kernel memory limit/);
  t.throws(() => m.apply({ memory: { kernelTCP: 1 << 20 } }, create), /memory.kernelTCP/);
  t.throws(() => m.apply({ memory: { disableOOMKiller: true } }, create), /disableOOMKiller: cgroup v2 cannot disable the OOM killer/);
  t.throws(() => m.apply({ memory: { useHierarchy: false } }, create), /useHierarchy/);
  t.throws(() => m.apply({ memory: { swap: 1 << 30 } }, create), /memory.swap: .* needs memory.limit too/);
  m.apply({ memory: { kernel: -1, disableOOMKiller: false, useHierarchy: true } }, create);
  t.pass("their neutral values are accepted");
});

t.test("memory: checkBeforeUpdate refuses a limit below the usage", async (t) => {
  const { fs, m } = setup(t);
  t.throws(() => m.apply({ memory: { limit: 1000, checkBeforeUpdate: true } }, update), /memory.limit: 1000 is below the current usage 1234567/);
  m.apply({ memory: { limit: 1000 } }, update);
  t.equal(fs.read("memory.max"), "1000", "without the check the kernel decides (v2 reclaims or OOM-kills)");
});

t.test("cpu: shares to weight, quota and period in cpu.max, burst, idle", async (t) => {
  const { fs, m } = setup(t);
  m.apply({ cpu: { shares: 1024, quota: 50000, period: 200000, burst: 10000, idle: 1 } }, create);
  t.equal(fs.read("cpu.weight"), "39");
  t.equal(fs.read("cpu.max"), "50000 200000");
  t.equal(fs.read("cpu.max.burst"), "10000");
  t.equal(fs.read("cpu.idle"), "1");
  fs.write("cpu.max", "50000 200000\n");
  m.apply({ cpu: { period: 100000 } }, update);
  t.equal(fs.read("cpu.max"), "50000 100000", "a period alone keeps the quota");
  fs.write("cpu.max", "50000 100000\n");
  m.apply({ cpu: { quota: -1 } }, update);
  t.equal(fs.read("cpu.max"), "max 100000");
  t.throws(() => m.apply({ cpu: { realtimeRuntime: 1000 } }, create), /cpu.realtimeRuntime: cgroup v2 has no realtime/);
});

t.test("cpuset and pids", async (t) => {
  const { fs, m } = setup(t);
  m.apply({ cpu: { cpus: "0-1", mems: "0" }, pids: { limit: 0 } }, create);
  t.equal(fs.read("cpuset.cpus"), "0-1");
  t.equal(fs.read("cpuset.mems"), "0");
  t.equal(fs.read("pids.max"), "0", "0 is a real limit");
  m.apply({ pids: { limit: -1 } }, update);
  t.equal(fs.read("pids.max"), "max");
});

t.test("io: weight converted for io.weight, as is for io.bfq.weight; throttles in io.max", async (t) => {
  const { fs, m } = setup(t);
  m.apply({ blockIO: { weight: 500 } }, create);
  t.equal(fs.read("io.weight"), "default 4950");
  m.apply({ blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 1000 }] } }, create);
  t.equal(fs.read("io.weight"), "8:0 10000");
  m.apply({ blockIO: { throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1048576 }] } }, create);
  t.equal(fs.read("io.max"), "254:0 rbps=1048576");
  m.apply({ blockIO: { throttleWriteIOPSDevice: [{ major: 254, minor: 0, rate: 0 }] } }, create);
  t.equal(fs.read("io.max"), "254:0 wiops=max", "0 lifts the limit");
  t.throws(() => m.apply({ blockIO: { leafWeight: 10 } }, create), /blockIO.leafWeight: cgroup v2 has no leaf weight/);
  const bfq = setup(t, { bfq: true });
  bfq.m.apply({ blockIO: { weight: 500 } }, create);
  t.equal(bfq.fs.read("io.bfq.weight"), "default 500");
  t.equal(bfq.fs.read("io.weight"), "default 100", "io.weight untouched when BFQ takes the weight");
});

t.test("hugetlb, rdma, unified", async (t) => {
  const { fs, m } = setup(t);
  m.apply({ hugepageLimits: [{ pageSize: "2MB", limit: 8 << 20 }] }, create);
  t.equal(fs.read("hugetlb.2MB.max"), String(8 << 20));
  t.equal(fs.read("hugetlb.2MB.rsvd.max"), String(8 << 20), "reservations limited too");
  t.throws(() => m.apply({ hugepageLimits: [{ pageSize: "3MB", limit: 1 }] }, create), /hugepageLimits\[0\].pageSize: page size 3MB is not supported/);
  m.apply({ rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 1000 } } }, create);
  t.equal(fs.read("rdma.max"), "mlx5_1 hca_handle=3 hca_object=1000");
  m.apply({ memory: { limit: 1 << 30 }, unified: { "memory.max": "2000000", "memory.high": "1000000" } }, create);
  t.equal(fs.read("memory.max"), "2000000", "unified comes last and wins");
  t.equal(fs.read("memory.high"), "1000000");
  t.throws(() => m.apply({ unified: { "../../etc/passwd": "x" } }, create), /unified.\.\.\/\.\.\/etc\/passwd: not a cgroup v2 file name/);
  t.throws(() => m.apply({ unified: { "memory.nonexistent": "1" } }, create), /memory.nonexistent does not exist/);
  t.throws(() => m.apply({ unified: { "misc.max": "x 1" } }, create), /misc.max/);
});

t.test("a controller the hierarchy does not offer is an error naming the field", async (t) => {
  const { m } = setup(t, { controllers: "cpu memory" });
  t.throws(() => m.apply({ pids: { limit: 5 } }, create), /linux.resources.pids.limit: the cgroup v2 pids controller is not available in .* \(it offers: cpu memory\)/);
  t.throws(() => m.apply({ unified: { "io.max": "8:0 rbps=1" } }, create), /unified.io.max: the cgroup v2 io controller is not available/);
  t.throws(() => m.apply({ network: { classID: 1 } }, create), /network.classID: cgroup v2 has no net_cls or net_prio controller/);
  t.throws(() => m.apply({ network: { priorities: [{ name: "lo", priority: 1 }] } }, create), /network.priorities/);
  m.apply({ memory: { limit: 1 << 20 } }, create);
  t.pass("an offered controller works");
});

t.test("stats from the v2 files, in runc's JSON", async (t) => {
  const { m } = setup(t);
  const s = m.stats();
  t.equal(s.cpu.usage.total, 5_000_000, "usage_usec in ns");
  t.equal(s.cpu.usage.user, 3_000_000);
  t.equal(s.cpu.usage.kernel, 2_000_000);
  t.same(s.cpu.throttling, { periods: 10, throttledPeriods: 2, throttledTime: 700_000 });
  t.equal(s.memory.usage.usage, 1234567);
  t.equal(s.memory.usage.max, 2345678);
  t.equal(s.memory.usage.limit, 18446744073709551615n, "max is the largest u64, as runc reports it");
  t.equal(s.memory.usage.failcnt, 5);
  t.equal(s.memory.cache, 2000);
  t.equal(s.memory.swap.usage, 1234567 + 4096, "swap is reported as memory plus swap");
  t.equal(s.oomKills, 1);
  t.same(s.pids, { current: 3, limit: 0 });
  t.same(s.cpuset.cpus, [0, 1]);
  t.same(s.blkio.ioServiceBytesRecursive, [{ major: 254, minor: 0, op: "Read", value: 4096 }, { major: 254, minor: 0, op: "Write", value: 8192 },
    { major: 254, minor: 0, op: "Discard", value: 0 }]);
  t.same(s.hugetlb["2MB"], { usage: 2097152, max: 0, failcnt: 4 });
  const json = runcStats(s) as { memory: { usage: Record<string, unknown>; raw: Record<string, unknown> }; pids: object; blkio: { ioServicedRecursive: unknown[] } };
  t.same(json.memory.raw, { anon: 1000, file: 2000, kernel: 300 });
  t.same(json.pids, { current: 3 }, "limit 0 is omitted, as Go's omitempty does");
  t.same(json.blkio.ioServicedRecursive[2], { major: 254, op: "Discard" }, "zero value and minor omitted");
});

t.test("freezing that never completes is undone and fails", async (t) => {
  const { fs, m } = setup(t);
  t.equal(m.freezerState(), "thawed");
  const { freezeV2 } = await import("./freeze.ts");
  t.throws(() => freezeV2(fs.dir, 50), /did not all freeze within 50 ms/);
  t.equal(fs.read("cgroup.freeze"), "0", "thawed again");
  fs.write("cgroup.freeze", "1");
  fs.write("cgroup.events", "populated 1\nfrozen 1\n");
  t.equal(m.freezerState(), "frozen");
});
