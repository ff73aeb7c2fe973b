/**
 * A BPF_PROG_TYPE_CGROUP_DEVICE program enforcing an allow list: cgroup v2
 * has no devices files, the kernel instead runs the program attached to the
 * cgroup on every device open and mknod (return 1 allows, 0 denies).
 *
 * The program reads the request from its context (struct
 * bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor) into
 * registers, then tests each exception in turn:
 *
 *     r2 = type   r3 = access   r4 = major   r5 = minor
 *     for each exception:
 *       if r2 != TYPE goto next; if r4 != MAJOR goto next; if r5 != MINOR goto next
 *       default deny:  if (r3 & ~ACCESS) != 0 goto next   (every bit asked is allowed)
 *       default allow: if (r3 & ACCESS) == 0 goto next    (some bit asked is denied)
 *       return !default
 *     next: ...
 *     return default
 *
 * which is how the v1 controller decides (see device_rules.ts).
 *
 * @example
 * ```ts
 * const insns = deviceProgram({ defaultAllow: false, exceptions: [{ type: "c", major: 1, minor: 3, access: 7 }] });
 * insns.length / 8; // instructions
 * ```
 */
import { ACC_ALL, type DeviceException, type EffectiveDevices } from "../device_rules.ts";

// bpf_cgroup_dev_ctx type values
const DEVCG_DEV_BLOCK = 1;
const DEVCG_DEV_CHAR = 2;

// opcodes (linux/bpf.h, linux/bpf_common.h)
const LDX_MEM_W = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const ALU32_AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
const ALU32_RSH_K = 0x74; // BPF_ALU | BPF_RSH | BPF_K
const ALU32_MOV_X = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
const ALU64_MOV_K = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
const JNE_K = 0x55; // BPF_JMP | BPF_JNE | BPF_K
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const EXIT = 0x95; // BPF_JMP | BPF_EXIT

interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

/** The instructions for one exception; jumps to "next" are left with off = -1 and patched by the caller. */
function exceptionBlock(ex: DeviceException, defaultAllow: boolean): Insn[] {
  const block: Insn[] = [];
  block.push(insn(JNE_K, 2, 0, -1, ex.type === "b" ? DEVCG_DEV_BLOCK : DEVCG_DEV_CHAR));
  if (ex.major !== -1) block.push(insn(JNE_K, 4, 0, -1, ex.major));
  if (ex.minor !== -1) block.push(insn(JNE_K, 5, 0, -1, ex.minor));
  if (!defaultAllow && ex.access !== ACC_ALL) {
    block.push(insn(ALU32_MOV_X, 1, 3, 0, 0), insn(ALU32_AND_K, 1, 0, 0, ~ex.access & ACC_ALL), insn(JNE_K, 1, 0, -1, 0));
  }
  if (defaultAllow && ex.access !== ACC_ALL) {
    block.push(insn(ALU32_MOV_X, 1, 3, 0, 0), insn(ALU32_AND_K, 1, 0, 0, ex.access), insn(JEQ_K, 1, 0, -1, 0));
  }
  block.push(insn(ALU64_MOV_K, 0, 0, 0, defaultAllow ? 0 : 1), insn(EXIT, 0, 0, 0, 0));
  // every pending jump goes to the instruction after the block
  block.forEach((ins, i) => {
    if (ins.off === -1) ins.off = block.length - i - 1;
  });
  return block;
}

/** The program's instructions, encoded as struct bpf_insn (8 bytes each, little endian). */
export function deviceProgram(devices: EffectiveDevices): Buffer {
  const prog: Insn[] = [
    insn(LDX_MEM_W, 2, 1, 0, 0),
    insn(ALU32_AND_K, 2, 0, 0, 0xffff),
    insn(LDX_MEM_W, 3, 1, 0, 0),
    insn(ALU32_RSH_K, 3, 0, 0, 16),
    insn(LDX_MEM_W, 4, 1, 4, 0),
    insn(LDX_MEM_W, 5, 1, 8, 0),
  ];
  for (const ex of devices.exceptions) prog.push(...exceptionBlock(ex, devices.defaultAllow));
  prog.push(insn(ALU64_MOV_K, 0, 0, 0, devices.defaultAllow ? 1 : 0), insn(EXIT, 0, 0, 0, 0));
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt8(p.code, i * 8);
    buf.writeUInt8((p.src << 4) | p.dst, i * 8 + 1);
    buf.writeInt16LE(p.off, i * 8 + 2);
    buf.writeInt32LE(p.imm, i * 8 + 4);
  });
  return buf;
}

/**
 * Runs the program on one request, as the kernel would (for tests and for
 * `rongqi` debugging): the same instructions, interpreted.
 */
export function runDeviceProgram(prog: Buffer, req: { type: "c" | "b"; major: number; minor: number; access: number }): number {
  const r = new Array<number>(11).fill(0);
  const ctx = [(req.access << 16) | (req.type === "b" ? DEVCG_DEV_BLOCK : DEVCG_DEV_CHAR), req.major, req.minor];
  let pc = 0;
  for (let steps = 0; steps < 100_000; steps++) {
    const code = prog.readUInt8(pc * 8);
    const regs = prog.readUInt8(pc * 8 + 1);
    const dst = regs & 0xf;
    const src = regs >> 4;
    const off = prog.readInt16LE(pc * 8 + 2);
    const imm = prog.readInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case LDX_MEM_W: r[dst] = ctx[off / 4]! >>> 0; break;
      case ALU32_AND_K: r[dst] = (r[dst]! & imm) >>> 0; break;
      case ALU32_RSH_K: r[dst] = r[dst]! >>> imm; break;
      case ALU32_MOV_X: r[dst] = r[src]! >>> 0; break;
      case ALU64_MOV_K: r[dst] = imm; break;
      case JNE_K: if (r[dst] !== imm) pc += off; break;
      case JEQ_K: if (r[dst] === imm) pc += off; break;
      case EXIT: return r[0]!;
      default: throw new Error(`unknown opcode 0x${code.toString(16)}`);
    }
  }
  throw new Error("program did not exit");
}
