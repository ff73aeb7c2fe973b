// What this host offers, found once per run: the cgroup layout and which
// cgroup files exist and take effect, namespaces, capabilities, LSMs, block
// devices, limits. Checks use it to skip what the host cannot support, for
// every runtime alike.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CgroupHost {
  /** "v1" (no cgroup2 mount), "hybrid" (v1 hierarchies and a cgroup2 mount) or "v2" */
  mode: "v1" | "hybrid" | "v2" | "none";
  /** v1 controller (or name=systemd) -> mount point */
  v1: Map<string, string>;
  /** the cgroup2 mount point, if any */
  unified?: string;
  /** controllers available in the cgroup2 hierarchy */
  unifiedControllers: string[];
  /** files found in a fresh cgroup, per hierarchy mount point */
  files: Map<string, Set<string>>;
  /** files that accepted a write in a probe cgroup and kept the value */
  effective: Set<string>;
}

export interface Host {
  arch: string;
  kernel: string;
  cgroup: CgroupHost;
  /** namespace type (config name) -> "type:[inode]" of this process */
  ns: Map<string, string>;
  /** capability numbers in this process's bounding set */
  capBound: bigint;
  capLast: number;
  apparmor: boolean;
  selinux: boolean;
  /** a real (non-loop, non-ram) block device as "major:minor" */
  blockDevice?: string;
  /** an existing block device for a `b` device entry (loop0 and the like count) */
  anyBlockDevice?: string;
  hugepageSizes: string[];
  /** soft and hard limits of this process, by RLIMIT_ name */
  limits: Map<string, { soft: string; hard: string }>;
  resctrl: boolean;
  userns: boolean;
  timens: boolean;
  gcc: boolean;
  /** syscall names of this architecture (from the kernel headers), if found */
  syscalls?: string[];
  numa: boolean;
  /** `ip link add ... type veth` works */
  veth: boolean;
}

const NS_FILES: Record<string, string> = {
  pid: "pid", network: "net", mount: "mnt", ipc: "ipc", uts: "uts", user: "user", cgroup: "cgroup", time: "time",
};
export const NS_FILE = NS_FILES;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function mountinfo(): { point: string; fstype: string; superOpts: string }[] {
  return (read("/proc/self/mountinfo") ?? "").split("\n").filter(Boolean).map((line) => {
    const f = line.split(" ");
    const sep = f.indexOf("-");
    return { point: f[4]!.replace(/\\040/g, " "), fstype: f[sep + 1]!, superOpts: f[sep + 3] ?? "" };
  });
}

/** Tries a value in a probe cgroup; the file counts as effective if the value sticks. */
function probeWrite(dir: string, file: string, value: string, expect: (got: string) => boolean): boolean {
  try {
    writeFileSync(join(dir, file), value);
    return expect(readFileSync(join(dir, file), "utf8").trim());
  } catch {
    return false;
  }
}

function cgroupHost(probeName: string, blockDevice: string | undefined): CgroupHost {
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const m of mountinfo()) {
    if (m.fstype === "cgroup2") unified ??= m.point;
    if (m.fstype !== "cgroup") continue;
    for (const o of m.superOpts.split(",")) {
      if (["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "hugetlb", "net_cls", "net_prio", "perf_event", "rdma", "misc"].includes(o) || o.startsWith("name=")) {
        if (!v1.has(o)) v1.set(o, m.point);
      }
    }
  }
  const unifiedControllers = unified ? (read(join(unified, "cgroup.controllers")) ?? "").trim().split(/\s+/).filter(Boolean) : [];
  const mode = v1.size > 0 ? (unified ? "hybrid" : "v1") : unified ? "v2" : "none";
  const files = new Map<string, Set<string>>();
  const effective = new Set<string>();
  const points = new Set([...v1.values(), ...(unified ? [unified] : [])]);
  for (const point of points) {
    const dir = join(point, probeName);
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    try {
      const names = new Set(readdirSync(dir));
      files.set(point, names);
      const probes: [string, string, (g: string) => boolean][] = [
        ["memory.kmem.limit_in_bytes", "67108864", (g) => g === "67108864"],
        ["memory.kmem.tcp.limit_in_bytes", "67108864", (g) => g === "67108864"],
        ["memory.use_hierarchy", "0", (g) => g === "0"],
        ["cpu.rt_runtime_us", "1000", (g) => g === "1000"],
        ["blkio.weight", "200", (g) => g.includes("200")],
        ["blkio.leaf_weight", "200", (g) => g.includes("200")],
        ["blkio.bfq.weight", "200", (g) => g.includes("200")],
      ];
      if (blockDevice) {
        probes.push(["blkio.weight_device", `${blockDevice} 300`, (g) => g.includes(`${blockDevice} 300`)]);
        probes.push(["blkio.bfq.weight_device", `${blockDevice} 300`, (g) => g.includes(`${blockDevice} 300`)]);
      }
      for (const [file, value, ok] of probes) if (names.has(file) && probeWrite(dir, file, value, ok)) effective.add(file);
    } finally {
      try {
        rmdirSync(dir);
      } catch {
        // left for the end-of-run sweep
      }
    }
  }
  return { mode, v1, unified, unifiedControllers, files, effective };
}

