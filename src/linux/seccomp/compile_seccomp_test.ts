// The BPF compiler: unit checks, then programs loaded into the kernel by the
// helper, which then runs try_syscall to make the calls.
import t from "tap";
import type { Seccomp, SeccompArg } from "../../spec/types/config.ts";
import { runCaptured } from "../process/_testing.ts";
import { syscallNames, syscallNumber } from "./_arch.ts";
import { BPF, decode } from "./_bpf.ts";
import { compileSeccomp, SECCOMP_FILTER_FLAG } from "./compile_seccomp.ts";
import { trySyscallPath } from "./testdata/try_syscall.ts";

const x86 = process.arch === "x64";
const GETPPID = syscallNumber(x86 ? "x86_64" : "aarch64", "getppid")!;
const GETPID = syscallNumber(x86 ? "x86_64" : "aarch64", "getpid")!;
const GETPPID_I386 = syscallNumber("i386", "getppid")!;

/** Loads the filter in the helper, then runs try_syscall with these call groups. */
async function run(s: Seccomp, calls: (string | number)[][]) {
  const c = compileSeccomp(s);
  const argv = ["try_syscall", ...calls.flatMap((g, i) => [...(i ? ["--"] : []), ...g.map(String)])];
  const r = await runCaptured({
    ops: [
      { op: "seccomp", flags: c.flags, filter: c.filter },
      { op: "resolveExec", file: trySyscallPath(), path: "" },
      { op: "exec", argv, env: [] },
    ],
  });
  return { lines: r.stdout.trim().split("\n").filter(Boolean), signal: r.exit.signal, code: r.exit.code, outcome: r.outcome.kind };
}

const deny = (names: string[], errnoRet: number, args?: SeccompArg[]): Seccomp => ({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [{ names: names as [string, ...string[]], action: "SCMP_ACT_ERRNO", errnoRet, args }],
});

