/**
 * Compiles `linux.seccomp` of config.json into a classic BPF program for
 * seccomp(2), without libseccomp.
 *
 * The program checks `seccomp_data.arch` first: each architecture the host
 * kernel can run system calls in and the filter lists (the host's own is
 * always there, as libseccomp does) gets a section; a system call of any
 * other architecture kills the process, so a 32-bit (int 0x80) or x32 call
 * cannot slip past rules written for x86_64. In the x86_64 section a number
 * with the x32 bit set goes to the x32 section, or is killed when x32 is not
 * listed.
 *
 * In a section the rules are found by a binary search on the system call
 * number. For one system call, the rules apply in the order of
 * `syscalls[]` and the first that matches decides (what runc does); no
 * match means the default action. A rule's argument conditions must all
 * hold, except that, as in runc, a rule naming the same argument index more
 * than once matches when any one of its conditions holds. Comparisons are
 * unsigned and on 64 bits (on 32-bit architectures, on the 32-bit argument
 * and the value's low 32 bits, as libseccomp does). `SCMP_CMP_MASKED_EQ`
 * is `(arg & value) == valueTwo`. On i386, a rule without conditions on a
 * socket or System V IPC call also matches that call made through
 * socketcall(2) or ipc(2).
 *
 * Names no table of the filter knows are skipped (runc skips and logs them
 * too); `unknown` lists them. A program longer than the kernel's 4096
 * instructions is refused.
 *
 * @example
 * ```ts
 * const c = compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW",
 *   syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13 }] });
 * c.filter;  // Buffer of struct sock_filter, c.length instructions
 * c.flags;   // for seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)
 * ```
 */
import { RongqiError } from "../../errors.ts";
import type { Seccomp, SeccompAction, SeccompArg, SeccompOperator } from "../../spec/types/config.ts";
import { ARCH_NAMES, ARCHES, HOST_ARCHES, hostArch, I386_MULTIPLEXED, syscallNumber, X32_SYSCALL_BIT, type ArchInfo, type HostArch } from "./_arch.ts";
import { Assembler, BPF_MAXINSNS, type Label } from "./_bpf.ts";

/** SECCOMP_RET_* (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** SECCOMP_FILTER_FLAG_* (linux/seccomp.h). */
export const SECCOMP_FILTER_FLAG = {
  TSYNC: 1,
  LOG: 2,
  SPEC_ALLOW: 4,
  NEW_LISTENER: 8,
  TSYNC_ESRCH: 16,
  WAIT_KILLABLE_RECV: 32,
} as const;

/** The actions of config.json and what each returns (ERRNO and TRACE add their data). */
export const ACTIONS: Readonly<Record<SeccompAction, number>> = {
  SCMP_ACT_KILL: SECCOMP_RET.KILL_THREAD, // libseccomp's SCMP_ACT_KILL kills the thread
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET.KILL_PROCESS,
  SCMP_ACT_KILL_THREAD: SECCOMP_RET.KILL_THREAD,
  SCMP_ACT_TRAP: SECCOMP_RET.TRAP,
  SCMP_ACT_ERRNO: SECCOMP_RET.ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET.TRACE,
  SCMP_ACT_ALLOW: SECCOMP_RET.ALLOW,
  SCMP_ACT_LOG: SECCOMP_RET.LOG,
  SCMP_ACT_NOTIFY: SECCOMP_RET.USER_NOTIF,
};

export const OPERATORS: readonly SeccompOperator[] = [
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
];

/**
 * The flags of config.json and the seccomp(2) flag each sets. TSYNC sets
 * none: the process that loads the filter has a single thread, which is
 * what TSYNC would synchronise. WAIT_KILLABLE_RECV only means something
 * with a listener and is passed only when a rule notifies.
 */
export const FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0,
  SECCOMP_FILTER_FLAG_LOG: SECCOMP_FILTER_FLAG.LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SECCOMP_FILTER_FLAG.SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV,
};

const EPERM = 1;
/** The largest errno the kernel returns (MAX_ERRNO). */
const MAX_ERRNO = 4095;
/**
 * System calls the runtime's helper makes between loading the filter and
 * handing its listener fd to the agent: notifying on them would wait for
 * an agent that has no fd yet.
 */
const NEEDED_BEFORE_LISTENER = ["sendmsg"];

export interface CompiledSeccomp {
  /** the program: `struct sock_filter` array */
  filter: Buffer;
  /** its length in instructions */
  length: number;
  /** seccomp(2) flags; NEW_LISTENER when a rule notifies */
  flags: number;
  /** a rule uses SCMP_ACT_NOTIFY: the filter returns a listener fd */
  notify: boolean;
  /** system call names no table of the filter knows: skipped */
  unknown: string[];
}

