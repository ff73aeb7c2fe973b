import t from "tap";
import {
  decodePlan, encodeAbort, encodeAck, encodeHelperMessage, encodePlan, type HelperMessage, HelperMessageDecoder,
  MSG, NO_OP_INDEX, type OpBody, OPCODES,
} from "./protocol.ts";
import { EINVAL, rawExchange } from "./_testing.ts";

// One of every op, with awkward values where they matter.
const everyOp: OpBody[] = [
  { op: "setns", nstype: 0x40000000, path: "/proc/1/ns/net" },
  { op: "unshare", flags: 0x24020000 },
  { op: "sync", tag: 0xffffffff },
  { op: "notify", tag: 7 },
  { op: "fork" },
  { op: "setresuid", ruid: -1, euid: 0, suid: 4294967294 },
  { op: "setresgid", rgid: 1, egid: 2, sgid: 3 },
  { op: "setgroups", gids: [0, 10, 65534] },
  { op: "openRoot", path: "/var/lib/x/rootfs" },
  { op: "mount", flags: 0x5000, create: 2, inRoot: true, keepFlags: true, source: "/src", target: "/dst", fstype: "", data: "mode=755" },
  { op: "mknod", mode: 0o20666, major: 1, minor: 3, uid: 0, gid: 0, path: "/dev/null" },
  { op: "symlink", target: "/proc/self/fd", path: "/dev/fd" },
  { op: "writeFile", path: "/proc/self/oom_score_adj", data: Buffer.from("0\n") },
  { op: "pivotRoot" },
  { op: "chroot" },
  { op: "mask", path: "/proc/kcore" },
  { op: "readonly", path: "/proc/sys" },
  { op: "sethostname", name: "héllo" },
  { op: "setdomainname", name: "" },
  { op: "chdir", path: "/" },
  { op: "setrlimit", resource: 7, soft: -1, hard: 2n ** 62n },
  { op: "prctl", option: 38, args: [1, 0, 0, 0] },
  { op: "capset", effective: (1n << 63n) | 1n, permitted: 2n ** 64n - 1n, inheritable: 0n },
  { op: "ambient", caps: 1n << 40n },
  { op: "umask", mask: 0o22 },
  { op: "openFifo", path: "/run/x/exec.fifo" },
  { op: "waitStart" },
  { op: "closeFrom", first: 3 },
  { op: "resolveExec", file: "sh", path: "/bin:/usr/bin" },
  { op: "seccomp", flags: 8, filter: Buffer.from([6, 0, 0, 0, 0, 0, 0xff, 0x7f]), listenerTag: 5 },
  { op: "seccomp", flags: 0, filter: Buffer.alloc(16, 0) },
  { op: "setsid" },
  { op: "mkdir", mode: 0o755, path: "/a/b" },
  { op: "runHook", timeoutS: 5, path: "/bin/hook", state: Buffer.from('{"a":"\u0000"}'), args: ["hook", "x"], env: ["A=1"] },
  { op: "mountSetattr", target: "/sys", inRoot: true, attrSet: 1, attrClr: 0x70 },
  { op: "console", socketFd: 1004, rows: 25, cols: 80, console: "/dev/console" },
  { op: "setnsFd", fd: 5, nstype: 0x10000000 },
  { op: "seccompListener", path: "/run/agent.sock", prefix: '{"ociVersion":"1.3.0","fds":["seccompFd"]' },
  { op: "personality", persona: 8 },
  { op: "ioprio", which: 1, who: 0, ioprio: (2 << 13) | 4 },
  { op: "schedAttr", policy: 6, flags: 1, nice: -5, priority: 0, runtime: 1024, deadline: 2n ** 60n, period: 0 },
  { op: "keyring", name: "_ses.abc", perm: 0x80000 },
  { op: "tmpcopyup", flags: 6, target: "/tmp", data: "mode=1777" },
  { op: "mempolicy", mode: 2, nodemask: Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]) },
  { op: "affinity", mask: Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]) },
  { op: "exec", argv: ["sh", "-c", "echo ünïcode"], env: ["PATH=/bin", ""] },
];

t.test("every opcode has a round trip", async (t) => {
  t.same(new Set(everyOp.map((o) => o.op)), new Set(Object.keys(OPCODES)), "the sample covers every op");
  const bytes = encodePlan(everyOp, { trace: true });
  t.equal(bytes.readUInt32LE(0), bytes.length - 4, "length prefix");
  t.equal(bytes.readUInt32LE(4), MSG.PLAN);
  const back = decodePlan(bytes);
  t.equal(back.trace, true);
  t.same(back.ops, everyOp);
  t.same(encodePlan(back.ops, { trace: true }), bytes, "re-encoding gives the same bytes");
});

