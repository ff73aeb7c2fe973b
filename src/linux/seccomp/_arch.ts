/**
 * Seccomp architectures: the `SCMP_ARCH_*` names of config.json, the
 * AUDIT_ARCH_* value the kernel puts in `seccomp_data.arch`, and the system
 * call table of each. A filter has one section per architecture the host
 * kernel can run system calls in (x86_64 runs x86_64, i386 and x32 calls;
 * aarch64 runs aarch64 and arm calls); names of other architectures are
 * recognized and have no section: the kernel never shows them.
 *
 * @example
 * ```ts
 * import { hostArch, syscallNumber } from "./_arch.ts";
 * hostArch();                         // "x86_64" on an x86-64 host
 * syscallNumber("x86_64", "getpid");  // 39
 * ```
 */
import type { SeccompArch } from "../../spec/types/config.ts";
import { SYSCALL_TABLES } from "./_syscall_tables.ts";

/** __X32_SYSCALL_BIT: x32 system calls are x86_64 calls with this bit set. */
export const X32_SYSCALL_BIT = 0x40000000;

/** A syscall table we have. */
export type TableName = keyof typeof SYSCALL_TABLES;

export interface ArchInfo {
  /** AUDIT_ARCH_* (linux/audit.h), as seccomp_data.arch holds it */
  audit: number;
  /** where names resolve; undefined: no table, the arch's calls are refused */
  table?: TableName;
  /** 32-bit arguments: only the low word of each argument is compared */
  bits: 32 | 64;
}

/** The architectures a host kernel can run system calls in, by host. */
export const HOST_ARCHES = {
  x86_64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  aarch64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
} as const satisfies Record<string, readonly SeccompArch[]>;

export type HostArch = keyof typeof HOST_ARCHES;

/** Every SCMP_ARCH_* name of the spec (libseccomp 2.6), all recognized. */
export const ARCH_NAMES: readonly SeccompArch[] = [
  "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
];

/** The architectures that get a section, on the hosts we run on. */
export const ARCHES: Readonly<Record<string, ArchInfo>> = {
  SCMP_ARCH_X86_64: { audit: 0xc000003e, table: "x86_64", bits: 64 },
  SCMP_ARCH_X86: { audit: 0x40000003, table: "i386", bits: 32 },
  // x32 shares x86_64's AUDIT_ARCH; its calls carry X32_SYSCALL_BIT.
  SCMP_ARCH_X32: { audit: 0xc000003e, table: "x32", bits: 64 },
  SCMP_ARCH_AARCH64: { audit: 0xc00000b7, table: "aarch64", bits: 64 },
  SCMP_ARCH_ARM: { audit: 0x40000028, bits: 32 },
};

/** The host's architecture as seccomp names it, or undefined where rongqi has no seccomp support. */
export function hostArch(nodeArch: string = process.arch): HostArch | undefined {
  return nodeArch === "x64" ? "x86_64" : nodeArch === "arm64" ? "aarch64" : undefined;
}

const parsed = new Map<TableName, Map<string, number>>();

function table(name: TableName): Map<string, number> {
  let t = parsed.get(name);
  if (!t) {
    t = new Map();
    for (const pair of SYSCALL_TABLES[name].split(" ")) {
      const colon = pair.indexOf(":");
      t.set(pair.slice(0, colon), Number(pair.slice(colon + 1)));
    }
    parsed.set(name, t);
  }
  return t;
}

/** The number of a system call in a table, or undefined where that table has no such call. */
export function syscallNumber(tableName: TableName, name: string): number | undefined {
  return table(tableName).get(name);
}

/** Every name of a table. */
export function syscallNames(tableName: TableName): string[] {
  return [...table(tableName).keys()];
}

/**
 * i386 multiplexes socket and System V IPC calls through socketcall(2) and
 * ipc(2), whose first argument says which call: a rule on one of those
 * names must also catch it there. The call numbers are linux/net.h's SYS_*
 * and the ipc(2) call numbers of linux/ipc.h.
 */
export const I386_MULTIPLEXED: Readonly<Record<string, [via: string, call: number]>> = {
  socket: ["socketcall", 1], bind: ["socketcall", 2], connect: ["socketcall", 3], listen: ["socketcall", 4],
  accept: ["socketcall", 5], getsockname: ["socketcall", 6], getpeername: ["socketcall", 7], socketpair: ["socketcall", 8],
  send: ["socketcall", 9], recv: ["socketcall", 10], sendto: ["socketcall", 11], recvfrom: ["socketcall", 12],
  shutdown: ["socketcall", 13], setsockopt: ["socketcall", 14], getsockopt: ["socketcall", 15], sendmsg: ["socketcall", 16],
  recvmsg: ["socketcall", 17], accept4: ["socketcall", 18], recvmmsg: ["socketcall", 19], sendmmsg: ["socketcall", 20],
  semop: ["ipc", 1], semget: ["ipc", 2], semctl: ["ipc", 3], semtimedop: ["ipc", 4],
  msgsnd: ["ipc", 11], msgrcv: ["ipc", 12], msgget: ["ipc", 13], msgctl: ["ipc", 14],
  shmat: ["ipc", 21], shmdt: ["ipc", 22], shmget: ["ipc", 23], shmctl: ["ipc", 24],
};
