// Cgroups: cgroupsPath, and every resource this host's cgroup layout can
// apply, judged by the cgroup files after create (v1 files on a v1 or hybrid
// host, v2 files on a v2 host); resources the host cannot apply must be
// refused; device access rules in order; the pids limit in effect;
// `unified` keys; Intel RDT without resctrl.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type Check, type T } from "../_check.ts";
import { created, expectCreateFails, procCgroups, runInside } from "../_helpers.ts";
import { cgroupHasFile, type Host } from "../_host.ts";
import { APPLIED, CANNOT_APPLY } from "../_spec.ts";

type Obj = Record<string, unknown>;

/** Expected content of one cgroup file: exact (trimmed) text or a pattern. */
type Want = string | RegExp;

interface CgCase {
  id: string;
  title: string;
  resources: (h: Host) => Obj;
  /** [controller, file, expected] on a v1 (or hybrid) host */
  v1?: [string, string, Want][];
  /** [file, expected] on a v2 host */
  v2?: [string, Want][];
  /** extra host requirement */
  needs?: (h: Host) => string | undefined;
  spec?: { file: "config-linux.md" | "runtime.md"; quote: string };
}

const MiB = 1024 * 1024;
const v2Weight = (shares: number) => String(1 + Math.floor(((shares - 2) * 9999) / 262142));
const dev = (h: Host) => h.blockDevice!.split(":").map(Number) as [number, number];
const needsBlock = (h: Host) => (h.blockDevice ? undefined : "the host has no block device to throttle");