t.test("encodePlan: wire layout of one op", async (t) => {
  const b = encodePlan([{ op: "sethostname", name: "ab", desc: { step: "not sent" } }], { trace: false });
  const expect = Buffer.from([
    34, 0, 0, 0, 1, 0, 0, 0, // length (38 bytes - 4), PLAN
    0, 0, 0, 0, 1, 0, 0, 0, // flags, nops
    18, 0, 0, 0, 0, 0, 0, 0, // SETHOSTNAME, nints
    1, 0, 0, 0, 2, 0, 0, 0, 0x61, 0x62, // nstrs, "ab"
    0, 0, 0, 0, // nlists
  ]);
  t.same(b, expect);
});

t.test("encodePlan rejects what cannot be sent", async (t) => {
  t.throws(() => encodePlan([{ op: "chdir", path: "/a\0b" }], { trace: false }), /plan op 0 \(chdir\): string argument contains a NUL/);
  t.throws(() => encodePlan([{ op: "umask", mask: 1.5 }], { trace: false }), /not a safe integer/);
  t.throws(() => encodePlan([{ op: "ambient", caps: 1n << 64n }], { trace: false }), /does not fit in 64 bits/);
  t.throws(
    () => encodePlan([{ op: "exec", argv: ["a\0"], env: [], desc: { step: "run it" } }], { trace: false }),
    /plan op 0 \(exec, run it\): list element contains a NUL/,
  );
  t.throws(() => encodePlan([{ op: "bogus" } as unknown as OpBody], { trace: false }), /unknown op/);
});

t.test("decodePlan rejects truncation and trailing bytes", async (t) => {
  const bytes = encodePlan(everyOp, { trace: false });
  const cut = Buffer.from(bytes.subarray(0, bytes.length - 3));
  cut.writeUInt32LE(cut.length - 4, 0);
  t.throws(() => decodePlan(cut), /truncated/);
  const long = Buffer.concat([bytes, Buffer.alloc(2)]);
  long.writeUInt32LE(long.length - 4, 0);
  t.throws(() => decodePlan(long), /trailing bytes/);
});

t.test("ACK and ABORT", async (t) => {
  t.same(encodeAck(0x01020304), Buffer.from([8, 0, 0, 0, 2, 0, 0, 0, 4, 3, 2, 1]));
  t.same(encodeAbort(), Buffer.from([4, 0, 0, 0, 3, 0, 0, 0]));
});

const sample: HelperMessage[] = [
  { type: "sync", tag: 1 },
  { type: "notify", tag: 0xffffffff },
  { type: "pid", pid: 4242 },
  { type: "step", opIndex: 3, startNs: 123456789012345n, endNs: 2n ** 64n - 1n },
  { type: "error", opIndex: NO_OP_INDEX, errno: 22, detail: "plan: op 2: bad int count" },
  { type: "error", opIndex: 0, errno: -1, detail: "" },
  { type: "exec" },
];

t.test("helper messages decode across every chunk boundary", async (t) => {
  const stream = Buffer.concat(sample.map(encodeHelperMessage));
  for (let cut1 = 0; cut1 <= stream.length; cut1++) {
    for (const size of [1, 3, 7, stream.length]) {
      const d = new HelperMessageDecoder();
      const got: HelperMessage[] = [...d.push(stream.subarray(0, cut1))];
      for (let off = cut1; off < stream.length; off += size) got.push(...d.push(stream.subarray(off, off + size)));
      if (JSON.stringify(got, big) !== JSON.stringify(sample, big)) {
        t.fail(`split at ${cut1}, chunks of ${size}`);
        return;
      }
      if (d.pendingBytes !== 0) t.fail("bytes left over");
    }
  }
  t.pass("all splits decode to the same messages");
});

function big(_k: string, v: unknown) {
  return typeof v === "bigint" ? `${v}n` : v;
}

t.test("malformed helper messages throw", async (t) => {
  const msg = (len: number, type: number, payload: number[] = []) => {
    const b = Buffer.alloc(8 + payload.length);
    b.writeUInt32LE(len, 0);
    b.writeUInt32LE(type, 4);
    Buffer.from(payload).copy(b, 8);
    return b;
  };
  t.throws(() => new HelperMessageDecoder().push(msg(2, 16)), /length 2/);
  t.throws(() => new HelperMessageDecoder().push(msg(1 << 20, 16)), /length/);
  t.throws(() => new HelperMessageDecoder().push(msg(8, 99, [0, 0, 0, 0])), /unknown type 99/);
  t.throws(() => new HelperMessageDecoder().push(msg(6, 16, [0, 0])), /type 16 with 2 payload bytes/);
  t.throws(() => new HelperMessageDecoder().push(msg(16, 19, [0, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0])), /type 19/);
  t.same(new HelperMessageDecoder().push(msg(8, 16, [1, 0])), [], "an incomplete message waits");
});

