// Test helper: a directory tree that imitates cgroupfs, for the controllers
// this host does not offer for real. Every interface file the drivers may
// write exists with the kernel's default value (the drivers never create
// files, so a write to an unexpected file fails the test), and each write
// replaces the file's contents, so a test reads back the last value written.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CgroupRecord } from "../types.ts";

export interface Imitation {
  /** the imitation mount point */
  mount: string;
  /** the container's cgroup directory in it */
  dir: string;
  record: CgroupRecord;
  read(file: string): string;
  write(file: string, value: string): void;
  cleanup(): void;
}

const V2_FILES: Record<string, string> = {
  "cgroup.procs": "", "cgroup.freeze": "0", "cgroup.events": "populated 1\nfrozen 0\n", "cgroup.kill": "", "cgroup.type": "domain",
  "cgroup.subtree_control": "", "cgroup.max.descendants": "max",
  "memory.max": "max", "memory.low": "0", "memory.high": "max", "memory.swap.max": "max", "memory.current": "1234567",
  "memory.peak": "2345678", "memory.swap.current": "4096", "memory.swap.events": "high 0\nmax 0\nfail 0\n",
  "memory.stat": "anon 1000\nfile 2000\nkernel 300\n", "memory.events": "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n",
  "cpu.weight": "100", "cpu.max": "max 100000", "cpu.max.burst": "0", "cpu.idle": "0",
  "cpu.stat": "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 700\n",
  "cpuset.cpus": "", "cpuset.mems": "", "cpuset.cpus.effective": "0-1", "cpuset.mems.effective": "0",
  "pids.max": "max", "pids.current": "3",
  "io.weight": "default 100", "io.max": "", "io.stat": "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n",
  "hugetlb.2MB.max": "max", "hugetlb.2MB.rsvd.max": "max", "hugetlb.2MB.current": "2097152", "hugetlb.2MB.events": "max 4\n",
  "hugetlb.1GB.max": "max", "hugetlb.1GB.rsvd.max": "max", "hugetlb.1GB.current": "0", "hugetlb.1GB.events": "max 0\n",
  "rdma.max": "",
};

/**
 * A cgroup v2 tree: `<mount>/rongqi-test/c1`, every controller enabled down
 * to it (override `controllers` to leave some out; `bfq` adds io.bfq.weight).
 */
export function imitationV2(opts: { controllers?: string; bfq?: boolean } = {}): Imitation {
  const mount = mkdtempSync(join(tmpdir(), "rongqi-test-cgroupfs-"));
  const controllers = opts.controllers ?? "cpuset cpu io memory hugetlb pids rdma misc";
  const parent = join(mount, "rongqi-test");
  const dir = join(parent, "c1");
  mkdirSync(dir, { recursive: true });
  for (const d of [mount, parent]) {
    writeFileSync(join(d, "cgroup.controllers"), controllers + "\n");
    writeFileSync(join(d, "cgroup.subtree_control"), controllers + "\n");
  }
  writeFileSync(join(dir, "cgroup.controllers"), controllers + "\n");
  for (const [f, v] of Object.entries(V2_FILES)) writeFileSync(join(dir, f), v);
  if (opts.bfq) writeFileSync(join(dir, "io.bfq.weight"), "default 100\n");
  return files(mount, dir, { version: 2, dirs: { unified: dir }, unifiedMount: mount, created: [] });
}

const V1_FILES: Record<string, Record<string, string>> = {
  rdma: { "cgroup.procs": "", "rdma.max": "" },
  net_cls: { "cgroup.procs": "", "net_cls.classid": "0" },
  net_prio: { "cgroup.procs": "", "net_prio.ifpriomap": "lo 0\n", "net_prio.prioidx": "1" },
  hugetlb: {
    "cgroup.procs": "", "hugetlb.2MB.limit_in_bytes": "9223372036854771712", "hugetlb.2MB.rsvd.limit_in_bytes": "9223372036854771712",
    "hugetlb.2MB.usage_in_bytes": "2097152", "hugetlb.2MB.max_usage_in_bytes": "4194304", "hugetlb.2MB.failcnt": "1",
  },
  blkio: {
    "cgroup.procs": "", "blkio.weight": "500", "blkio.weight_device": "", "blkio.leaf_weight": "500", "blkio.leaf_weight_device": "",
    "blkio.throttle.read_bps_device": "", "blkio.throttle.write_bps_device": "", "blkio.throttle.read_iops_device": "",
    "blkio.throttle.write_iops_device": "",
    "blkio.io_service_bytes_recursive": "8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n",
    "blkio.io_serviced_recursive": "8:0 Read 1\n8:0 Write 2\nTotal 3\n",
  },
};

/** A cgroup v1 tree with one hierarchy per subsystem in `subsystems` (rdma, net_cls, net_prio, hugetlb, blkio with CFQ). */
export function imitationV1(subsystems: readonly (keyof typeof V1_FILES)[]): Imitation {
  const mount = mkdtempSync(join(tmpdir(), "rongqi-test-cgroupfs-"));
  const dirs: Record<string, string> = {};
  for (const s of subsystems) {
    const dir = join(mount, s, "rongqi-test", "c1");
    mkdirSync(dir, { recursive: true });
    for (const [f, v] of Object.entries(V1_FILES[s]!)) writeFileSync(join(dir, f), v);
    dirs[s] = dir;
  }
  return files(mount, mount, { version: 1, dirs, created: [] });
}

function files(mount: string, dir: string, record: CgroupRecord): Imitation {
  return {
    mount, dir, record,
    read: (file) => readFileSync(join(dir, file), "utf8"),
    write: (file, value) => writeFileSync(join(dir, file), value),
    cleanup: () => rmSync(mount, { recursive: true, force: true }),
  };
}