const CASES: CgCase[] = [
  { id: "memory-limit", title: "memory.limit", resources: () => ({ memory: { limit: 64 * MiB } }), v1: [["memory", "memory.limit_in_bytes", String(64 * MiB)]], v2: [["memory.max", String(64 * MiB)]] },
  { id: "memory-reservation", title: "memory.reservation", resources: () => ({ memory: { limit: 64 * MiB, reservation: 32 * MiB } }), v1: [["memory", "memory.soft_limit_in_bytes", String(32 * MiB)]], v2: [["memory.low", String(32 * MiB)]] },
  { id: "memory-swap", title: "memory.swap (memory plus swap)", resources: () => ({ memory: { limit: 64 * MiB, swap: 128 * MiB } }), v1: [["memory", "memory.memsw.limit_in_bytes", String(128 * MiB)]], v2: [["memory.swap.max", String(64 * MiB)]] },
  { id: "memory-kernel", title: "memory.kernel", resources: () => ({ memory: { limit: 64 * MiB, kernel: 32 * MiB } }), v1: [["memory", "memory.kmem.limit_in_bytes", String(32 * MiB)]] },
  { id: "memory-kernel-tcp", title: "memory.kernelTCP", resources: () => ({ memory: { limit: 64 * MiB, kernelTCP: 16 * MiB } }), v1: [["memory", "memory.kmem.tcp.limit_in_bytes", String(16 * MiB)]] },
  { id: "memory-swappiness", title: "memory.swappiness", resources: () => ({ memory: { swappiness: 17 } }), v1: [["memory", "memory.swappiness", "17"]] },
  { id: "memory-disable-oom-killer", title: "memory.disableOOMKiller", resources: () => ({ memory: { disableOOMKiller: true } }), v1: [["memory", "memory.oom_control", /oom_kill_disable 1/]] },
  { id: "cpu-shares", title: "cpu.shares", resources: () => ({ cpu: { shares: 512 } }), v1: [["cpu", "cpu.shares", "512"]], v2: [["cpu.weight", v2Weight(512)]] },
  { id: "cpu-quota-period", title: "cpu.quota and cpu.period", resources: () => ({ cpu: { quota: 50000, period: 100000 } }), v1: [["cpu", "cpu.cfs_quota_us", "50000"], ["cpu", "cpu.cfs_period_us", "100000"]], v2: [["cpu.max", "50000 100000"]] },
  { id: "cpu-burst", title: "cpu.burst", resources: () => ({ cpu: { quota: 50000, period: 100000, burst: 10000 } }), v1: [["cpu", "cpu.cfs_burst_us", "10000"]], v2: [["cpu.max.burst", "10000"]] },
  { id: "cpu-realtime", title: "cpu.realtimeRuntime and cpu.realtimePeriod", resources: () => ({ cpu: { realtimeRuntime: 1000, realtimePeriod: 1000000 } }), v1: [["cpu", "cpu.rt_runtime_us", "1000"], ["cpu", "cpu.rt_period_us", "1000000"]] },
  { id: "cpu-idle", title: "cpu.idle", resources: () => ({ cpu: { idle: 1 } }), v1: [["cpu", "cpu.idle", "1"]], v2: [["cpu.idle", "1"]] },
  { id: "cpu-cpus", title: "cpu.cpus", resources: () => ({ cpu: { cpus: "0" } }), v1: [["cpuset", "cpuset.cpus", "0"]], v2: [["cpuset.cpus", "0"]] },
  { id: "cpu-mems", title: "cpu.mems", resources: () => ({ cpu: { mems: "0" } }), v1: [["cpuset", "cpuset.mems", "0"]], v2: [["cpuset.mems", "0"]] },
  { id: "pids-limit", title: "pids.limit", resources: () => ({ pids: { limit: 42 } }), v1: [["pids", "pids.max", "42"]], v2: [["pids.max", "42"]] },
  { id: "pids-limit-unlimited", title: "pids.limit -1 is max", resources: () => ({ pids: { limit: -1 } }), v1: [["pids", "pids.max", "max"]], v2: [["pids.max", "max"]] },
  {
    id: "pids-limit-zero", title: "pids.limit 0 is a limit of 0", resources: () => ({ pids: { limit: 0 } }), v1: [["pids", "pids.max", "0"]], v2: [["pids.max", "0"]],
    spec: { file: "config-linux.md", quote: "Note: Even though it may superficially seem redundant, 0 is a valid limit value for the pids cgroup controller from the kernel's perspective and SHOULD be treated as such by runtimes." },
  },
  { id: "blkio-weight", title: "blockIO.weight", resources: () => ({ blockIO: { weight: 300 } }), v1: [["blkio", "blkio.weight|blkio.bfq.weight", /(^|\s)300$/m]], v2: [["io.weight|io.bfq.weight", /default 300/]] },
  { id: "blkio-leaf-weight", title: "blockIO.leafWeight", resources: () => ({ blockIO: { leafWeight: 300 } }), v1: [["blkio", "blkio.leaf_weight", "300"]] },
  {
    id: "blkio-weight-device", title: "blockIO.weightDevice", needs: needsBlock,
    resources: (h) => ({ blockIO: { weightDevice: [{ major: dev(h)[0], minor: dev(h)[1], weight: 300 }] } }),
    v1: [["blkio", "blkio.weight_device|blkio.bfq.weight_device", /(^|\s)\d+:\d+ 300$/m]], v2: [["io.weight|io.bfq.weight", /\d+:\d+ 300/]],
  },
  ...(["Read", "Write"] as const).flatMap((rw): CgCase[] => [
    {
      id: `blkio-throttle-${rw.toLowerCase()}-bps`, title: `blockIO.throttle${rw}BpsDevice`, needs: needsBlock,
      resources: (h) => ({ blockIO: { [`throttle${rw}BpsDevice`]: [{ major: dev(h)[0], minor: dev(h)[1], rate: MiB }] } }),
      v1: [["blkio", `blkio.throttle.${rw.toLowerCase()}_bps_device`, /\d+:\d+ 1048576/]], v2: [["io.max", new RegExp(`${rw === "Read" ? "rbps" : "wbps"}=1048576`)]],
    },
    {
      id: `blkio-throttle-${rw.toLowerCase()}-iops`, title: `blockIO.throttle${rw}IOPSDevice`, needs: needsBlock,
      resources: (h) => ({ blockIO: { [`throttle${rw}IOPSDevice`]: [{ major: dev(h)[0], minor: dev(h)[1], rate: 100 }] } }),
      v1: [["blkio", `blkio.throttle.${rw.toLowerCase()}_iops_device`, /\d+:\d+ 100$/m]], v2: [["io.max", new RegExp(`${rw === "Read" ? "riops" : "wiops"}=100`)]],
    },
  ]),
];

