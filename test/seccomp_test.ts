// linux.seccomp in real containers: errnos, argument conditions, a kill
// action, a notify listener, and the filter's place after the runtime's work.
import t from "tap";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config, Seccomp } from "../src/spec/types/config.ts";
import { syscallNumber } from "../src/linux/seccomp/_arch.ts";
import { trySyscallPath } from "../src/linux/seccomp/testdata/try_syscall.ts";
import { syscall } from "../src/linux/syscall.ts";
import { cleanup, makeBundle, rongqi, type TestBundle } from "./_bundle.ts";

const x86 = process.arch === "x64";
const nr = (name: string) => syscallNumber(x86 ? "x86_64" : "aarch64", name)!;

/** A bundle whose rootfs also has /bin/try_syscall. */
function bundle(t: { teardown(fn: () => void): void }, args: [string, ...string[]], edit: (c: Config) => void): TestBundle {
  const b = makeBundle(args, edit);
  t.teardown(() => cleanup(b));
  copyFileSync(trySyscallPath(), join(b.rootfs, "bin/try_syscall"));
  chmodSync(join(b.rootfs, "bin/try_syscall"), 0o755);
  return b;
}

const allowBut = (syscalls: Seccomp["syscalls"], extra: Partial<Seccomp> = {}): Seccomp => ({
  defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], syscalls, ...extra,
});

t.test("chosen calls fail with chosen errnos; the filter is on the container process only", async (t) => {
  const b = bundle(t, ["sh", "-c", "grep -E '^Seccomp(_filters)?:' /proc/self/status; mkdir /tmp/d; echo mkdir=$?; try_syscall " + nr("getppid")], (c) => {
    c.linux!.seccomp = allowBut([
      { names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 30 }, // EROFS
      { names: ["getppid"], action: "SCMP_ACT_ERRNO" }, // EPERM by default
    ]);
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^Seccomp:\t2\nSeccomp_filters:\t1\n/, "one filter, in filter mode");
  t.match(r.stdout, /mkdir=1\n/);
  t.match(r.stderr, /Read-only file system/, "mkdir failed with EROFS");
  t.match(r.stdout, /err 1\n$/, "getppid failed with EPERM");
});

t.test("argument conditions allow one mode and refuse another", async (t) => {
  const b = bundle(t, ["sh", "-c", "touch /tmp/f; chmod 644 /tmp/f && echo 644 ok; chmod 4755 /tmp/f || echo 4755 refused; stat -c %a /tmp/f"], (c) => {
    const setuid = { value: 0o4000, valueTwo: 0o4000, op: "SCMP_CMP_MASKED_EQ" as const };
    c.linux!.seccomp = allowBut([
      { names: ["chmod"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, ...setuid }] },
      { names: ["fchmodat", "fchmodat2"], action: "SCMP_ACT_ERRNO", args: [{ index: 2, ...setuid }] },
      { names: ["fchmod"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, ...setuid }] },
    ]);
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "644 ok\n4755 refused\n644\n");
});

t.test("a kill action kills the container process with SIGSYS", async (t) => {
  const b = bundle(t, ["try_syscall", String(nr("getpid")), "--", String(nr("getppid")), "--", String(nr("getpid"))], (c) => {
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_KILL_PROCESS" }]);
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 128 + 31, "exit status 128+SIGSYS");
  t.match(r.stdout, /^ok \d+\n$/, "the call after the killed one never ran");
});

t.test("a 32-bit call is caught by the same rule", { skip: !x86 && "x86_64 only" }, async (t) => {
  const b = bundle(t, ["try_syscall", "-32", String(syscallNumber("i386", "getppid")), "--", String(nr("getppid"))], (c) => {
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 77 }]);
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "err 77\nerr 77\n");
});