t.test("unit: sections, flags, unknown names, errors", async (t) => {
  const c = compileSeccomp({
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 38,
    flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
    syscalls: [{ names: ["getpid", "no_such_call", "arm_fadvise64_64"], action: "SCMP_ACT_ALLOW" }],
  }, { host: "x86_64" });
  t.equal(c.flags, SECCOMP_FILTER_FLAG.LOG, "TSYNC sets nothing; WAIT_KILLABLE_RECV only with a listener");
  t.same(c.unknown, ["no_such_call", "arm_fadvise64_64"]);
  t.notOk(c.notify);
  const insns = decode(c.filter);
  t.equal(insns.length, c.length);
  t.same(insns[0], { code: BPF.LD_W_ABS, jt: 0, jf: 0, k: 4 }, "the arch is checked first");
  t.ok(insns.some((i) => i.code === BPF.RET_K && i.k === 0x80000000), "an unlisted architecture kills the process");
  t.ok(insns.some((i) => i.code === BPF.RET_K && i.k === 0x00050026), "the default returns errno 38");

  const n = compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"], syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }] });
  t.ok(n.notify);
  t.equal(n.flags, SECCOMP_FILTER_FLAG.NEW_LISTENER | SECCOMP_FILTER_FLAG.WAIT_KILLABLE_RECV);

  const bad: [Seccomp, RegExp][] = [
    [{ defaultAction: "SCMP_ACT_NOTIFY" }, /defaultAction: SCMP_ACT_NOTIFY cannot be the default/],
    [{ defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 1 }, /an errno only goes with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW/],
    [{ defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 5000 }, /errno 5000 is out of range for SCMP_ACT_ERRNO \(0 to 4095\)/],
    [deny(["getpid"], 1, [{ index: 6, value: 0, op: "SCMP_CMP_EQ" }]), /syscalls\[0\]\.args\[0\]\.index: 6 is not a system call argument/],
    [{ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x", syscalls: [{ names: ["sendmsg"], action: "SCMP_ACT_NOTIFY" }] }, /cannot apply to sendmsg/],
    [{ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_NOTIFY" }] }, /listenerPath: is required/],
    [{ defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_Z80" as "SCMP_ARCH_X86"] }, /architectures\[0\]: unknown architecture/],
  ];
  for (const [s, re] of bad) t.throws(() => compileSeccomp(s, { host: "x86_64" }), re);

  // 1200 rules with two 64-bit conditions each: past the kernel's 4096 instructions.
  const huge: Seccomp = {
    defaultAction: "SCMP_ACT_ALLOW",
    syscalls: Array.from({ length: 1200 }, (_, i) => ({ names: ["getpid"] as [string], action: "SCMP_ACT_ERRNO" as const, args: [{ index: 0, value: i, op: "SCMP_CMP_EQ" as const }, { index: 1, value: i, op: "SCMP_CMP_EQ" as const }] })),
  };
  t.throws(() => compileSeccomp(huge, { host: "x86_64" }), /the filter needs \d+ BPF instructions; the kernel takes at most 4096/);
});

t.test("unit: uint64 values as JSON gives them", async (t) => {
  // 2^64-1 reads as the double 2^64: it is taken as 2^64-1.
  const c = compileSeccomp(deny(["getpid"], 1, [{ index: 0, value: 18446744073709551615, op: "SCMP_CMP_EQ" }]), { host: "x86_64" });
  t.ok(decode(c.filter).filter((i) => i.code === BPF.JEQ_K && i.k === 0xffffffff).length >= 2, "both words compared with 0xffffffff");
  t.throws(() => compileSeccomp(deny(["getpid"], 1, [{ index: 0, value: -1, op: "SCMP_CMP_EQ" }])), /-1 is not an unsigned 64-bit value/);
});

t.test("kernel: a rule makes chosen calls fail with a chosen errno", { skip: !x86 && "x86_64 only" }, async (t) => {
  const r = await run(deny(["getppid"], 42), [[GETPPID], [GETPID]]);
  t.equal(r.outcome, "exec");
  t.same(r.lines, ["err 42", `ok ${r.lines[1]?.slice(3)}`]);
  t.match(r.lines[1], /^ok \d+$/, "other calls pass");
});

t.test("kernel: every operator on 64-bit values", { skip: !x86 && "x86_64 only" }, async (t) => {
  const V = 0x1_0000_0005n; // high word 1, low word 5
  const probes = [0n, 5n, 0x1_0000_0004n, V, 0x1_0000_0006n, 0x2_0000_0000n, 0xffff_ffff_ffff_ffffn];
  const want: Record<string, (a: bigint) => boolean> = {
    SCMP_CMP_EQ: (a) => a === V,
    SCMP_CMP_NE: (a) => a !== V,
    SCMP_CMP_LT: (a) => a < V,
    SCMP_CMP_LE: (a) => a <= V,
    SCMP_CMP_GT: (a) => a > V,
    SCMP_CMP_GE: (a) => a >= V,
  };
  for (const [op, f] of Object.entries(want)) {
    const r = await run(deny(["getppid"], 7, [{ index: 2, value: Number(V), op: op as "SCMP_CMP_EQ" }]), probes.map((a) => [GETPPID, 0, 0, `0x${a.toString(16)}`]));
    t.same(r.lines.map((l) => l === "err 7"), probes.map(f), `${op}: ${r.lines.join(",")}`);
  }
  // (a & 0x1_0000_00f0) == 0x1_0000_0010
  const m = await run(
    deny(["getppid"], 7, [{ index: 5, value: 0x1_0000_00f0, valueTwo: 0x1_0000_0010, op: "SCMP_CMP_MASKED_EQ" }]),
    ["0x10000001f", "0x100000010", "0x10", "0x300000011", "0x100000020"].map((a) => [GETPPID, 0, 0, 0, 0, 0, a]),
  );
  t.same(m.lines.map((l) => l === "err 7"), [true, true, false, true, false], `MASKED_EQ: ${m.lines.join(",")}`);
});

t.test("kernel: several conditions must all hold; a repeated index means any", { skip: !x86 && "x86_64 only" }, async (t) => {
  const both = await run(deny(["getppid"], 9, [
    { index: 0, value: 1, op: "SCMP_CMP_EQ" },
    { index: 1, value: 2, op: "SCMP_CMP_EQ" },
  ]), [[GETPPID, 1, 2], [GETPPID, 1, 3], [GETPPID, 0, 2]]);
  t.same(both.lines.map((l) => l === "err 9"), [true, false, false]);
  const any = await run(deny(["getppid"], 9, [
    { index: 0, value: 1, op: "SCMP_CMP_EQ" },
    { index: 0, value: 4, op: "SCMP_CMP_EQ" },
  ]), [[GETPPID, 1], [GETPPID, 4], [GETPPID, 2]]);
  t.same(any.lines.map((l) => l === "err 9"), [true, true, false]);
});

t.test("kernel: the first matching rule decides; the default when none matches", { skip: !x86 && "x86_64 only" }, async (t) => {
  const names = syscallNamesExcept("getppid");
  const r = await run({
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 38,
    syscalls: [
      { names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 11, args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] },
      { names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 12, args: [{ index: 0, value: 1, op: "SCMP_CMP_GE" }] },
      { names, action: "SCMP_ACT_ALLOW" },
    ],
  }, [[GETPPID, 1], [GETPPID, 2], [GETPPID, 0], [GETPID]]);
  t.equal(r.outcome, "exec", "an allow-list of every other call runs the program");
  t.same(r.lines.slice(0, 3), ["err 11", "err 12", "err 38"]);
  t.match(r.lines[3], /^ok \d+$/);
});

t.test("kernel: kill, kill process, trap, log, trace and allow", { skip: !x86 && "x86_64 only" }, async (t) => {
  for (const action of ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"] as const) {
    const r = await run({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["getppid"], action }] }, [[GETPID], [GETPPID], [GETPID]]);
    t.equal(r.signal, "SIGSYS", `${action}: killed by SIGSYS`);
    t.equal(r.lines.length, 1, `${action}: nothing after the call ran`);
  }
  const log = await run({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["getppid"], action: "SCMP_ACT_LOG" }] }, [[GETPPID]]);
  t.match(log.lines, [/^ok \d+$/], "LOG lets the call run");
  const trace = await run({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["getppid"], action: "SCMP_ACT_TRACE" }] }, [[GETPPID]]);
  t.same(trace.lines, ["err 38"], "TRACE without a tracer: ENOSYS");
});