/** Files some probe found to ignore writes, or to refuse the value. */
const PROBED = new Set(["memory.kmem.limit_in_bytes", "memory.kmem.tcp.limit_in_bytes", "cpu.rt_runtime_us", "blkio.weight", "blkio.leaf_weight", "blkio.bfq.weight", "blkio.weight_device", "blkio.bfq.weight_device"]);

/** Why this host cannot show the case's effect, or undefined; `chosen` gets the alternatives the host has. */
function unsupported(h: Host, c: CgCase): string | undefined {
  const extra = c.needs?.(h);
  if (extra) return extra;
  if (h.cgroup.mode === "none") return "no cgroup filesystem is mounted";
  if (h.cgroup.mode === "v2") {
    if (!c.v2) return "no cgroup v2 equivalent";
    for (const [files] of c.v2) {
      const ctrl = files.split(".")[0]!;
      if (!h.cgroup.unifiedControllers.includes(ctrl)) return `the cgroup2 hierarchy has no ${ctrl} controller`;
    }
    return undefined;
  }
  if (!c.v1) return "no cgroup v1 equivalent";
  for (const [ctrl, files] of c.v1) {
    if (!h.cgroup.v1.has(ctrl)) return `no cgroup v1 ${ctrl} hierarchy`;
    const alts = files.split("|");
    const present = alts.filter((f) => cgroupHasFile(h, ctrl, f));
    if (present.length === 0) return `the host's ${ctrl} cgroups have no ${alts.join(" or ")}`;
    if (present.every((f) => PROBED.has(f) && !h.cgroup.effective.has(f))) return `the host kernel does not apply ${present.join(" or ")} (a probe write did not take)`;
  }
  return undefined;
}

function readAlt(dir: string, files: string): { file: string; text?: string } {
  for (const f of files.split("|")) {
    const p = join(dir, f);
    if (existsSync(p)) {
      try {
        return { file: f, text: readFileSync(p, "utf8").trim() };
      } catch (e) {
        return { file: f, text: `(unreadable: ${(e as Error).message})` };
      }
    }
  }
  return { file: files };
}

function matches(text: string, want: Want): boolean {
  return typeof want === "string" ? text === want : want.test(text);
}

const resourceCheck = (c: CgCase): Check =>
  check({
    id: `cgroups.${c.id}`,
    area: "cgroups",
    title: `${c.title} is written to the container's cgroup`,
    spec: c.spec ?? APPLIED,
    about: "config-linux.md#control-groups",
    needs: (h) => unsupported(h, c),
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000", edit: (cfg) => { cfg.linux.resources = { ...cfg.linux.resources, ...c.resources(t.host) }; } });
      await created(t, b);
      const path = b.config.linux.cgroupsPath!;
      const wants: [string, string, Want][] = t.host.cgroup.mode === "v2" ? c.v2!.map(([f, w]) => ["", f, w]) : c.v1!;
      for (const [ctrl, files, want] of wants) {
        const root = t.host.cgroup.mode === "v2" ? t.host.cgroup.unified! : t.host.cgroup.v1.get(ctrl)!;
        const got = readAlt(join(root, path), files);
        t.ok(got.text !== undefined && matches(got.text, want), `${got.file} in ${join(root, path)}`, `got ${JSON.stringify(got.text ?? "(no such file)")}, want ${want}`);
      }
    },
  });

/** A resource whose controller this host lacks: applied somewhere visible, or create refused. */
interface ApplyOrRefuse {
  id: string;
  title: string;
  resources: (h: Host) => Obj;
  /** candidate files: [hierarchy mount point, file, expected] */
  files: (h: Host) => [string, string, Want][];
  needs?: (h: Host) => string | undefined;
}