t.test("without no_new_privs the filter loads, and the process ends with only its own capabilities", async (t) => {
  const b = bundle(t, ["sh", "-c", "grep -E '^(Cap(Eff|Prm)|NoNewPrivs|Seccomp):' /proc/self/status; id -u"], (c) => {
    c.process!.noNewPrivileges = false;
    c.process!.user = { uid: 1000, gid: 1000 };
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_ERRNO" }]);
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n/, "no CAP_SYS_ADMIN left (uid 1000 after exec)");
  t.match(r.stdout, /NoNewPrivs:\t0\nSeccomp:\t2\n1000\n/);

  const root = bundle(t, ["sh", "-c", "grep -E '^(CapEff|Seccomp):' /proc/self/status"], (c) => {
    c.process!.noNewPrivileges = false;
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_ERRNO" }]);
  });
  const rr = rongqi(root.root, ["run", "-b", root.bundle, "ct"]);
  t.equal(rr.status, 0, rr.stderr);
  const eff = BigInt("0x" + /CapEff:\t([0-9a-f]+)/.exec(rr.stdout)![1]);
  t.equal(eff & (1n << 21n), 0n, "root keeps its configured capabilities, without CAP_SYS_ADMIN");
  t.not(eff, 0n);
});

t.test("the runtime's own work before exec is not filtered", async (t) => {
  // Every call the helper makes after create (poll, read, close_range, a
  // startContainer hook's fork and exec...) would fail with this default.
  const hook = "/bin/true";
  const b = bundle(t, ["try_syscall", String(nr("getpid"))], (c) => {
    c.hooks = { startContainer: [{ path: hook }] };
    c.linux!.seccomp = {
      defaultAction: "SCMP_ACT_ERRNO",
      syscalls: [{
        names: ["execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "mprotect", "readlinkat",
          "getrandom", "write", "exit_group", "getpid", "uname", "newfstatat", "fstat", "ioctl", "mmap", "munmap"],
        action: "SCMP_ACT_ALLOW",
      }],
    };
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^ok \d+\n$/);
});

t.test("a notify listener gets the fd and the state, and a notification", async (t) => {
  const b = bundle(t, ["try_syscall", String(nr("getppid"))], (c) => {
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_NOTIFY" }], {
      listenerPath: "", listenerMetadata: "agent-data",
    });
  });
  const sockPath = join(b.dir, "agent.sock");
  b.config.linux!.seccomp!.listenerPath = sockPath;
  b.save();
  const listening = syscall.listenUnix(sockPath);
  t.teardown(() => syscall.close(listening));

  const r = rongqi(b.root, ["run", "-d", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  const pid = Number(JSON.parse(rongqi(b.root, ["state", "ct"]).stdout).pid);

  const conn = syscall.accept(listening);
  const got = syscall.recvFd(conn, 64 * 1024);
  syscall.close(conn);
  t.ok(got.fd !== undefined && got.fd > 2, "the listener fd came with SCM_RIGHTS");
  const msg = JSON.parse(got.data.toString());
  t.match(msg, { ociVersion: /^1\./, fds: ["seccompFd"], pid, metadata: "agent-data", state: { id: "ct", pid, bundle: b.bundle } });

  // The container's getppid waits on the agent: it is in the call.
  let inCall = "";
  for (let i = 0; i < 200 && !inCall.startsWith(`${nr("getppid")} `); i++) {
    inCall = readFileSync(`/proc/${pid}/syscall`, "utf8");
    if (!inCall.startsWith(`${nr("getppid")} `)) await new Promise((res) => setTimeout(res, 10));
  }
  t.match(inCall, new RegExp(`^${nr("getppid")} `), "blocked in getppid, waiting for the agent");
  // An agent that goes away answers ENOSYS to what waits.
  syscall.close(got.fd!);
  for (let i = 0; i < 200 && !readFileSync(r.outFile, "utf8").includes("\n"); i++) await new Promise((res) => setTimeout(res, 10));
  t.equal(readFileSync(r.outFile, "utf8"), "err 38\n");
});

t.test("a missing agent fails create clearly", async (t) => {
  const b = bundle(t, ["true"], (c) => {
    c.linux!.seccomp = allowBut([{ names: ["getppid"], action: "SCMP_ACT_NOTIFY" }], { listenerPath: "/nonexistent/agent.sock" });
  });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.not(r.status, 0);
  t.match(r.stderr, /connect to the seccomp agent at \/nonexistent\/agent.sock \(linux.seccomp.listenerPath\).*ENOENT/);
});