t.test("kernel: 32-bit and x32 calls cannot bypass the filter", { skip: !x86 && "x86_64 only" }, async (t) => {
  // Only x86_64 listed: an int 0x80 call is another architecture, and kills.
  const only64 = await run({ ...deny(["getppid"], 5), architectures: ["SCMP_ARCH_X86_64"] }, [[GETPPID], ["-32", GETPPID_I386]]);
  t.same(only64.lines, ["err 5"]);
  t.equal(only64.signal, "SIGSYS", "an i386 call with i386 unlisted kills");
  // i386 listed: the rule applies to the i386 getppid too.
  const both = await run({ ...deny(["getppid"], 5), architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"] }, [["-32", GETPPID_I386], ["-32", syscallNumber("i386", "getpid")!]]);
  t.equal(both.lines[0], "err 5");
  t.match(both.lines[1], /^ok \d+$/);
  // An x32 number (bit 30) with x32 unlisted kills; listed, the x32 rule applies.
  const x32nr = 0x40000000 + GETPPID;
  const no32 = await run(deny(["getppid"], 5), [[x32nr]]);
  t.equal(no32.signal, "SIGSYS");
  const with32 = await run({ ...deny(["getppid"], 5), architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"] }, [[x32nr], [0x40000000 + GETPID]]);
  t.equal(with32.lines[0], "err 5", "the x32 getppid meets its rule");
  t.equal(with32.lines[1], "err 38", "another x32 call passes the filter (this kernel has no x32: ENOSYS)");
});

t.test("kernel: i386 socket calls through socketcall meet the socket rule", { skip: !x86 && "x86_64 only" }, async (t) => {
  const r = await run({ ...deny(["socket"], 13), architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"] }, [
    ["-32", syscallNumber("i386", "socket")!, 1, 1, 0],
    ["-32", syscallNumber("i386", "socketcall")!, 1, 0],
  ]);
  t.same(r.lines, ["err 13", "err 13"]);
});

t.test("kernel: far jumps in a big program", { skip: !x86 && "x86_64 only" }, async (t) => {
  // 300 rules with two 64-bit conditions on getpid come before getppid's rule.
  const s: Seccomp = {
    defaultAction: "SCMP_ACT_ALLOW",
    syscalls: [
      ...Array.from({ length: 300 }, (_, i) => ({ names: ["getppid"] as [string], action: "SCMP_ACT_ERRNO" as const, errnoRet: 20, args: [{ index: 0, value: 1000 + i, op: "SCMP_CMP_EQ" as const }, { index: 1, value: i, op: "SCMP_CMP_EQ" as const }] })),
      { names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 21 },
    ],
  };
  const c = compileSeccomp(s);
  t.ok(c.length > 2000, `a long program (${c.length} instructions)`);
  t.ok(decode(c.filter).some((i) => i.code === BPF.JA), "with ja trampolines");
  const r = await run(s, [[GETPPID, 1299, 299], [GETPPID, 1000, 0], [GETPPID, 5, 5]]);
  t.same(r.lines, ["err 20", "err 20", "err 21"]);
});

function syscallNamesExcept(name: string): [string, ...string[]] {
  return syscallNames(x86 ? "x86_64" : "aarch64").filter((n) => n !== name) as [string, ...string[]];
}
