/**
 * The wire format between the runtime and the native helper `rongqi-init`
 * (native/PROTOCOL.md is the contract): plan ops as a discriminated union,
 * {@link encodePlan} / {@link decodePlan}, the ACK and ABORT messages, and a
 * streaming decoder for what the helper sends back.
 *
 * @example
 * ```ts
 * import { encodePlan, HelperMessageDecoder } from "./protocol.ts";
 * const plan = encodePlan([
 *   { op: "unshare", flags: 0x04000000 },                 // CLONE_NEWUTS
 *   { op: "sethostname", name: "box" },
 *   { op: "resolveExec", file: "hostname", path: "" },
 *   { op: "exec", argv: ["hostname"], env: [] },
 * ], { trace: false });
 * const decoder = new HelperMessageDecoder();
 * for (const msg of decoder.push(chunkFromSocket)) console.log(msg.type);
 * ```
 */
import { RongqiError } from "../../errors.ts";

/** What the runtime remembers about an op to explain its failure or its trace; never sent. */
export interface OpDesc {
  /** The higher-level step, e.g. `mount /proc`. */
  step: string;
  /** The config field it comes from, e.g. `mounts[1]`. */
  field?: string;
  path?: string;
  syscall?: string;
}

/** An integer argument: a safe integer Number, or a BigInt (64-bit masks and limits). */
export type Int = number | bigint;

/** One plan operation; see the table in native/PROTOCOL.md for what each does. */
export type Op = OpBody & { desc?: OpDesc };

export type OpBody =
  | { op: "setns"; nstype: number; path: string }
  | { op: "unshare"; flags: number }
  | { op: "sync"; tag: number }
  | { op: "notify"; tag: number }
  | { op: "fork" }
  | { op: "setresuid"; ruid: number; euid: number; suid: number }
  | { op: "setresgid"; rgid: number; egid: number; sgid: number }
  | { op: "setgroups"; gids: number[] }
  | { op: "openRoot"; path: string }
  | {
    op: "mount";
    flags: number;
    /** 0: the target must exist; 1: create it as a directory; 2: as an empty file (in root only). */
    create: 0 | 1 | 2;
    inRoot: boolean;
    /** In root only: the target may lie inside a procfs (an lxcfs-style file the runtime allows); otherwise the helper refuses such a target. */
    procTarget?: boolean;
    keepFlags: boolean;
    source: string;
    target: string;
    fstype: string;
    data: string;
  }
  /** `strict`: an existing file that is not this device is an error, not replaced. */
  | { op: "mknod"; mode: number; major: number; minor: number; uid: number; gid: number; path: string; strict?: boolean }
  | { op: "symlink"; target: string; path: string }
  | { op: "writeFile"; path: string; data: string | Buffer }
  | { op: "pivotRoot" }
  | { op: "chroot" }
  | { op: "mask"; path: string }
  | { op: "readonly"; path: string }
  | { op: "sethostname"; name: string }
  | { op: "setdomainname"; name: string }
  | { op: "chdir"; path: string }
  | { op: "setrlimit"; resource: number; soft: Int; hard: Int }
  | { op: "prctl"; option: number; args: Int[] }
  | { op: "capset"; effective: bigint; permitted: bigint; inheritable: bigint }
  | { op: "ambient"; caps: bigint }
  | { op: "umask"; mask: number }
  | { op: "openFifo"; path: string }
  | { op: "waitStart" }
  | { op: "closeFrom"; first: number }
  /** `path` is the container's PATH; empty means the default PATH. */
  | { op: "resolveExec"; file: string; path: string }
  | { op: "exec"; argv: string[]; env: string[] }
  /**
   * `filter`: raw `struct sock_filter` array. With SECCOMP_FILTER_FLAG_NEW_LISTENER the listener fd goes to the
   * agent of a `seccompListener` op before, or else to the runtime in a NOTIFY with `listenerTag`.
   */
  | { op: "seccomp"; flags: number; filter: Buffer; listenerTag?: number }
  | { op: "setsid" }
  | { op: "mkdir"; mode: number; path: string }
  | { op: "runHook"; timeoutS: number; path: string; state: string | Buffer; args: string[]; env: string[] }
  /** `mount_setattr(AT_RECURSIVE)`: MOUNT_ATTR_* bits to set and clear (absent: 0). */
  | { op: "mountSetattr"; target: string; inRoot: boolean; attrSet?: number; attrClr?: number }
  /** A pty from /dev/ptmx: master sent over the socket at fd `socketFd`, slave on fds 0-2 as controlling terminal; `console`: bind the slave there ("" none). */
  | { op: "console"; socketFd: number; rows: number; cols: number; console: string }
  /** `setns(fd, nstype)` on an fd the runtime handed over, then `close(fd)`. */
  | { op: "setnsFd"; fd: number; nstype: number }
  /** Connect to the seccomp agent at `path` (a host path: before pivot); `prefix` starts the container process state JSON. */
  | { op: "seccompListener"; path: string; prefix: string }
  | { op: "personality"; persona: number }
  /** `ioprio_set(which, who, ioprio)`. */
  | { op: "ioprio"; which: number; who: number; ioprio: number }
  /** `sched_setattr(0, ...)`; runtime/deadline/period in nanoseconds. */
  | { op: "schedAttr"; policy: number; flags: number; nice: number; priority: number; runtime: Int; deadline: Int; period: Int }
  /** Join a new session keyring `name`, adding the key permission bits `perm`. */
  | { op: "keyring"; name: string; perm: number }
  /** A tmpfs at `target` (in root) that starts with a copy of what the directory held (the tmpcopyup option). */
  | { op: "tmpcopyup"; flags: number; target: string; data: string }
  /** set_mempolicy: `mode` includes the MPOL_F_* flags; `nodemask` is whole 64-bit words, bit N = node N. */
  | { op: "mempolicy"; mode: number; nodemask: Buffer }
  /** sched_setaffinity of the helper (its fork inherits it): whole 64-bit words, bit N = CPU N. */
  | { op: "affinity"; mask: Buffer };

