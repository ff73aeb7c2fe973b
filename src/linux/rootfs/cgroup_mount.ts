/**
 * A `cgroup` mount in config.json: on a cgroup v2 host one cgroup2 mount;
 * on a v1 or hybrid host a tmpfs at the destination holding one mount per
 * v1 hierarchy the host has (named as on the host, e.g. `cpu`, `memory`,
 * `systemd`) plus `unified` where the host mounts cgroup2 there. In a new
 * cgroup namespace each shows the container's own cgroup as its root.
 * Without one, given the container's cgroup directories (`own`), each
 * hierarchy is instead a bind mount of the container's own directory, as
 * runc does, so the container never sees the host's whole tree.
 *
 * @example
 * ```ts
 * cgroupMountOps("/sys/fs/cgroup", parseMountOptions(["ro"]), "mounts[6]");
 * // no cgroup namespace: bind the container's directories
 * cgroupMountOps("/sys/fs/cgroup", opts, "mounts[6]", hostCgroupMounts(), { "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/rongqi/web" });
 * ```
 */
import { readFileSync } from "node:fs";
import type { Op } from "../process/protocol.ts";
import { MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RELATIME, MS_RDONLY, MS_REMOUNT, type ParsedMountOptions } from "../mount_options.ts";

export interface HostCgroupMount {
  /** name under the cgroup root, e.g. "memory", "cpu,cpuacct", "unified" */
  name: string;
  fstype: "cgroup" | "cgroup2";
  /** super options that select the hierarchy, e.g. "memory" or "name=systemd" */
  data: string;
}

/** The cgroup hierarchies mounted under /sys/fs/cgroup on this host, from mountinfo. */
export function hostCgroupMounts(mountinfo = readFileSync("/proc/self/mountinfo", "utf8")): HostCgroupMount[] {
  const out: HostCgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(" ");
    const [fstype, , superOpts] = line.slice(sep + 3).split(" ");
    const mountPoint = fields[4] ?? "";
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    if (mountPoint === "/sys/fs/cgroup") {
      out.push({ name: "", fstype, data: "" });
      continue;
    }
    if (!mountPoint.startsWith("/sys/fs/cgroup/")) continue;
    const name = mountPoint.slice("/sys/fs/cgroup/".length);
    if (name.includes("/")) continue;
    const data = fstype === "cgroup2" ? "" : (superOpts ?? "").split(",").filter((o) => o !== "rw" && o !== "ro").join(",");
    out.push({ name, fstype, data });
  }
  return out;
}

/**
 * A bind mount of the container's own cgroup directory `source` on
 * `target`, then a remount for the mount's flags (read-only, nosuid, ...).
 */
function bindOwn(source: string, target: string, flags: number, field: string): Op[] {
  return [
    {
      op: "mount", source, target, fstype: "", data: "", flags: MS_BIND, create: 1, inRoot: true, keepFlags: false,
      desc: { step: `bind-mount the container's cgroup ${source} on ${target}`, field, path: target, syscall: "mount" },
    },
    {
      op: "mount", source: "", target, fstype: "", data: "", flags: MS_BIND | MS_REMOUNT | (flags & ~MS_REMOUNT), create: 0, inRoot: true, keepFlags: true,
      desc: { step: `apply the mount's options to ${target}`, field, path: target, syscall: "mount(MS_REMOUNT)" },
    },
  ];
}

/**
 * `own`: without a cgroup namespace, the container's cgroup directory by
 * host mount point (e.g. "/sys/fs/cgroup/memory" -> ".../memory/rongqi/web");
 * a hierarchy it lacks is mounted whole.
 */
export function cgroupMountOps(dest: string, opts: ParsedMountOptions, field: string, host = hostCgroupMounts(), own?: Record<string, string>): Op[] {
  const flags = opts.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const unified = host.find((h) => h.name === "" && h.fstype === "cgroup2");
  const ownDir = (name: string) => own?.[name ? `/sys/fs/cgroup/${name}` : "/sys/fs/cgroup"];
  if (unified && ownDir("")) return bindOwn(ownDir("")!, dest, flags, field);
  if (unified || host.length === 0) {
    return [{
      op: "mount", source: "cgroup2", target: dest, fstype: "cgroup2", data: "", flags, create: 1, inRoot: true, keepFlags: false,
      desc: { step: `mount cgroup2 on ${dest}`, field, path: dest, syscall: "mount" },
    }];
  }
  const ops: Op[] = [{
    op: "mount", source: "tmpfs", target: dest, fstype: "tmpfs", data: "mode=755", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME,
    create: 1, inRoot: true, keepFlags: false,
    desc: { step: `mount tmpfs on ${dest} for the cgroup v1 hierarchies`, field, path: dest, syscall: "mount" },
  }];
  for (const h of host) {
    if (!h.name) continue;
    const target = `${dest}/${h.name}`;
    const mine = ownDir(h.name);
    if (mine) {
      ops.push(...bindOwn(mine, target, flags, field));
      continue;
    }
    ops.push({
      op: "mount", source: "cgroup", target, fstype: h.fstype, data: h.data, flags, create: 1, inRoot: true, keepFlags: false,
      desc: { step: `mount cgroup hierarchy ${h.name} on ${target}`, field, path: target, syscall: "mount" },
    });
  }
  if (opts.flags & MS_RDONLY) {
    ops.push({
      op: "mount", source: "", target: dest, fstype: "", data: "", flags: MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME,
      create: 0, inRoot: true, keepFlags: false,
      desc: { step: `make ${dest} read-only`, field, path: dest, syscall: "mount(MS_REMOUNT)" },
    });
  }
  return ops;
}