const APPLY_OR_REFUSE: ApplyOrRefuse[] = [
  {
    id: "hugepage-limits", title: "hugepageLimits (2MB)",
    resources: () => ({ hugepageLimits: [{ pageSize: "2MB", limit: 8 * MiB }] }),
    needs: (h) => (h.hugepageSizes.includes("2048kB") ? undefined : "the host has no 2 MB huge pages"),
    files: (h) => [
      ...(h.cgroup.v1.has("hugetlb") ? [[h.cgroup.v1.get("hugetlb")!, "hugetlb.2MB.limit_in_bytes", String(8 * MiB)] as [string, string, Want]] : []),
      ...(h.cgroup.unified && h.cgroup.unifiedControllers.includes("hugetlb") ? [[h.cgroup.unified, "hugetlb.2MB.max", String(8 * MiB)] as [string, string, Want]] : []),
    ],
  },
  {
    id: "network-class-id", title: "network.classID",
    resources: () => ({ network: { classID: 1048577 } }),
    files: (h) => (h.cgroup.v1.has("net_cls") ? [[h.cgroup.v1.get("net_cls")!, "net_cls.classid", "1048577"]] : []),
  },
  {
    id: "network-priorities", title: "network.priorities",
    resources: () => ({ network: { priorities: [{ name: "lo", priority: 5 }] } }),
    files: (h) => (h.cgroup.v1.has("net_prio") ? [[h.cgroup.v1.get("net_prio")!, "net_prio.ifpriomap", /^lo 5$/m]] : []),
  },
  {
    id: "memory-use-hierarchy-off", title: "memory.useHierarchy false",
    resources: () => ({ memory: { useHierarchy: false } }),
    needs: (h) => (h.cgroup.mode === "v1" || h.cgroup.mode === "hybrid" ? undefined : "no cgroup v1 memory hierarchy"),
    files: (h) => (h.cgroup.effective.has("memory.use_hierarchy") ? [[h.cgroup.v1.get("memory")!, "memory.use_hierarchy", "0"]] : []),
  },
];

const applyOrRefuseCheck = (c: ApplyOrRefuse): Check =>
  check({
    id: `cgroups.${c.id}`,
    area: "cgroups",
    title: `${c.title}: applied where the host can, refused where it cannot`,
    spec: CANNOT_APPLY,
    about: "config-linux.md#control-groups",
    needs: c.needs,
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000", edit: (cfg) => { cfg.linux.resources = { ...cfg.linux.resources, ...c.resources(t.host) }; } });
      const files = c.files(t.host);
      if (files.length === 0) {
        t.note("this host has no cgroup file for it: create must fail");
        await expectCreateFails(t, b, `the host cannot apply ${c.title}`);
        return;
      }
      const cr = await b.create();
      if (cr.status !== 0) {
        t.note("create refused it");
        return;
      }
      const path = b.config.linux.cgroupsPath!;
      const seen = files.map(([root, f, want]) => ({ p: join(root, path, f), r: readAlt(join(root, path), f), want }));
      t.ok(seen.some((s) => s.r.text !== undefined && matches(s.r.text, s.want)), "create succeeded, so the value is in the container's cgroup",
        seen.map((s) => `${s.p}: ${JSON.stringify(s.r.text ?? "(no such file)")}`).join("; "));
    },
  });

/** Opens /dev/cf-fuse (10:229) for reading and for writing; EPERM means the device cgroup refused. */
const OPEN_RW = `r=$( (exec 3</dev/cf-fuse) 2>&1 ); w=$( (exec 3>/dev/cf-fuse) 2>&1 )`;
const devRules = (rules: Obj[]) => (c: { linux: { devices?: Obj[]; resources?: Obj } }) => {
  c.linux.devices = [{ path: "/dev/cf-fuse", type: "c", major: 10, minor: 229, fileMode: 0o666 }];
  c.linux.resources = { ...c.linux.resources, devices: [{ allow: false, access: "rwm" }, ...rules] };
};
const needsDevices = (h: Host) => (h.cgroup.v1.has("devices") || h.cgroup.mode === "v2" ? undefined : "no devices cgroup controller");

