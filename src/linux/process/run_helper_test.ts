// runHelper with real plans on the real kernel (as root).
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import t from "tap";
import type { Op } from "./protocol.ts";
import { runHelper } from "./run_helper.ts";
import {
  alive, CLONE_NEWNET, gone, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, ECHILD, ENOENT, ETIMEDOUT, removeDir, runCaptured, tempDir,
} from "./_testing.ts";

const run = (file: string, argv: string[]): Op[] => [
  { op: "resolveExec", file, path: "" },
  { op: "exec", argv, env: ["PATH=/usr/bin:/bin"] },
];

t.test("UTS namespace and hostname", async (t) => {
  const before = hostname();
  const r = await runCaptured({
    ops: [{ op: "unshare", flags: CLONE_NEWUTS }, { op: "sethostname", name: "rongqi-test-uts" }, ...run("hostname", ["hostname"])],
  });
  t.equal(r.outcome.kind, "exec");
  t.equal(r.stdout, "rongqi-test-uts\n");
  t.equal(r.exit.code, 0);
  t.equal(hostname(), before, "the host keeps its name");
});

t.test("a failing op gives ERROR with its index and errno", async (t) => {
  const r = await runCaptured({
    ops: [{ op: "umask", mask: 0o22 }, { op: "setns", nstype: CLONE_NEWNET, path: "/nonexistent/ns" }, ...run("true", ["true"])],
  });
  t.match(r.outcome, { kind: "error", opIndex: 1, errno: ENOENT, detail: "open /nonexistent/ns" });
  t.equal(r.exit.code, 1);
});

t.test("RESOLVE_EXEC uses the container PATH and reports ENOENT", async (t) => {
  const r = await runCaptured({ ops: [{ op: "resolveExec", file: "true", path: "/nonexistent:/usr/bin" }, { op: "exec", argv: ["x"], env: [] }] });
  t.equal(r.outcome.kind, "exec");
  const missing = await runCaptured({ ops: [{ op: "resolveExec", file: "true", path: "/nonexistent" }, { op: "exec", argv: ["x"], env: [] }] });
  t.match(missing.outcome, { kind: "error", opIndex: 0, errno: ENOENT, detail: "execvp true" });
});

t.test("EXEC passes argv and env exactly", async (t) => {
  const r = await runCaptured({
    ops: [{ op: "resolveExec", file: "/bin/sh", path: "" }, { op: "exec", argv: ["sh", "-c", 'echo "$0|$A|$B"', "zero"], env: ["A=a b", "B="] }],
  });
  t.equal(r.stdout, "zero|a b|\n");
});

t.test("SYNC blocks the helper until ACK, in order with NOTIFY", async (t) => {
  const events: string[] = [];
  const r = await runCaptured({
    ops: [{ op: "sync", tag: 1 }, { op: "notify", tag: 2 }, { op: "sync", tag: 3 }, ...run("true", ["true"])],
    onSync: async (tag) => {
      events.push(`sync ${tag}`);
      await new Promise((r) => setTimeout(r, 50)); // a NOTIFY arriving now would be logged before "acked"
      events.push(`acked ${tag}`);
    },
    onNotify: (tag) => void events.push(`notify ${tag}`),
  });
  t.equal(r.outcome.kind, "exec");
  t.same(events, ["sync 1", "acked 1", "notify 2", "sync 3", "acked 3"]);
});

t.test("a throwing onSync sends ABORT: the helper exits, nothing after runs", async (t) => {
  const dir = tempDir("abort");
  t.teardown(() => removeDir(dir));
  const marker = join(dir, "marker");
  writeFileSync(marker, "");
  let pid = 0;
  await t.rejects(
    runHelper({
      stdio: ["ignore", "ignore", "ignore"],
      ops: [{ op: "sync", tag: 9 }, { op: "writeFile", path: marker, data: "ran" }, ...run("true", ["true"])],
      onSync: (_tag, ctx) => {
        pid = ctx.helperPid;
        throw new Error("no maps for you");
      },
    }),
    { message: "no maps for you" },
  );
  t.ok(pid > 0);
  t.notOk(alive(pid), "the helper is gone (and reaped)");
  t.equal(readFileSync(marker, "utf8"), "", "the op after SYNC never ran");
});

