// The bpf() system call, for cgroup v2 device programs only: load a
// BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup, list and
// detach the ones attached. koffi is loaded on the first call, as in
// src/linux/syscall.ts (commands that never touch devices never load it).
import { createRequire } from "node:module";
import type koffiModule from "koffi";
import type { LibraryHandle } from "koffi";
import { RongqiError, SyscallError } from "../../../errors.ts";

type Koffi = typeof koffiModule;

const SYS_BPF: Record<string, number> = { x64: 321, arm64: 280 };

const BPF_PROG_LOAD = 5;
const BPF_PROG_ATTACH = 8;
const BPF_PROG_DETACH = 9;
const BPF_PROG_GET_FD_BY_ID = 13;
const BPF_PROG_QUERY = 16;
const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
const BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_MULTI = 2;

/** bpf_attr is a union; 128 zeroed bytes cover every command used here. */
const ATTR_SIZE = 128;

const requireHere = createRequire(import.meta.url);
let koffi: Koffi | undefined;
let sys: ReturnType<LibraryHandle["func"]> | undefined;

function bpf(cmd: number, attr: Buffer, what: string, path?: string): number {
  const nr = SYS_BPF[process.arch];
  if (nr === undefined) throw new RongqiError(`bpf(): not supported on ${process.arch}`);
  koffi ??= requireHere("koffi") as Koffi;
  sys ??= koffi.load("libc.so.6").func("long syscall(long number, ...)");
  for (;;) {
    const r = Number(sys(nr, "int", cmd, "void *", attr, "unsigned int", attr.length));
    const errno = koffi.errno();
    if (r >= 0) return r;
    if (errno === 4) continue; // EINTR
    throw new SyscallError({ syscall: `bpf(${what})`, errno, path });
  }
}

const address = (b: Buffer): bigint => (koffi ??= requireHere("koffi") as Koffi).address(b);

/** Loads the program; returns its fd. On a verifier error the message carries the verifier's log. */
export function loadDeviceProgram(insns: Buffer): number {
  const license = Buffer.from("Apache-2.0\0");
  const attr = Buffer.alloc(ATTR_SIZE);
  const fill = (logBuf?: Buffer) => {
    attr.fill(0);
    attr.writeUInt32LE(BPF_PROG_TYPE_CGROUP_DEVICE, 0);
    attr.writeUInt32LE(insns.length / 8, 4);
    attr.writeBigUInt64LE(address(insns), 8);
    attr.writeBigUInt64LE(address(license), 16);
    if (logBuf) {
      attr.writeUInt32LE(1, 24);
      attr.writeUInt32LE(logBuf.length, 28);
      attr.writeBigUInt64LE(address(logBuf), 32);
    }
    attr.write("rongqi_devices", 48);
  };
  fill();
  try {
    return bpf(BPF_PROG_LOAD, attr, "BPF_PROG_LOAD");
  } catch (err) {
    if (!(err instanceof SyscallError) || err.code !== "EACCES" && err.code !== "EINVAL") throw err;
    const log = Buffer.alloc(65536);
    fill(log);
    try {
      return bpf(BPF_PROG_LOAD, attr, "BPF_PROG_LOAD");
    } catch (again) {
      const text = log.toString("utf8", 0, Math.max(0, log.indexOf(0))).trim().split("\n").slice(-3).join("; ");
      if (again instanceof RongqiError && text) again.message += `: verifier: ${text}`;
      throw again;
    }
  }
}

function attachAttr(cgroupFd: number, progFd: number, flags: number): Buffer {
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(cgroupFd, 0);
  attr.writeUInt32LE(progFd, 4);
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
  attr.writeUInt32LE(flags, 12);
  return attr;
}

export function attachDeviceProgram(cgroupFd: number, progFd: number, flags: number, path: string): void {
  bpf(BPF_PROG_ATTACH, attachAttr(cgroupFd, progFd, flags), "BPF_PROG_ATTACH", path);
}

export function detachDeviceProgram(cgroupFd: number, progFd: number, path: string): void {
  bpf(BPF_PROG_DETACH, attachAttr(cgroupFd, progFd, 0), "BPF_PROG_DETACH", path);
}

/** The ids of the device programs attached to the cgroup itself. */
export function queryDevicePrograms(cgroupFd: number, path: string): number[] {
  const ids = Buffer.alloc(4 * 64);
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(cgroupFd, 0);
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 4);
  attr.writeBigUInt64LE(address(ids), 16);
  attr.writeUInt32LE(64, 24);
  bpf(BPF_PROG_QUERY, attr, "BPF_PROG_QUERY", path);
  const count = attr.readUInt32LE(24);
  return Array.from({ length: Math.min(count, 64) }, (_, i) => ids.readUInt32LE(i * 4));
}

export function programFdById(id: number): number {
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(id, 0);
  return bpf(BPF_PROG_GET_FD_BY_ID, attr, "BPF_PROG_GET_FD_BY_ID");
}
