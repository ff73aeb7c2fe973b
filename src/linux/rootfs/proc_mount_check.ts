/**
 * Which mounts may go on or under /proc (the equivalent of runc's
 * checkProcMount). A mount inside /proc could cover a masked file, an LSM
 * attribute or a sysctl that a read-only /proc/sys protects, so only these
 * are allowed:
 *
 * - on /proc itself: a fresh procfs (`type: "proc"`), or a bind of the root
 *   of a procfs;
 * - under /proc: the files lxcfs emulates (cpuinfo, meminfo, ...), which
 *   tools bind over the real ones.
 *
 * The destination is checked here as written (after `..` is folded), for a
 * clear error naming the field; the helper checks the target again once it
 * is resolved (a symlink in the image can lead into /proc too) and refuses
 * any other target inside a procfs (native/PROTOCOL.md, MOUNT).
 *
 * {@link unmaskedKernelMounts} refuses a second procfs or sysfs mounted
 * elsewhere while linux.maskedPaths or linux.readonlyPaths protect /proc or
 * /sys: those apply at their paths only, so `/proc2/sys` would be writable
 * and `/proc2/kcore` readable.
 *
 * @example
 * ```ts
 * procMountCheck("/proc/meminfo", { type: "bind", source: "/var/lib/lxcfs/proc/meminfo" }, "mounts[7]"); // { procTarget: true }
 * procMountCheck("/proc/sys", { type: "tmpfs" }, "mounts[8]"); // throws: inside /proc
 * unmaskedKernelMounts([{ destination: "/proc2", type: "proc" }], { maskedPaths: ["/proc/kcore"] }); // throws
 * ```
 */
import { statfsSync, statSync } from "node:fs";
import { posix } from "node:path";
import { RongqiError } from "../../errors.ts";

/** Files under /proc that may be mounted over (what lxcfs provides). */
export const PROC_MOUNTABLE: readonly string[] = [
  "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
  "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
];

const PROC_SUPER_MAGIC = 0x9fa0;

function isProcfsRoot(path: string): boolean {
  try {
    return statfsSync(path).type === PROC_SUPER_MAGIC && statSync(path).ino === 1;
  } catch {
    return false;
  }
}

/**
 * Throws a clear error for a mount the rules above forbid; `procTarget`
 * tells the helper the destination is an allowed file inside /proc.
 */
export function procMountCheck(dest: string, m: { type?: string; source?: string }, field: string, bind: boolean, source?: string): { procTarget: boolean } {
  const path = posix.normalize(dest).replace(/\/+$/, "") || "/";
  if (path === "/proc") {
    if (m.type === "proc" || (bind && source !== undefined && isProcfsRoot(source))) return { procTarget: false };
    throw new RongqiError(`${field}.destination: only a procfs may be mounted on /proc (type "proc", or a bind of a procfs), not ${bind ? `a bind of "${source}"` : `"${m.type}"`}`);
  }
  if (!path.startsWith("/proc/")) return { procTarget: false };
  if (PROC_MOUNTABLE.includes(path)) return { procTarget: true };
  throw new RongqiError(`${field}.destination: "${dest}" is inside /proc, where a mount could hide or unmask kernel files; only ${PROC_MOUNTABLE.join(", ")} may be mounted over`);
}

/** The kernel file systems whose files linux.maskedPaths and linux.readonlyPaths protect, by their usual place. */
const KERNEL_FS: Record<string, string> = { proc: "/proc", sysfs: "/sys" };

/**
 * Throws when a fresh procfs or sysfs is mounted somewhere other than its
 * usual place while masked or read-only paths protect that place.
 */
export function unmaskedKernelMounts(
  mounts: readonly { destination: string; type?: string }[] | undefined,
  linux: { maskedPaths?: string[]; readonlyPaths?: string[] } | undefined,
): void {
  const protectedPaths = [...(linux?.maskedPaths ?? []), ...(linux?.readonlyPaths ?? [])];
  (mounts ?? []).forEach((m, i) => {
    const home = m.type === undefined ? undefined : KERNEL_FS[m.type];
    if (!home) return;
    const dest = posix.normalize("/" + m.destination).replace(/(.)\/+$/, "$1");
    if (dest === home) return;
    const guarded = protectedPaths.filter((p) => p === home || p.startsWith(home + "/"));
    if (!guarded.length) return;
    throw new RongqiError(
      `mounts[${i}]: a ${m.type} on "${m.destination}" would show what linux.maskedPaths and linux.readonlyPaths hide or protect under ${home} (${guarded.slice(0, 3).join(", ")}${guarded.length > 3 ? ", ..." : ""}); mount ${m.type} on ${home} only`,
    );
  });
}