interface Cond {
  index: number;
  op: SeccompOperator;
  value: bigint;
  valueTwo: bigint;
}

interface Rule {
  action: number;
  conds: Cond[];
}

interface Section {
  arch: ArchInfo;
  /** rules by system call number, in config order */
  rules: Map<number, Rule[]>;
}

const U64_MAX = (1n << 64n) - 1n;

/** A JSON uint64 as a BigInt. Doubles past 2^53 are inexact; 2^64 is what 2^64-1 reads as. */
function u64(v: number | bigint, field: string): bigint {
  if (typeof v === "bigint") {
    if (v < 0n || v > U64_MAX) throw new RongqiError(`${field}: ${v} is not an unsigned 64-bit value`);
    return v;
  }
  if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v)) throw new RongqiError(`${field}: ${v} is not an unsigned 64-bit value`);
  const b = BigInt(v);
  if (b === 1n << 64n) return U64_MAX;
  if (b > U64_MAX) throw new RongqiError(`${field}: ${v} is not an unsigned 64-bit value`);
  return b;
}

/** What an action returns, with its errno (ERRNO) or message (TRACE). */
export function actionValue(action: SeccompAction, errnoRet: number | undefined, field: string): number {
  const base = ACTIONS[action];
  if (base === undefined) throw new RongqiError(`${field}: unknown seccomp action ${JSON.stringify(action)}`);
  if (action === "SCMP_ACT_ERRNO" || action === "SCMP_ACT_TRACE") {
    const data = errnoRet ?? EPERM;
    const max = action === "SCMP_ACT_ERRNO" ? MAX_ERRNO : 0xffff;
    if (!Number.isInteger(data) || data < 0 || data > max) {
      throw new RongqiError(`${field}: errno ${data} is out of range for ${action} (0 to ${max})`);
    }
    return (base | data) >>> 0;
  }
  if (errnoRet !== undefined) {
    throw new RongqiError(`${field}: an errno only goes with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not ${action}`);
  }
  return base;
}

function condition(arg: SeccompArg, field: string): Cond {
  if (!Number.isInteger(arg.index) || arg.index < 0 || arg.index > 5) {
    throw new RongqiError(`${field}.index: ${arg.index} is not a system call argument (0 to 5)`);
  }
  if (!OPERATORS.includes(arg.op)) throw new RongqiError(`${field}.op: unknown operator ${JSON.stringify(arg.op)}`);
  return {
    index: arg.index,
    op: arg.op,
    value: u64(arg.value as number | bigint, `${field}.value`),
    valueTwo: u64((arg.valueTwo ?? 0) as number | bigint, `${field}.valueTwo`),
  };
}

/** A rule's conditions as alternatives: all together, or (an index repeated) each alone. */
function alternatives(conds: Cond[]): Cond[][] {
  const seen = new Set<number>();
  const repeated = conds.some((c) => seen.size === seen.add(c.index).size);
  return repeated ? conds.map((c) => [c]) : [conds];
}

export interface CompileOptions {
  /** the host's architecture; the running one by default */
  host?: HostArch;
}