export type OpName = OpBody["op"];

/** Opcodes on the wire. */
export const OPCODES: Readonly<Record<OpName, number>> = {
  setns: 1, unshare: 2, sync: 3, notify: 4, fork: 5, setresuid: 6, setresgid: 7, setgroups: 8,
  openRoot: 9, mount: 10, mknod: 11, symlink: 12, writeFile: 13, pivotRoot: 14, chroot: 15,
  mask: 16, readonly: 17, sethostname: 18, setdomainname: 19, chdir: 20, setrlimit: 21, prctl: 22,
  capset: 23, ambient: 24, umask: 25, openFifo: 26, waitStart: 27, closeFrom: 28, resolveExec: 29,
  exec: 30, seccomp: 31, setsid: 32, mkdir: 33, runHook: 34, mountSetattr: 35, console: 36, setnsFd: 37,
  seccompListener: 38, personality: 39, ioprio: 40, schedAttr: 41, keyring: 42, tmpcopyup: 43, mempolicy: 44, affinity: 45,
};

/** Message types on the wire, both directions. */
export const MSG = {
  PLAN: 1, ACK: 2, ABORT: 3,
  SYNC: 16, NOTIFY: 17, PID: 18, ERROR: 19, STEP: 20, EXEC: 21,
} as const;

/** The op index of an ERROR that belongs to no op (a malformed plan). */
export const NO_OP_INDEX = 0xffffffff;
/** PLAN flag: send a STEP message after each op. */
export const PLAN_TRACE = 1;

/** A message from the helper. `exec` is sent right before `execve`: EOF after it means the exec happened. */
export type HelperMessage =
  | { type: "sync"; tag: number }
  /** `fd` is set only when the receiver could take an SCM_RIGHTS fd (see run_helper.ts). */
  | { type: "notify"; tag: number; fd?: number }
  | { type: "pid"; pid: number }
  | { type: "error"; opIndex: number; errno: number; detail: string }
  | { type: "step"; opIndex: number; startNs: bigint; endNs: bigint }
  | { type: "exec" };

type Parts = [ints: Int[], strs: (string | Buffer)[], lists: string[][]];

