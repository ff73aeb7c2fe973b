import t from "tap";
import { mergeResources, parseSize, resourcesFromFlags } from "./update.ts";

t.test("sizes as runc reads them", async (t) => {
  t.equal(parseSize("1024", "memory"), 1024);
  t.equal(parseSize("512m", "memory"), 512 * 1024 * 1024);
  t.equal(parseSize("1.5g", "memory"), 1.5 * 1024 ** 3);
  t.equal(parseSize("2GiB", "memory"), 2 * 1024 ** 3);
  t.equal(parseSize("64KB", "memory"), 65536);
  t.equal(parseSize("-1", "memory-swap"), -1);
  t.throws(() => parseSize("lots", "memory"), /--memory: "lots" is not a size/);
  t.throws(() => parseSize("-5", "memory"), /not a size/);
});

t.test("flags become a resources change", async (t) => {
  t.same(resourcesFromFlags({}), {});
  t.same(resourcesFromFlags({
    memory: "64m", "memory-reservation": "32m", "memory-swap": "-1", "cpu-share": "512", "cpu-quota": "-1", "cpu-period": "100000",
    "cpu-burst": "10", "cpu-rt-period": "1000000", "cpu-rt-runtime": "100", "cpu-idle": "1", "cpuset-cpus": "0-1", "cpuset-mems": "0",
    "pids-limit": "-1", "blkio-weight": "300", "kernel-memory": "1m", "kernel-memory-tcp": "2m",
  }), {
    memory: { limit: 64 << 20, reservation: 32 << 20, swap: -1, kernel: 1 << 20, kernelTCP: 2 << 20 },
    cpu: { shares: 512, period: 100000, quota: -1, burst: 10, realtimePeriod: 1000000, realtimeRuntime: 100, idle: 1, cpus: "0-1", mems: "0" },
    pids: { limit: -1 },
    blockIO: { weight: 300 },
  });
  t.throws(() => resourcesFromFlags({ "pids-limit": "ten" }), /--pids-limit: "ten" is not an integer >= -1/);
  t.throws(() => resourcesFromFlags({ "cpu-share": "-3" }), /--cpu-share: "-3" is not an integer >= 0/);
});

t.test("a change merges into the resources in force", async (t) => {
  const base = { memory: { limit: 1, swap: 2 }, pids: { limit: 3 }, unified: { "a.b": "1" }, hugepageLimits: [{ pageSize: "2MB", limit: 1 }] };
  t.same(mergeResources(base, { memory: { limit: 5 }, unified: { "c.d": "2" }, hugepageLimits: [] }), {
    memory: { limit: 5, swap: 2 }, pids: { limit: 3 }, unified: { "a.b": "1", "c.d": "2" }, hugepageLimits: [],
  });
});
