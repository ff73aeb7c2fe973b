/**
 * The Linux capabilities the kernel defines (include/uapi/linux/capability.h),
 * by the names the runtime spec uses, with their bit numbers.
 *
 * @example
 * ```ts
 * import { CAPABILITIES, capabilityNumber } from "./capabilities_list.ts";
 * capabilityNumber("CAP_SYS_ADMIN"); // 21
 * CAPABILITIES.length;               // 41 (CAP_CHOWN=0 .. CAP_CHECKPOINT_RESTORE=40)
 * ```
 */

/** Capability names in bit order: the index of a name is its number. */
export const CAPABILITIES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
] as const;

export type CapabilityName = (typeof CAPABILITIES)[number];

/** The highest capability number rongqi knows (CAP_LAST_CAP of Linux 5.9 and later). */
export const CAP_LAST_CAP = CAPABILITIES.length - 1;

const numbers: ReadonlyMap<string, number> = new Map(CAPABILITIES.map((name, i) => [name, i]));

/** The bit number of a capability name, or undefined when the name is unknown. */
export function capabilityNumber(name: string): number | undefined {
  return numbers.get(name);
}