/** An op's integer, string and list arguments, in wire order. */
function parts(o: OpBody): Parts {
  switch (o.op) {
    case "setns": return [[o.nstype], [o.path], []];
    case "unshare": return [[o.flags], [], []];
    case "sync": case "notify": return [[o.tag], [], []];
    case "fork": case "pivotRoot": case "chroot": case "waitStart": case "setsid": return [[], [], []];
    case "setresuid": return [[o.ruid, o.euid, o.suid], [], []];
    case "setresgid": return [[o.rgid, o.egid, o.sgid], [], []];
    case "setgroups": return [o.gids, [], []];
    case "openRoot": case "mask": case "readonly": case "chdir": case "openFifo": return [[], [o.path], []];
    case "mount":
      return [[o.flags, o.create, o.inRoot ? (o.procTarget ? 2 : 1) : 0, o.keepFlags ? 1 : 0], [o.source, o.target, o.fstype, o.data], []];
    case "mknod": return [[o.mode, o.major, o.minor, o.uid, o.gid, ...(o.strict ? [1] : [])], [o.path], []];
    case "symlink": return [[], [o.target, o.path], []];
    case "writeFile": return [[], [o.path, o.data], []];
    case "sethostname": case "setdomainname": return [[], [o.name], []];
    case "setrlimit": return [[o.resource, o.soft, o.hard], [], []];
    case "prctl": return [[o.option, ...o.args], [], []];
    case "capset": return [[o.effective, o.permitted, o.inheritable], [], []];
    case "ambient": return [[o.caps], [], []];
    case "umask": return [[o.mask], [], []];
    case "closeFrom": return [[o.first], [], []];
    case "resolveExec": return [[], [o.file, o.path], []];
    case "exec": return [[], [], [o.argv, o.env]];
    case "seccomp":
      return [o.listenerTag === undefined ? [o.flags] : [o.flags, o.listenerTag], [o.filter], []];
    case "mkdir": return [[o.mode], [o.path], []];
    case "runHook": return [[o.timeoutS], [o.path, o.state], [o.args, o.env]];
    case "mountSetattr": return [[o.attrSet ?? 0, o.attrClr ?? 0, o.inRoot ? 1 : 0], [o.target], []];
    case "console": return [[o.socketFd, o.rows, o.cols], [o.console], []];
    case "setnsFd": return [[o.fd, o.nstype], [], []];
    case "seccompListener": return [[], [o.path, o.prefix], []];
    case "personality": return [[o.persona], [], []];
    case "ioprio": return [[o.which, o.who, o.ioprio], [], []];
    case "schedAttr": return [[o.policy, o.flags, o.nice, o.priority, o.runtime, o.deadline, o.period], [], []];
    case "keyring": return [[o.perm], [o.name], []];
    case "tmpcopyup": return [[o.flags], [o.target, o.data], []];
    case "mempolicy": return [[o.mode], [o.nodemask], []];
    case "affinity": return [[], [o.mask], []];
  }
}

const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;

/** Grows a list of chunks; concatenated once at the end. */
class Writer {
  chunks: Buffer[] = [];
  u32(v: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(v);
    this.chunks.push(b);
  }
  i64(v: bigint): void {
    const b = Buffer.allocUnsafe(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, v));
    this.chunks.push(b);
  }
  bytes(v: Buffer): void {
    this.u32(v.length);
    this.chunks.push(v);
  }
}