export function compileSeccomp(s: Seccomp, opts: CompileOptions = {}): CompiledSeccomp {
  const F = "linux.seccomp";
  const host = opts.host ?? hostArch();
  if (!host) throw new RongqiError(`${F}: seccomp filters are not supported on ${process.arch}`);
  if (s.defaultAction === "SCMP_ACT_NOTIFY") {
    throw new RongqiError(`${F}.defaultAction: SCMP_ACT_NOTIFY cannot be the default action (the runtime's own calls would wait for the agent)`);
  }
  const defaultRet = actionValue(s.defaultAction, s.defaultErrnoRet, `${F}.defaultAction`);

  let flags = 0;
  for (const [i, f] of (s.flags ?? []).entries()) {
    if (!(f in FLAGS)) throw new RongqiError(`${F}.flags[${i}]: unknown flag ${JSON.stringify(f)}`);
    flags |= FLAGS[f]!;
  }

  // The sections: the host's architecture, then those listed that this kernel runs.
  const runs: readonly string[] = HOST_ARCHES[host];
  const listed = new Set<string>([runs[0]!]);
  for (const [i, a] of (s.architectures ?? []).entries()) {
    if (!ARCH_NAMES.includes(a)) throw new RongqiError(`${F}.architectures[${i}]: unknown architecture ${JSON.stringify(a)}`);
    if (runs.includes(a)) listed.add(a);
  }
  const sections = new Map<string, Section>();
  for (const name of listed) {
    const arch = ARCHES[name]!;
    if (arch.table) sections.set(name, { arch, rules: new Map() });
  }

  let notify = false;
  const known = new Set<string>();
  const named = new Set<string>();
  for (const [i, rule] of (s.syscalls ?? []).entries()) {
    const field = `${F}.syscalls[${i}]`;
    const action = actionValue(rule.action, rule.errnoRet, field);
    if (rule.action === "SCMP_ACT_NOTIFY") {
      notify = true;
      const bad = rule.names.find((n) => NEEDED_BEFORE_LISTENER.includes(n));
      if (bad) {
        throw new RongqiError(`${field}.names: SCMP_ACT_NOTIFY cannot apply to ${bad}: the runtime uses it to hand the listener to the agent`);
      }
    }
    const conds = (rule.args ?? []).map((a, k) => condition(a, `${field}.args[${k}]`));
    const alts = alternatives(conds);
    for (const name of rule.names) {
      named.add(name);
      for (const sec of sections.values()) {
        const nr = syscallNumber(sec.arch.table!, name);
        if (nr !== undefined) {
          known.add(name);
          for (const c of alts) addRule(sec, nr, { action, conds: c });
        }
        // i386: the same call through its multiplexer, when the rule has no conditions.
        const via = sec.arch.table === "i386" && conds.length === 0 ? I386_MULTIPLEXED[name] : undefined;
        if (via) {
          addRule(sec, syscallNumber("i386", via[0])!, { action, conds: [{ index: 0, op: "SCMP_CMP_EQ", value: BigInt(via[1]), valueTwo: 0n }] });
        }
      }
    }
  }
  if (notify) {
    flags |= SECCOMP_FILTER_FLAG.NEW_LISTENER;
    if (!s.listenerPath) throw new RongqiError(`${F}.listenerPath: is required when an action is SCMP_ACT_NOTIFY`);
  } else {
    flags &= ~SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV;
  }

  const a = new Assembler();
  emitProgram(a, sections, defaultRet);
  const filter = a.assemble();
  const length = filter.length / 8;
  if (length > BPF_MAXINSNS) {
    throw new RongqiError(`${F}: the filter needs ${length} BPF instructions; the kernel takes at most ${BPF_MAXINSNS} (use fewer rules or argument conditions)`);
  }
  return { filter, length, flags, notify, unknown: [...named].filter((n) => !known.has(n)) };
}

function addRule(sec: Section, nr: number, rule: Rule): void {
  const list = sec.rules.get(nr);
  if (list) list.push(rule);
  else sec.rules.set(nr, [rule]);
}

/** Offsets in struct seccomp_data. */
const NR = 0;
const ARCH = 4;
const argLow = (i: number) => 16 + 8 * i;

function emitProgram(a: Assembler, sections: Map<string, Section>, def: number): void {
  const bad = a.label();
  const entries = new Map<number, Label>();
  // One check per AUDIT_ARCH value (x86_64 and x32 share one).
  a.ld(ARCH);
  for (const [name, sec] of sections) {
    if (name === "SCMP_ARCH_X32") continue;
    const here = a.label();
    const next = a.label();
    entries.set(sec.arch.audit, here);
    a.jump("jeq", sec.arch.audit, here, next);
    a.bind(next);
  }
  a.bind(bad);
  a.ret(SECCOMP_RET.KILL_PROCESS);

  for (const [name, sec] of sections) {
    if (name === "SCMP_ARCH_X32") continue;
    a.bind(entries.get(sec.arch.audit)!);
    a.ld(NR);
    if (name === "SCMP_ARCH_X86_64") {
      // x32 calls carry X32_SYSCALL_BIT; -1 (a tracer skipping the call) is not one.
      const tree = a.label();
      const high = a.label();
      const x32 = sections.get("SCMP_ARCH_X32");
      const x32Tree = a.label();
      a.jump("jge", X32_SYSCALL_BIT, high, tree);
      a.bind(high);
      a.jump("jeq", 0xffffffff, tree, x32Tree);
      if (!x32) {
        a.bind(x32Tree);
        a.ret(SECCOMP_RET.KILL_PROCESS);
      }
      a.bind(tree);
      emitTree(a, sec, def);
      if (x32) {
        a.bind(x32Tree);
        emitTree(a, x32, def);
      }
    } else {
      emitTree(a, sec, def);
    }
  }
}

