/**
 * How this host mounts its cgroups, from /proc/self/mountinfo: "v2" when one
 * cgroup2 hierarchy is mounted at /sys/fs/cgroup (the unified layout),
 * otherwise "v1" with one mount per v1 hierarchy, plus the cgroup2 mount of
 * a hybrid layout (usually /sys/fs/cgroup/unified). Only mounts under the
 * cgroup base directory count, so a hierarchy mounted elsewhere for some
 * other purpose is never picked up.
 *
 * @example
 * ```ts
 * const layout = cgroupLayout();
 * layout.version;          // 1 on this hybrid host
 * layout.v1.memory?.mount; // "/sys/fs/cgroup/memory"
 * layout.unified?.mount;   // "/sys/fs/cgroup/unified"
 * ```
 */
import { readFileSync } from "node:fs";

/** The v1 subsystems the kernel knows (/proc/cgroups); named hierarchies are `name=X`. */
export const V1_SUBSYSTEMS = [
  "cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb",
  "pids", "rdma", "misc",
] as const;

export interface CgroupMount {
  /** mount point, e.g. /sys/fs/cgroup/memory */
  mount: string;
  /** the cgroup shown at the mount point (mountinfo's root field; "/" unless bind-mounted from a subtree) */
  root: string;
}

export interface CgroupLayout {
  /** 2: unified layout; 1: v1 hierarchies (maybe with a hybrid cgroup2 mount in `unified`) */
  version: 1 | 2;
  /** v1 subsystem (or `name=X`) -> its hierarchy's mount */
  v1: Record<string, CgroupMount>;
  /** the cgroup2 mount: the whole tree on v2, the hybrid one on v1 */
  unified?: CgroupMount;
}

export function cgroupLayout(mountinfo?: string, base = "/sys/fs/cgroup"): CgroupLayout {
  const text = mountinfo ?? readFileSync("/proc/self/mountinfo", "utf8");
  const v1: Record<string, CgroupMount> = {};
  let unified: CgroupMount | undefined;
  let whole: CgroupMount | undefined;
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(" ");
    const [fstype, , superOpts = ""] = line.slice(sep + 3).split(" ");
    const root = unescape(fields[3] ?? "/");
    const mount = unescape(fields[4] ?? "");
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    if (mount !== base && !mount.startsWith(base + "/")) continue;
    if (fstype === "cgroup2") {
      if (mount === base) whole = { mount, root };
      else unified ??= { mount, root };
      continue;
    }
    for (const opt of superOpts.split(",")) {
      if ((V1_SUBSYSTEMS as readonly string[]).includes(opt) || opt.startsWith("name=")) v1[opt] ??= { mount, root };
    }
  }
  if (whole) return { version: 2, v1: {}, unified: whole };
  if (Object.keys(v1).length === 0 && unified) return { version: 2, v1: {}, unified };
  return unified ? { version: 1, v1, unified } : { version: 1, v1 };
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The cgroups of a process from /proc/PID/cgroup: v1 subsystem (or
 * `name=X`) -> path, and "" -> the cgroup2 path.
 */
export function processCgroups(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === "") out[""] = m[2]!;
    else for (const s of m[1]!.split(",")) out[s] = m[2]!;
  }
  return out;
}