// The C side: every malformed plan is ERROR(0xffffffff, EINVAL) and exit 1.
t.test("rongqi-init rejects malformed plans", async (t) => {
  const u32 = (...v: number[]) => Buffer.concat(v.map((x) => { const b = Buffer.alloc(4); b.writeUInt32LE(x >>> 0); return b; }));
  const frame = (type: number, payload: Buffer) => Buffer.concat([u32(payload.length + 4, type), payload]);
  const plan = (flags: number, nops: number, body: Buffer) => frame(1, Buffer.concat([u32(flags, nops), body]));
  const exec = u32(30, 0, 0, 2, 0, 0);
  const str = (s: string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
  const cases: [string, Buffer, RegExp][] = [
    ["no ops", plan(0, 0, Buffer.alloc(0)), /bad op count/],
    ["more ops than bytes", plan(0, 1000, exec), /bad op count/],
    ["unknown flags", plan(2, 1, exec), /bad flags/],
    ["unknown opcode", plan(0, 2, Buffer.concat([u32(99, 0, 0, 0), exec])), /op 0: unknown opcode/],
    ["opcode 0", plan(0, 1, u32(0, 0, 0, 0)), /unknown opcode/],
    ["missing int", plan(0, 2, Buffer.concat([u32(2, 0, 0, 0), exec])), /op 0: bad int count/],
    ["int count beyond the end", plan(0, 2, Buffer.concat([u32(2, 0x20000000, 0, 0), exec])), /bad int count/],
    ["string beyond the end", plan(0, 2, Buffer.concat([u32(20, 0, 1, 0xffffffff), exec])), /string runs past the end/],
    ["list beyond the end", plan(0, 1, u32(30, 0, 0, 2, 0xfffffff0, 0)), /bad list length/],
    ["NUL in a path", plan(0, 2, Buffer.concat([u32(20, 0, 1), str("/a\0b"), u32(0), exec])), /NUL in a string/],
    ["wrong string count", plan(0, 2, Buffer.concat([u32(20, 0, 2), str("/a"), str("/b"), u32(0), exec])), /bad string count/],
    ["EXEC not last", plan(0, 2, Buffer.concat([exec, u32(5, 0, 0, 0)])), /op 0: EXEC must be the last op/],
    ["no EXEC", plan(0, 1, u32(5, 0, 0, 0)), /op 0: EXEC must be the last op/],
    ["trailing bytes", plan(0, 1, Buffer.concat([exec, u32(0)])), /trailing bytes/],
    ["first message not a PLAN", frame(2, u32(1)), /not a PLAN/],
    ["huge length", u32(0xffffffff, 1), /not a PLAN/],
    [
      "seccomp filter not a multiple of 8",
      plan(0, 2, Buffer.concat([u32(31, 1), Buffer.alloc(8), u32(1), str("1234567"), u32(0), exec])),
      /bad filter length/,
    ],
    [
      "seccomp listener without tag",
      plan(0, 2, Buffer.concat([u32(31, 1), Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), u32(1), str("12345678"), u32(0), exec])),
      /a listener needs a tag or a SECCOMP_LISTENER op before/,
    ],
    [
      "mount create outside the root",
      plan(0, 2, Buffer.concat([u32(10, 4), Buffer.alloc(8), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(16), u32(4), str(""), str("/x"), str(""), str(""), u32(0), exec])),
      /create needs inroot/,
    ],
    ["umask out of range", plan(0, 2, Buffer.concat([u32(25, 1), Buffer.from([0, 2, 0, 0, 0, 0, 0, 0]), u32(0, 0), exec])), /mask out of range/],
  ];
  for (const [name, bytes, detail] of cases) {
    const { messages, code } = await rawExchange(bytes);
    const err = messages.find((m) => m.type === "error");
    t.ok(err && err.opIndex === NO_OP_INDEX && err.errno === EINVAL && detail.test(err.detail), `${name}: ${JSON.stringify(err)}`);
    t.equal(code, 1, `${name}: exit status 1`);
  }
});

t.test("rongqi-init exits 1 silently when the runtime closes before the plan", async (t) => {
  const { messages, code } = await rawExchange(Buffer.from([8, 0, 0]), true);
  t.same(messages, []);
  t.equal(code, 1);
});
