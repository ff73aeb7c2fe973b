/**
 * `linux.mountLabel`: the SELinux context of the container's mounts, given
 * to the kernel as the `context="..."` mount option. As in runc, it goes on
 * the filesystems the container mounts itself (tmpfs, devpts, ...), not on
 * bind mounts, remounts, proc, sysfs, mqueue or cgroup mounts; and on a host
 * without SELinux it is ignored (go-selinux's FormatMountLabel adds nothing
 * there), so a config written for an SELinux host still runs.
 *
 * @example
 * ```ts
 * applyMountLabel(mountOps, "system_u:object_r:container_file_t:s0:c1,c2", { selinux: true });
 * // tmpfs data "mode=755" becomes 'mode=755,context="system_u:object_r:container_file_t:s0:c1,c2"'
 * ```
 */
import type { Op } from "../process/protocol.ts";
import { MS_BIND, MS_REMOUNT } from "../mount_options.ts";
import { lsmFacts } from "../process_ops.ts";

const UNLABELLED = new Set(["", "proc", "sysfs", "mqueue", "cgroup", "cgroup2", "bind"]);

export function applyMountLabel(ops: Op[], label: string | undefined, host: { selinux: boolean } = { get selinux() { return lsmFacts().selinux; } }): Op[] {
  if (!label || !host.selinux) return ops;
  return ops.map((o) => {
    if (o.op !== "mount" || UNLABELLED.has(o.fstype) || o.flags & (MS_BIND | MS_REMOUNT)) return o;
    const context = `context="${label}"`;
    return { ...o, data: o.data ? `${o.data},${context}` : context };
  });
}