/** Encodes the PLAN message (header included). Throws a RongqiError naming the op for a bad argument. */
export function encodePlan(ops: readonly Op[], opts: { trace: boolean }): Buffer {
  const w = new Writer();
  w.u32(0); // length, patched below
  w.u32(MSG.PLAN);
  w.u32(opts.trace ? PLAN_TRACE : 0);
  w.u32(ops.length);
  ops.forEach((o, index) => {
    const bad = (what: string) =>
      new RongqiError(`plan op ${index} (${o.op}${o.desc ? `, ${o.desc.step}` : ""}): ${what}`);
    const code = OPCODES[o.op];
    if (code === undefined) throw bad("unknown op");
    const [ints, strs, lists] = parts(o);
    w.u32(code);
    w.u32(ints.length);
    ints.forEach((v, k) => {
      if (typeof v === "number" && !Number.isSafeInteger(v)) throw bad(`integer argument ${k} is not a safe integer: ${v}`);
      const big = BigInt(v);
      if (big < I64_MIN || big >= U64_END) throw bad(`integer argument ${k} does not fit in 64 bits`);
      w.i64(big);
    });
    w.u32(strs.length);
    for (const s of strs) {
      if (typeof s === "string" && s.includes("\0")) throw bad(`string argument contains a NUL byte: ${JSON.stringify(s)}`);
      w.bytes(typeof s === "string" ? Buffer.from(s) : s);
    }
    w.u32(lists.length);
    for (const list of lists) {
      w.u32(list.length);
      for (const s of list) {
        if (s.includes("\0")) throw bad(`list element contains a NUL byte: ${JSON.stringify(s)}`);
        w.bytes(Buffer.from(s));
      }
    }
  });
  const out = Buffer.concat(w.chunks);
  out.writeUInt32LE(out.length - 4, 0);
  return out;
}

/** The ACK answering SYNC(tag). */
export function encodeAck(tag: number, state?: string): Buffer {
  const text = state === undefined ? undefined : Buffer.from(state);
  const b = Buffer.alloc(12 + (text ? 4 + text.length : 0));
  b.writeUInt32LE(b.length - 4, 0);
  b.writeUInt32LE(MSG.ACK, 4);
  b.writeUInt32LE(tag, 8);
  if (text) {
    b.writeUInt32LE(text.length, 12);
    text.copy(b, 16);
  }
  return b;
}

/** ABORT: the helper exits at once. */
export function encodeAbort(): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(4, 0);
  b.writeUInt32LE(MSG.ABORT, 4);
  return b;
}

/** Reads a PLAN payload with bounds checks; every defect throws. */
class Reader {
  buf: Buffer;
  off = 0;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  need(n: number): void {
    if (n > this.buf.length - this.off) throw new RongqiError("plan: truncated");
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.off);
    this.off += 4;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.off);
    this.off += 8;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
}

const num = (v: bigint | undefined): number => {
  if (v === undefined || v < BigInt(Number.MIN_SAFE_INTEGER) || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RongqiError("plan: missing or oversized integer argument");
  }
  return Number(v);
};
const numOrBig = (v: bigint | undefined): Int => {
  if (v === undefined) throw new RongqiError("plan: missing integer argument");
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
};
const u64 = (v: bigint | undefined): bigint => BigInt.asUintN(64, v ?? 0n);

