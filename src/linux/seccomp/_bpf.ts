/**
 * A small assembler for classic BPF as seccomp runs it: loads from
 * `struct seccomp_data`, an AND, conditional jumps and returns. Jumps name
 * labels; `assemble` lays the program out and, where a conditional jump
 * would reach further than its 8-bit offset allows (255 instructions), it
 * routes that branch through an inserted `ja` (32-bit offset) placed right
 * after the jump, repeating until every offset fits.
 *
 * @example
 * ```ts
 * const a = new Assembler();
 * const allow = a.label(), deny = a.label();
 * a.ld(0);                          // seccomp_data.nr
 * a.jump("jeq", 39, allow, deny);   // getpid
 * a.bind(allow); a.ret(0x7fff0000);
 * a.bind(deny); a.ret(0x00050001);
 * const program = a.assemble();     // Buffer of struct sock_filter
 * ```
 */

/** Opcodes (linux/bpf_common.h): class | size | mode | op | source. */
export const BPF = {
  LD_W_ABS: 0x20, // BPF_LD | BPF_W | BPF_ABS
  ALU_AND_K: 0x54, // BPF_ALU | BPF_AND | BPF_K
  JA: 0x05, // BPF_JMP | BPF_JA
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JGE_K: 0x35,
  JSET_K: 0x45,
  RET_K: 0x06, // BPF_RET | BPF_K
} as const;

/** The kernel's limit on one filter (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

export type JumpOp = "jeq" | "jgt" | "jge" | "jset";
const JUMP_CODE: Record<JumpOp, number> = { jeq: BPF.JEQ_K, jgt: BPF.JGT_K, jge: BPF.JGE_K, jset: BPF.JSET_K };

/** A label: a position in the program, bound once. */
export type Label = number & { readonly __label: unique symbol };

type Item =
  | { kind: "bind"; label: Label }
  | { kind: "ld"; offset: number }
  | { kind: "and"; k: number }
  | { kind: "jump"; code: number; k: number; jt: Label; jf: Label }
  | { kind: "ja"; to: Label }
  | { kind: "ret"; k: number };

/** One decoded instruction (for tests and dumps). */
export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const u32 = (k: number): number => {
  if (!Number.isInteger(k) || k < 0 || k > 0xffffffff) throw new RangeError(`BPF constant out of range: ${k}`);
  return k;
};

export class Assembler {
  #items: Item[] = [];
  #labels = 0;
  #bound = new Set<Label>();

  label(): Label {
    return this.#labels++ as Label;
  }
  bind(label: Label): void {
    if (this.#bound.has(label)) throw new Error(`BPF label ${label} bound twice`);
    this.#bound.add(label);
    this.#items.push({ kind: "bind", label });
  }
  /** A = the 32-bit word at `offset` of seccomp_data. */
  ld(offset: number): void {
    this.#items.push({ kind: "ld", offset: u32(offset) });
  }
  and(k: number): void {
    this.#items.push({ kind: "and", k: u32(k) });
  }
  /** if (A op k) goto jt else goto jf; both forward. */
  jump(op: JumpOp, k: number, jt: Label, jf: Label): void {
    this.#items.push({ kind: "jump", code: JUMP_CODE[op], k: u32(k), jt, jf });
  }
  ja(to: Label): void {
    this.#items.push({ kind: "ja", to });
  }
  ret(k: number): void {
    this.#items.push({ kind: "ret", k: u32(k) });
  }

  /** Lays the program out, fixing far jumps; returns the instructions. */
  instructions(): Insn[] {
    const items = [...this.#items];
    for (const it of items) {
      for (const l of it.kind === "jump" ? [it.jt, it.jf] : it.kind === "ja" ? [it.to] : []) {
        if (!this.#bound.has(l)) throw new Error(`BPF label ${l} used but never bound`);
      }
    }
    let next = this.#labels;
    for (;;) {
      const { pos, at } = layout(items);
      let changed = false;
      for (let i = items.length - 1; i >= 0; i--) {
        const it = items[i]!;
        if (it.kind !== "jump") continue;
        const from = at[i]! + 1;
        const insert: Item[] = [];
        for (const side of ["jt", "jf"] as const) {
          const target = pos.get(it[side])!;
          if (target < from) throw new Error("BPF jumps only go forward");
          if (target - from > 255) {
            const tramp = next++ as Label;
            insert.push({ kind: "bind", label: tramp }, { kind: "ja", to: it[side] });
            it[side] = tramp;
          }
        }
        if (insert.length) {
          items.splice(i + 1, 0, ...insert);
          changed = true;
        }
      }
      if (changed) continue;
      const out: Insn[] = [];
      items.forEach((it, i) => {
        const here = at[i]!;
        switch (it.kind) {
          case "bind": return;
          case "ld": out.push({ code: BPF.LD_W_ABS, jt: 0, jf: 0, k: it.offset }); return;
          case "and": out.push({ code: BPF.ALU_AND_K, jt: 0, jf: 0, k: it.k }); return;
          case "ret": out.push({ code: BPF.RET_K, jt: 0, jf: 0, k: it.k }); return;
          case "ja": out.push({ code: BPF.JA, jt: 0, jf: 0, k: pos.get(it.to)! - here - 1 }); return;
          case "jump":
            out.push({ code: it.code, jt: pos.get(it.jt)! - here - 1, jf: pos.get(it.jf)! - here - 1, k: it.k });
            return;
        }
      });
      return out;
    }
  }

  /** The program as the kernel takes it: `struct sock_filter` (u16 code, u8 jt, u8 jf, u32 k), little endian. */
  assemble(): Buffer {
    return encode(this.instructions());
  }
}

/** Instruction index of every item and every label. */
function layout(items: Item[]): { pos: Map<Label, number>; at: number[] } {
  const pos = new Map<Label, number>();
  const at: number[] = [];
  let n = 0;
  for (const it of items) {
    at.push(n);
    if (it.kind === "bind") pos.set(it.label, n);
    else n++;
  }
  return { pos, at };
}

export function encode(insns: readonly Insn[]): Buffer {
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    b.writeUInt16LE(x.code, i * 8);
    b.writeUInt8(x.jt, i * 8 + 2);
    b.writeUInt8(x.jf, i * 8 + 3);
    b.writeUInt32LE(x.k >>> 0, i * 8 + 4);
  });
  return b;
}

export function decode(program: Buffer): Insn[] {
  const out: Insn[] = [];
  for (let off = 0; off + 8 <= program.length; off += 8) {
    out.push({ code: program.readUInt16LE(off), jt: program[off + 2]!, jf: program[off + 3]!, k: program.readUInt32LE(off + 4) });
  }
  return out;
}