t.test("FORK after unshare(CLONE_NEWPID): host pid reported, pid 1 inside", async (t) => {
  let forked = 0;
  let nspid = "";
  const r = await runCaptured({
    ops: [{ op: "unshare", flags: CLONE_NEWPID }, { op: "fork" }, { op: "sync", tag: 1 }, ...run("sh", ["sh", "-c", "echo $$"])],
    onPid: (pid) => void (forked = pid),
    onSync: (_tag, ctx) => {
      t.equal(ctx.pid, forked, "ctx.pid follows the fork");
      nspid = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${ctx.pid}/status`, "utf8"))![1]!;
    },
  });
  t.equal(r.outcome.kind, "exec");
  t.ok(forked > 0 && forked !== r.outcome.helperPid, "PID is the child's host pid");
  t.equal(r.outcome.pid, forked);
  t.same(nspid.split(/\s+/), [String(forked), "1"], "host pid, and pid 1 in the new namespace");
  t.equal(r.stdout, "1\n");
  t.equal(r.exit.code, 0, "the helper's parent half exits 0 after PID");
});

t.test("user namespace: the runtime writes the maps during SYNC", async (t) => {
  const r = await runCaptured({
    ops: [
      { op: "unshare", flags: CLONE_NEWUSER },
      { op: "sync", tag: 1 },
      { op: "setresgid", rgid: 0, egid: 0, sgid: 0 },
      { op: "setresuid", ruid: 0, euid: 0, suid: 0 },
      ...run("sh", ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map"]),
    ],
    onSync: (_tag, ctx) => {
      writeFileSync(`/proc/${ctx.helperPid}/setgroups`, "deny");
      writeFileSync(`/proc/${ctx.helperPid}/uid_map`, "0 100000 65536");
      writeFileSync(`/proc/${ctx.helperPid}/gid_map`, "0 100000 65536");
    },
  });
  t.equal(r.outcome.kind, "exec", r.stderr);
  const [uid, gid, map] = r.stdout.split("\n");
  t.equal(uid, "0");
  t.equal(gid, "0");
  t.match(map, /^\s*0\s+100000\s+65536$/);
});

t.test("STEP messages when traced", async (t) => {
  const steps: { opIndex: number; startNs: bigint; endNs: bigint }[] = [];
  const t0 = process.hrtime.bigint();
  const r = await runCaptured({
    trace: true,
    ops: [{ op: "umask", mask: 0o22 }, { op: "unshare", flags: CLONE_NEWUTS }, ...run("true", ["true"])],
    onStep: (s) => void steps.push(s),
  });
  const t1 = process.hrtime.bigint();
  t.equal(r.outcome.kind, "exec");
  t.same(steps.map((s) => s.opIndex), [0, 1, 2], "every op before EXEC");
  let last = t0;
  for (const s of steps) {
    t.ok(s.startNs >= last && s.endNs >= s.startNs && s.endNs <= t1, `op ${s.opIndex} timed within the run`);
    last = s.endNs;
  }
  const quiet: unknown[] = [];
  await runCaptured({ ops: run("true", ["true"]), onStep: (s) => void quiet.push(s) });
  t.same(quiet, [], "no STEP without trace");
});

t.test("RUN_HOOK", async (t) => {
  const dir = tempDir("hook");
  t.teardown(() => removeDir(dir));
  const hook = (script: string, timeoutS = 0, state = '{"id":"c1"}'): Op =>
    ({ op: "runHook", path: "/bin/sh", args: ["sh", "-c", script], env: [`DIR=${dir}`], state, timeoutS });

  t.test("gets the state on stdin, only stdio open", async (t) => {
    const r = await runCaptured({ ops: [hook('cat > "$DIR/state"; ls /proc/self/fd > "$DIR/fds"'), ...run("true", ["true"])] });
    t.equal(r.outcome.kind, "exec");
    t.equal(readFileSync(join(dir, "state"), "utf8"), '{"id":"c1"}');
    t.same(readFileSync(join(dir, "fds"), "utf8").trim().split("\n").map(Number).sort(), [0, 1, 2, 3], "stdio and ls's own dir fd");
  });

  t.test("a large state does not block, read or not", async (t) => {
    const state = "x".repeat(300_000);
    const r = await runCaptured({ ops: [hook("exit 0", 0, state), hook('wc -c > "$DIR/size"', 0, state), ...run("true", ["true"])] });
    t.equal(r.outcome.kind, "exec");
    t.equal(readFileSync(join(dir, "size"), "utf8").trim(), "300000");
  });

  t.test("non-zero exit is ECHILD", async (t) => {
    const r = await runCaptured({ ops: [{ op: "umask", mask: 0 }, hook("exit 3"), ...run("true", ["true"])] });
    t.match(r.outcome, { kind: "error", opIndex: 1, errno: ECHILD, detail: "exit status 3 /bin/sh" });
  });

  t.test("a missing hook reports the exec error", async (t) => {
    const r = await runCaptured({ ops: [{ ...hook(""), path: "/nonexistent/hook" } as Op, ...run("true", ["true"])] });
    t.match(r.outcome, { kind: "error", opIndex: 0, errno: ENOENT, detail: "execve /nonexistent/hook" });
  });

  t.test("timeout kills the hook's whole process group: ETIMEDOUT", async (t) => {
    const started = Date.now();
    const r = await runCaptured({ ops: [hook('sleep 30 & echo $! > "$DIR/bg"; exec sleep 30', 1), ...run("true", ["true"])] });
    const took = Date.now() - started;
    t.match(r.outcome, { kind: "error", opIndex: 0, errno: ETIMEDOUT });
    t.ok(took >= 1000 && took < 5000, `took ${took} ms`);
    const bg = Number(readFileSync(join(dir, "bg"), "utf8"));
    t.ok(await gone(bg), "the hook's background child was killed too");
  });
});

t.test("SECCOMP: filter denies mkdir after no_new_privs", { skip: process.arch !== "x64" && "x86_64 syscall numbers" }, async (t) => {
  const dir = tempDir("seccomp");
  t.teardown(() => removeDir(dir));
  // ld nr; jeq mkdir(83) -> errno; jeq mkdirat(258) -> errno; allow
  const insn = (code: number, jt: number, jf: number, k: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(code, 0);
    b.writeUInt8(jt, 2);
    b.writeUInt8(jf, 3);
    b.writeUInt32LE(k >>> 0, 4);
    return b;
  };
  const filter = Buffer.concat([
    insn(0x20, 0, 0, 0), insn(0x15, 2, 0, 83), insn(0x15, 1, 0, 258), insn(0x06, 0, 0, 0x7fff0000), insn(0x06, 0, 0, 0x00050001),
  ]);
  const target = join(dir, "made");
  const r = await runCaptured({
    ops: [{ op: "prctl", option: 38, args: [1] }, { op: "seccomp", flags: 0, filter }, ...run("mkdir", ["mkdir", target])],
  });
  t.equal(r.outcome.kind, "exec");
  t.equal(r.exit.code, 1);
  t.match(r.stderr, /Operation not permitted/);

  const allow = insn(0x06, 0, 0, 0x7fff0000);
  const notified: number[] = [];
  const l = await runCaptured({
    ops: [{ op: "prctl", option: 38, args: [1] }, { op: "seccomp", flags: 8, filter: allow, listenerTag: 77 }, ...run("mkdir", ["mkdir", target])],
    onNotify: (tag) => void notified.push(tag),
  });
  t.equal(l.outcome.kind, "exec");
  t.same(notified, [77], "NEW_LISTENER: NOTIFY with the listener tag (the fd itself is dropped by Node)");
  t.equal(l.exit.code, 0);
});

t.test("killed helper: outcome died", async (t) => {
  const r = await runCaptured({
    ops: [{ op: "sync", tag: 1 }, ...run("true", ["true"])],
    onSync: async (_tag, ctx) => {
      process.kill(ctx.helperPid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 50));
    },
  });
  t.match(r.outcome, { kind: "died", code: null, signal: "SIGKILL" });
});

t.test("a missing helper binary is a clear error", async (t) => {
  await t.rejects(runHelper({ ops: run("true", ["true"]), helperPath: "/nonexistent/rongqi-init" }), /cannot start \/nonexistent\/rongqi-init: spawn .* ENOENT/);
});