export default [
  check({
    id: "cgroups.path-absolute",
    area: "cgroups",
    title: "an absolute cgroupsPath is taken from the root of each hierarchy",
    spec: { file: "config-linux.md", quote: "In the case of an absolute path (starting with /), the runtime MUST take the path to be relative to the cgroups mount point." },
    needs: (h) => (h.cgroup.mode === "none" ? "no cgroup filesystem is mounted" : undefined),
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000" });
      b.config.linux.cgroupsPath = `/${b.id}/nested`;
      b.config.linux.resources = { ...b.config.linux.resources, pids: { limit: 100 }, memory: { limit: 256 * MiB } };
      b.save();
      const st = await created(t, b);
      const cg = procCgroups(st.pid!);
      const ctrls = t.host.cgroup.mode === "v2" ? [""] : ["pids", "memory"].filter((c) => t.host.cgroup.v1.has(c));
      for (const c of ctrls) t.eq(cg.get(c), `/${b.id}/nested`, `${c || "cgroup2"} path of the container process`);
      for (const c of ctrls) {
        const root = c === "" ? t.host.cgroup.unified! : t.host.cgroup.v1.get(c)!;
        t.ok(existsSync(join(root, b.id, "nested")), `${join(root, b.id, "nested")} exists`);
      }
    },
  }),
  ...CASES.map(resourceCheck),
  ...APPLY_OR_REFUSE.map(applyOrRefuseCheck),
  check({
    id: "cgroups.rdma-unknown-device",
    area: "cgroups",
    title: "an rdma limit for a device that does not exist is refused",
    spec: CANNOT_APPLY,
    about: "config-linux.md#rdma",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.resources = { ...c.linux.resources, rdma: { "cf-no-such-hca": { hcaHandles: 3 } } }; } });
      await expectCreateFails(t, b, "there is no such RDMA device (or no rdma controller)");
    },
  }),
  check({
    id: "cgroups.pids-limit-enforced",
    area: "cgroups",
    title: "pids.limit stops the container from forking past it",
    spec: APPLIED,
    about: "config-linux.md#pids",
    needs: (h) => (h.cgroup.v1.has("pids") || h.cgroup.unifiedControllers.includes("pids") ? undefined : "no pids cgroup controller"),
    async run(t: T) {
      const b = t.ws.bundle({
        // a failed fork ends a non-interactive shell: the forks are tried in a
        // subshell, and the checker waits for its sleeps before it forks again
        script: `( for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait ) 2>/tmp/err\nsleep 3\nmatch "forks past the limit fail" "$(cat /tmp/err)" "fork|emporarily"`,
        edit: (c) => { c.linux.resources = { ...c.linux.resources, pids: { limit: 6 } }; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "cgroups.devices-deny",
    area: "cgroups",
    title: "a device node the allow list does not cover cannot be opened",
    spec: APPLIED,
    about: "config-linux.md#allowed-device-list",
    needs: needsDevices,
    async run(t: T) {
      const b = t.ws.bundle({ script: `${OPEN_RW}\nmatch "opening for reading is refused" "$r" "not permitted"\nmatch "opening for writing is refused" "$w" "not permitted"`, edit: devRules([]) });
      await runInside(t, b);
    },
  }),
  check({
    id: "cgroups.devices-order",
    area: "cgroups",
    title: "device rules apply in the listed order (allow rw then deny w: reads pass, writes are refused)",
    spec: { file: "config-linux.md", quote: "The runtime MUST apply entries in the listed order." },
    needs: needsDevices,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `${OPEN_RW}\nnomatch "opening for reading is not refused by the cgroup" "$r" "not permitted"\nmatch "opening for writing is refused" "$w" "not permitted"`,
        edit: devRules([{ allow: true, type: "c", major: 10, minor: 229, access: "rw" }, { allow: false, type: "c", major: 10, minor: 229, access: "w" }]),
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "cgroups.devices-order-reversed",
    area: "cgroups",
    title: "device rules apply in the listed order (deny w then allow rw: both pass)",
    spec: { file: "config-linux.md", quote: "The runtime MUST apply entries in the listed order." },
    needs: needsDevices,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `${OPEN_RW}\nnomatch "opening for reading is not refused by the cgroup" "$r" "not permitted"\nnomatch "opening for writing is not refused by the cgroup" "$w" "not permitted"`,
        edit: devRules([{ allow: false, type: "c", major: 10, minor: 229, access: "w" }, { allow: true, type: "c", major: 10, minor: 229, access: "rw" }]),
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "cgroups.unified-missing-controller",
    area: "cgroups",
    title: "a unified key for a controller the cgroup2 hierarchy lacks is refused",
    spec: { file: "config-linux.md", quote: "The runtime MUST generate an error when the configuration refers to a cgroup controller that is not present or that cannot be enabled." },
    needs: (h) => (["pids", "memory", "cpu", "io"].some((c) => !h.cgroup.unifiedControllers.includes(c)) ? undefined : "the cgroup2 hierarchy has every controller the check could use"),
    async run(t: T) {
      const ctrl = ["pids", "memory", "cpu", "io"].find((c) => !t.host.cgroup.unifiedControllers.includes(c))!;
      const key = { pids: ["pids.max", "10"], memory: ["memory.max", "67108864"], cpu: ["cpu.weight", "50"], io: ["io.weight", "default 50"] }[ctrl as "pids"]!;
      t.note(`${key[0]}: the cgroup2 hierarchy has no ${ctrl} controller`);
      const b = t.ws.bundle({ edit: (c) => { c.linux.resources = { ...c.linux.resources, unified: { [key[0]!]: key[1]! } }; } });
      await expectCreateFails(t, b, `the cgroup2 hierarchy has no ${ctrl} controller`);
    },
  }),
  check({
    id: "cgroups.unified-write",
    area: "cgroups",
    title: "a unified key for a controller the cgroup2 hierarchy has is written, the controller enabled",
    spec: { file: "config-linux.md", quote: "The OCI runtime MUST ensure that the needed cgroup controllers are enabled for the cgroup." },
    needs: (h) => (!h.cgroup.unified ? "no cgroup2 hierarchy" : h.cgroup.unifiedControllers.some((c) => c === "pids" || (c === "hugetlb" && h.hugepageSizes.includes("2048kB"))) ? undefined : "the cgroup2 hierarchy has neither pids nor 2 MB hugetlb"),
    async run(t: T) {
      const [key, value] = t.host.cgroup.unifiedControllers.includes("pids") ? ["pids.max", "10"] : ["hugetlb.2MB.max", String(4 * MiB)];
      const b = t.ws.bundle({ script: "exec sleep 1000", edit: (c) => { c.linux.resources = { ...c.linux.resources, unified: { [key]: value } }; } });
      await created(t, b);
      const f = join(t.host.cgroup.unified!, b.config.linux.cgroupsPath!, key);
      t.eq(existsSync(f) ? readFileSync(f, "utf8").trim() : "(no such file)", value, f);
    },
  }),
  check({
    id: "cgroups.intel-rdt-without-resctrl",
    area: "cgroups",
    title: "intelRdt on a host without a resctrl filesystem is refused",
    spec: { file: "config-linux.md", quote: "If no mounted resctrl pseudo-filesystem is available in the runtime mount namespace, the runtime MUST generate an error." },
    needs: (h) => (h.resctrl ? "the host has resctrl mounted (the suite does not change it)" : undefined),
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.intelRdt = { closID: "cf-clos" }; } });
      await expectCreateFails(t, b, "there is no resctrl filesystem");
    },
  }),
];