/** Binary search on the number (already in A) down to short runs of jeq. */
function emitTree(a: Assembler, sec: Section, def: number): void {
  const nrs = [...sec.rules.keys()].sort((x, y) => x - y);
  const walk = (lo: number, hi: number) => {
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) {
        const body = a.label();
        const next = a.label();
        a.jump("jeq", nrs[i]!, body, next);
        a.bind(body);
        emitRules(a, sec.rules.get(nrs[i]!)!, sec.arch.bits, def);
        a.bind(next);
      }
      a.ret(def);
      return;
    }
    const mid = (lo + hi) >> 1;
    const left = a.label();
    const right = a.label();
    a.jump("jge", nrs[mid]!, right, left);
    a.bind(left);
    walk(lo, mid);
    a.bind(right);
    walk(mid, hi);
  };
  walk(0, nrs.length);
}

/** One system call's rules, first match wins; the default when none matches. */
function emitRules(a: Assembler, rules: Rule[], bits: 32 | 64, def: number): void {
  for (const rule of rules) {
    if (rule.conds.length === 0) {
      a.ret(rule.action);
      return; // later rules for this call can never match
    }
    const next = a.label();
    const hit = a.label();
    rule.conds.forEach((c, k) => {
      const last = k === rule.conds.length - 1;
      const pass = last ? hit : a.label();
      if (bits === 64) emitCond64(a, c, pass, next);
      else emitCond32(a, c, pass, next);
      if (!last) a.bind(pass);
    });
    a.bind(hit);
    a.ret(rule.action);
    a.bind(next);
  }
  a.ret(def);
}

const hi32 = (v: bigint) => Number(v >> 32n);
const lo32 = (v: bigint) => Number(v & 0xffffffffn);

function emitCond64(a: Assembler, c: Cond, pass: Label, fail: Label): void {
  const lo = argLow(c.index);
  const hi = lo + 4;
  const v = c.value;
  const low = a.label();
  a.ld(hi);
  switch (c.op) {
    case "SCMP_CMP_EQ":
      a.jump("jeq", hi32(v), low, fail);
      a.bind(low);
      a.ld(lo);
      a.jump("jeq", lo32(v), pass, fail);
      return;
    case "SCMP_CMP_NE":
      a.jump("jeq", hi32(v), low, pass);
      a.bind(low);
      a.ld(lo);
      a.jump("jeq", lo32(v), fail, pass);
      return;
    case "SCMP_CMP_GT":
    case "SCMP_CMP_GE":
    case "SCMP_CMP_LT":
    case "SCMP_CMP_LE": {
      // above: the high words decide "greater"; equal: the low words decide.
      const greater = c.op === "SCMP_CMP_GT" || c.op === "SCMP_CMP_GE";
      const [ifGreater, ifLess] = greater ? [pass, fail] : [fail, pass];
      const eq = a.label();
      a.jump("jgt", hi32(v), ifGreater, eq);
      a.bind(eq);
      a.jump("jeq", hi32(v), low, ifLess);
      a.bind(low);
      a.ld(lo);
      // GT: lo > v; GE: lo >= v; LT: !(lo >= v); LE: !(lo > v)
      const op = c.op === "SCMP_CMP_GT" || c.op === "SCMP_CMP_LE" ? "jgt" : "jge";
      a.jump(op, lo32(v), ifGreater, ifLess);
      return;
    }
    case "SCMP_CMP_MASKED_EQ": {
      const m = c.value;
      const d = c.valueTwo;
      a.and(hi32(m));
      a.jump("jeq", hi32(d), low, fail);
      a.bind(low);
      a.ld(lo);
      a.and(lo32(m));
      a.jump("jeq", lo32(d), pass, fail);
      return;
    }
  }
}

function emitCond32(a: Assembler, c: Cond, pass: Label, fail: Label): void {
  a.ld(argLow(c.index));
  const v = lo32(c.value);
  switch (c.op) {
    case "SCMP_CMP_EQ": a.jump("jeq", v, pass, fail); return;
    case "SCMP_CMP_NE": a.jump("jeq", v, fail, pass); return;
    case "SCMP_CMP_GT": a.jump("jgt", v, pass, fail); return;
    case "SCMP_CMP_GE": a.jump("jge", v, pass, fail); return;
    case "SCMP_CMP_LT": a.jump("jge", v, fail, pass); return;
    case "SCMP_CMP_LE": a.jump("jgt", v, fail, pass); return;
    case "SCMP_CMP_MASKED_EQ":
      a.and(v);
      a.jump("jeq", lo32(c.valueTwo), pass, fail);
      return;
  }
}