function opFromParts(code: number, i: bigint[], s: Buffer[], l: string[][]): OpBody {
  const str = (k: number): string => {
    const b = s[k];
    if (b === undefined) throw new RongqiError(`plan: opcode ${code} lacks string ${k}`);
    return b.toString();
  };
  const buf = (k: number): Buffer => s[k] ?? Buffer.alloc(0);
  const list = (k: number): string[] => l[k] ?? [];
  switch (code) {
    case 1: return { op: "setns", nstype: num(i[0]), path: str(0) };
    case 2: return { op: "unshare", flags: num(i[0]) };
    case 3: return { op: "sync", tag: num(i[0]) };
    case 4: return { op: "notify", tag: num(i[0]) };
    case 5: return { op: "fork" };
    case 6: return { op: "setresuid", ruid: num(i[0]), euid: num(i[1]), suid: num(i[2]) };
    case 7: return { op: "setresgid", rgid: num(i[0]), egid: num(i[1]), sgid: num(i[2]) };
    case 8: return { op: "setgroups", gids: i.map(num) };
    case 9: return { op: "openRoot", path: str(0) };
    case 10: {
      const create = num(i[1]);
      if (create !== 0 && create !== 1 && create !== 2) throw new RongqiError("plan: mount create must be 0, 1 or 2");
      return {
        op: "mount", flags: num(i[0]), create, inRoot: num(i[2]) !== 0, ...(num(i[2]) === 2 ? { procTarget: true } : {}),
        keepFlags: num(i[3]) !== 0, source: str(0), target: str(1), fstype: str(2), data: str(3),
      };
    }
    case 11: return { op: "mknod", mode: num(i[0]), major: num(i[1]), minor: num(i[2]), uid: num(i[3]), gid: num(i[4]), path: str(0), ...(i.length > 5 && num(i[5]) ? { strict: true } : {}) };
    case 12: return { op: "symlink", target: str(0), path: str(1) };
    case 13: return { op: "writeFile", path: str(0), data: buf(1) };
    case 14: return { op: "pivotRoot" };
    case 15: return { op: "chroot" };
    case 16: return { op: "mask", path: str(0) };
    case 17: return { op: "readonly", path: str(0) };
    case 18: return { op: "sethostname", name: str(0) };
    case 19: return { op: "setdomainname", name: str(0) };
    case 20: return { op: "chdir", path: str(0) };
    case 21: return { op: "setrlimit", resource: num(i[0]), soft: numOrBig(i[1]), hard: numOrBig(i[2]) };
    case 22: return { op: "prctl", option: num(i[0]), args: i.slice(1).map(numOrBig) };
    case 23: return { op: "capset", effective: u64(i[0]), permitted: u64(i[1]), inheritable: u64(i[2]) };
    case 24: return { op: "ambient", caps: u64(i[0]) };
    case 25: return { op: "umask", mask: num(i[0]) };
    case 26: return { op: "openFifo", path: str(0) };
    case 27: return { op: "waitStart" };
    case 28: return { op: "closeFrom", first: num(i[0]) };
    case 29: return { op: "resolveExec", file: str(0), path: str(1) };
    case 30: return { op: "exec", argv: list(0), env: list(1) };
    case 31: {
      const flags = num(i[0]);
      return i.length > 1
        ? { op: "seccomp", flags, filter: buf(0), listenerTag: num(i[1]) }
        : { op: "seccomp", flags, filter: buf(0) };
    }
    case 32: return { op: "setsid" };
    case 33: return { op: "mkdir", mode: num(i[0]), path: str(0) };
    case 34: return { op: "runHook", timeoutS: num(i[0]), path: str(0), state: buf(1), args: list(0), env: list(1) };
    case 35: return { op: "mountSetattr", target: str(0), inRoot: num(i[2]) !== 0, attrSet: num(i[0]), attrClr: num(i[1]) };
    case 36: return { op: "console", socketFd: num(i[0]), rows: num(i[1]), cols: num(i[2]), console: str(0) };
    case 37: return { op: "setnsFd", fd: num(i[0]), nstype: num(i[1]) };
    case 38: return { op: "seccompListener", path: str(0), prefix: str(1) };
    case 39: return { op: "personality", persona: num(i[0]) };
    case 40: return { op: "ioprio", which: num(i[0]), who: num(i[1]), ioprio: num(i[2]) };
    case 41: return {
      op: "schedAttr", policy: num(i[0]), flags: num(i[1]), nice: num(i[2]), priority: num(i[3]),
      runtime: numOrBig(i[4]), deadline: numOrBig(i[5]), period: numOrBig(i[6]),
    };
    case 42: return { op: "keyring", perm: num(i[0]), name: str(0) };
    case 43: return { op: "tmpcopyup", flags: num(i[0]), target: str(0), data: str(1) };
    case 44: return { op: "mempolicy", mode: num(i[0]), nodemask: buf(0) };
    case 45: return { op: "affinity", mask: buf(0) };
  }
  throw new RongqiError(`plan: unknown opcode ${code}`);
}

/**
 * Decodes a PLAN message (header included) back into ops, for debugging and
 * tests. Binary arguments (writeFile data, seccomp filter, hook state) come
 * back as Buffers; 64-bit masks as BigInts.
 */
export function decodePlan(message: Buffer): { trace: boolean; ops: OpBody[] } {
  const r = new Reader(message);
  const len = r.u32();
  if (len !== message.length - 4 || r.u32() !== MSG.PLAN) throw new RongqiError("plan: bad header");
  const flags = r.u32();
  const count = r.u32();
  const ops: OpBody[] = [];
  for (let k = 0; k < count; k++) {
    const code = r.u32();
    const ints = Array.from({ length: r.u32() }, () => r.i64());
    const strs = Array.from({ length: r.u32() }, () => r.bytes());
    const lists = Array.from({ length: r.u32() }, () => Array.from({ length: r.u32() }, () => r.bytes().toString()));
    ops.push(opFromParts(code, ints, strs, lists));
  }
  if (r.off !== message.length) throw new RongqiError("plan: trailing bytes");
  return { trace: (flags & PLAN_TRACE) !== 0, ops };
}

