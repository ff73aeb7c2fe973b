import t from "tap";
import {
  blkioWeightToIoWeight, cpuSharesToWeight, hugepageFileSize, hugepageSizeBytes, hugepageSizeName, limitToV2, parseCpuList, swapToV2,
} from "./convert.ts";

t.test("cpu shares to weight: linear over [2, 262144] -> [1, 10000]", async (t) => {
  t.equal(cpuSharesToWeight(2), 1);
  t.equal(cpuSharesToWeight(1024), 39, "the default share is weight 39, as runc and crun convert it");
  t.equal(cpuSharesToWeight(262144), 10000);
  t.equal(cpuSharesToWeight(1), 1, "clamped");
  t.equal(cpuSharesToWeight(10_000_000), 10000, "clamped");
});

t.test("blkio weight to io.weight: linear over [10, 1000] -> [1, 10000]", async (t) => {
  t.equal(blkioWeightToIoWeight(10), 1);
  t.equal(blkioWeightToIoWeight(500), 4950);
  t.equal(blkioWeightToIoWeight(1000), 10000);
});

t.test("swap: memory plus swap becomes swap alone", async (t) => {
  t.equal(swapToV2(300, 100), "200");
  t.equal(swapToV2(100, 100), "0", "no swap at all");
  t.equal(swapToV2(-1, 100), "max");
  t.equal(swapToV2(undefined, 100), undefined);
  t.throws(() => swapToV2(300, undefined), /needs memory.limit too/);
  t.throws(() => swapToV2(300, -1), /needs memory.limit too/);
  t.throws(() => swapToV2(50, 100), /below limit/);
  t.equal(limitToV2(-1), "max");
  t.equal(limitToV2(0), "0");
});

t.test("huge page sizes", async (t) => {
  t.equal(hugepageSizeBytes("2MB"), 2 * 1024 * 1024);
  t.equal(hugepageSizeBytes("64KB"), 65536);
  t.equal(hugepageSizeName(1024 ** 3), "1GB");
  t.equal(hugepageSizeName(2048 * 1024), "2MB");
  t.equal(hugepageSizeName(64 * 1024), "64KB");
  t.equal(hugepageFileSize("2048KB", "f", ["2MB"]), "2MB", "any spelling of a size the host has");
  t.throws(() => hugepageFileSize("2MiB", "f", ["2MB"]), /not of the form/);
  t.throws(() => hugepageFileSize("16MB", "f.pageSize", ["2MB", "1GB"]), /f.pageSize: page size 16MB is not supported by this host \(it has 2MB, 1GB\)/);
});

t.test("cpu lists", async (t) => {
  t.same(parseCpuList("0-3,7\n"), [0, 1, 2, 3, 7]);
  t.same(parseCpuList(""), []);
});