function blockDevices(): { real?: string; any?: string } {
  let real: string | undefined;
  let any: string | undefined;
  for (const name of readdirSync("/sys/block").sort()) {
    const dev = read(`/sys/block/${name}/dev`)?.trim();
    if (!dev) continue;
    any ??= dev;
    if (!/^(loop|ram|zram|nbd|dm-)/.test(name)) real ??= dev;
  }
  return { real, any };
}

function limits(): Map<string, { soft: string; hard: string }> {
  const names: Record<string, string> = {
    "Max cpu time": "RLIMIT_CPU", "Max file size": "RLIMIT_FSIZE", "Max data size": "RLIMIT_DATA",
    "Max stack size": "RLIMIT_STACK", "Max core file size": "RLIMIT_CORE", "Max resident set": "RLIMIT_RSS",
    "Max processes": "RLIMIT_NPROC", "Max open files": "RLIMIT_NOFILE", "Max locked memory": "RLIMIT_MEMLOCK",
    "Max address space": "RLIMIT_AS", "Max file locks": "RLIMIT_LOCKS", "Max pending signals": "RLIMIT_SIGPENDING",
    "Max msgqueue size": "RLIMIT_MSGQUEUE", "Max nice priority": "RLIMIT_NICE", "Max realtime priority": "RLIMIT_RTPRIO",
    "Max realtime timeout": "RLIMIT_RTTIME",
  };
  const out = new Map<string, { soft: string; hard: string }>();
  for (const line of (read("/proc/self/limits") ?? "").split("\n")) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m && names[m[1]!]) out.set(names[m[1]!]!, { soft: m[2]!, hard: m[3]! });
  }
  return out;
}

function syscallNames(arch: string): string[] | undefined {
  const header = arch === "x86_64" ? "/usr/include/x86_64-linux-gnu/asm/unistd_64.h" : undefined;
  const text = header ? read(header) : undefined;
  if (!text) return undefined;
  return [...text.matchAll(/^#define __NR_(\w+)\s+\d+/gm)].map((m) => m[1]!);
}

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Virtual ethernet pairs can be made (and are removed again) on this host. */
function vethPairs(name: string): boolean {
  if (!has("ip", ["link", "add", `${name}a`, "type", "veth", "peer", "name", `${name}b`])) return false;
  has("ip", ["link", "del", `${name}a`]);
  return true;
}

export function probeHost(prefix: string): Host {
  const uname = execFileSync("uname", ["-m", "-r"], { encoding: "utf8" }).trim().split(/\s+/);
  const kernel = uname[0]!;
  const arch = uname[1]!;
  const ns = new Map<string, string>();
  for (const [type, file] of Object.entries(NS_FILES)) {
    try {
      ns.set(type, readlinkSync(`/proc/self/ns/${file}`));
    } catch {
      // namespace type not in this kernel
    }
  }
  const status = read("/proc/self/status") ?? "";
  const capBound = BigInt("0x" + (/^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? "0"));
  const blk = blockDevices();
  return {
    arch,
    kernel,
    cgroup: cgroupHost(`${prefix}-probe`, blk.real),
    ns,
    capBound,
    capLast: Number(read("/proc/sys/kernel/cap_last_cap") ?? "40"),
    apparmor: (read("/sys/module/apparmor/parameters/enabled") ?? "").trim() === "Y",
    selinux: existsSync("/sys/fs/selinux/enforce"),
    blockDevice: blk.real,
    anyBlockDevice: blk.any,
    hugepageSizes: existsSync("/sys/kernel/mm/hugepages") ? readdirSync("/sys/kernel/mm/hugepages").map((d) => d.replace("hugepages-", "")) : [],
    limits: limits(),
    resctrl: mountinfo().some((m) => m.fstype === "resctrl"),
    userns: Number(read("/proc/sys/user/max_user_namespaces") ?? "0") > 0,
    timens: ns.has("time"),
    gcc: has("gcc", ["--version"]),
    syscalls: syscallNames(arch),
    numa: existsSync("/proc/self/numa_maps"),
    veth: vethPairs(`${prefix.slice(0, 8)}v`),
  };
}

/** The cgroup v1 mount point holding `controller`, or the unified mount on a v2 host. */
export function cgroupDir(host: Host, controller: string): string | undefined {
  if (host.cgroup.mode === "v2") return host.cgroup.unified;
  return host.cgroup.v1.get(controller);
}

/** Whether a fresh cgroup of the hierarchy holding `controller` has `file`. */
export function cgroupHasFile(host: Host, controller: string, file: string): boolean {
  const dir = cgroupDir(host, controller);
  return dir !== undefined && (host.cgroup.files.get(dir)?.has(file) ?? false);
}