/** Largest helper message accepted (ERROR details are at most 255 bytes). */
const HELPER_MESSAGE_MAX = 4096;

/**
 * Splits the helper's byte stream into messages, across any chunk
 * boundaries. A malformed message throws a RongqiError; the stream is then
 * unusable.
 */
export class HelperMessageDecoder {
  #pending: Buffer = Buffer.alloc(0);

  /** Bytes received that do not yet form a whole message. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  push(chunk: Buffer): HelperMessage[] {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: HelperMessage[] = [];
    while (buf.length >= 4) {
      const len = buf.readUInt32LE(0);
      if (len < 4 || len > HELPER_MESSAGE_MAX) throw malformedMessage(`length ${len}`);
      if (buf.length < 4 + len) break;
      out.push(decodeHelperMessage(buf.readUInt32LE(4), buf.subarray(8, 4 + len)));
      buf = buf.subarray(4 + len);
    }
    this.#pending = Buffer.from(buf); // a copy: do not pin the caller's chunk
    return out;
  }
}

function malformedMessage(what: string): RongqiError {
  return new RongqiError(`rongqi-init sent a malformed message: ${what}`);
}

function decodeHelperMessage(type: number, p: Buffer): HelperMessage {
  const size = (n: number) => {
    if (p.length !== n) throw malformedMessage(`type ${type} with ${p.length} payload bytes`);
  };
  switch (type) {
    case MSG.SYNC: size(4); return { type: "sync", tag: p.readUInt32LE(0) };
    case MSG.NOTIFY: size(4); return { type: "notify", tag: p.readUInt32LE(0) };
    case MSG.PID: size(4); return { type: "pid", pid: p.readUInt32LE(0) };
    case MSG.ERROR: {
      if (p.length < 12) throw malformedMessage("short ERROR");
      size(12 + p.readUInt32LE(8));
      return { type: "error", opIndex: p.readUInt32LE(0), errno: p.readInt32LE(4), detail: p.subarray(12).toString() };
    }
    case MSG.STEP:
      size(20);
      return { type: "step", opIndex: p.readUInt32LE(0), startNs: p.readBigUInt64LE(4), endNs: p.readBigUInt64LE(12) };
    case MSG.EXEC: size(0); return { type: "exec" };
  }
  throw malformedMessage(`unknown type ${type}`);
}

/** Encodes a helper->runtime message, as rongqi-init does (for tests and fakes). */
export function encodeHelperMessage(m: HelperMessage): Buffer {
  let type: number;
  let p: Buffer;
  switch (m.type) {
    case "sync": case "notify": case "pid":
      type = m.type === "sync" ? MSG.SYNC : m.type === "notify" ? MSG.NOTIFY : MSG.PID;
      p = Buffer.alloc(4);
      p.writeUInt32LE(m.type === "pid" ? m.pid : m.tag);
      break;
    case "error": {
      const d = Buffer.from(m.detail);
      type = MSG.ERROR;
      p = Buffer.alloc(12 + d.length);
      p.writeUInt32LE(m.opIndex, 0);
      p.writeInt32LE(m.errno, 4);
      p.writeUInt32LE(d.length, 8);
      d.copy(p, 12);
      break;
    }
    case "step":
      type = MSG.STEP;
      p = Buffer.alloc(20);
      p.writeUInt32LE(m.opIndex, 0);
      p.writeBigUInt64LE(m.startNs, 4);
      p.writeBigUInt64LE(m.endNs, 12);
      break;
    case "exec":
      type = MSG.EXEC;
      p = Buffer.alloc(0);
      break;
  }
  const h = Buffer.alloc(8);
  h.writeUInt32LE(4 + p.length, 0);
  h.writeUInt32LE(type, 4);
  return Buffer.concat([h, p]);
}
