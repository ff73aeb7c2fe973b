// linux.personality, process.ioPriority, process.scheduler and the session
// keyring, each checked from inside a real container.
import t from "tap";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../src/spec/types/config.ts";
import { syscallNumber } from "../src/linux/seccomp/_arch.ts";
import { trySyscallPath } from "../src/linux/seccomp/testdata/try_syscall.ts";
import { cleanup, makeBundle, rongqi } from "./_bundle.ts";

const x86 = process.arch === "x64";
const nr = (name: string) => String(syscallNumber(x86 ? "x86_64" : "aarch64", name)!);

function inside(t: { teardown(fn: () => void): void }, args: [string, ...string[]], edit: (c: Config) => void, extra: string[] = []) {
  const b = makeBundle(args, edit);
  t.teardown(() => cleanup(b));
  copyFileSync(trySyscallPath(), join(b.rootfs, "bin/try_syscall"));
  chmodSync(join(b.rootfs, "bin/try_syscall"), 0o755);
  return rongqi(b.root, ["run", ...extra, "-b", b.bundle, "ct"]);
}

t.test("personality LINUX32: uname says i686", { skip: !x86 && "x86_64 only" }, async (t) => {
  const r = inside(t, ["uname", "-m"], (c) => (c.linux!.personality = { domain: "LINUX32" }));
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "i686\n");
  const plain = inside(t, ["uname", "-m"], (c) => (c.linux!.personality = { domain: "LINUX" }));
  t.equal(plain.stdout, "x86_64\n");
});

t.test("ioPriority: the class and level, inherited by the container's children", async (t) => {
  // ioprio_get(IOPRIO_WHO_PROCESS, 0): class << 13 | level
  const r = inside(t, ["sh", "-c", `try_syscall ${nr("ioprio_get")} 1 0`], (c) => {
    c.process!.ioPriority = { class: "IOPRIO_CLASS_IDLE", priority: 7 };
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `ok ${(3 << 13) | 7}\n`);
  const be = inside(t, ["try_syscall", nr("ioprio_get"), "1", "0"], (c) => {
    c.process!.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 2 };
  });
  t.equal(be.stdout, `ok ${(2 << 13) | 2}\n`);
});

t.test("scheduler: policy, nice, priority and flags", async (t) => {
  // sched_getscheduler(0); getpriority(PRIO_PROCESS, 0) returns 20 - nice
  const r = inside(t, ["try_syscall", nr("sched_getscheduler"), "0", "--", nr("getpriority"), "0", "0"], (c) => {
    c.process!.scheduler = { policy: "SCHED_BATCH", nice: 7, flags: ["SCHED_FLAG_RESET_ON_FORK"] };
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `ok ${3 | 0x40000000}\nok ${20 - 7}\n`, "SCHED_BATCH with SCHED_RESET_ON_FORK, nice 7");
  const idle = inside(t, ["try_syscall", nr("sched_getscheduler"), "0"], (c) => (c.process!.scheduler = { policy: "SCHED_IDLE" }));
  t.equal(idle.stdout, "ok 5\n");
  const bad = inside(t, ["true"], (c) => (c.process!.scheduler = { policy: "SCHED_FIFO", priority: 0 }));
  t.not(bad.status, 0);
  t.match(bad.stderr, /process\.scheduler\/priority|process.scheduler.priority|priority/);
});

t.test("a new session keyring per container, or the runtime's with --no-new-keyring", { skip: !x86 && "x86_64 only" }, async (t) => {
  // keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)
  const getSession = ["try_syscall", nr("keyctl"), "0", "0xfffffffffffffffd", "0"] as [string, ...string[]];
  const own = execFileSync(trySyscallPath(), getSession.slice(1), { encoding: "utf8" });
  const r = inside(t, ["sh", "-c", `${getSession.join(" ")}; grep -c ' _ses\\.ct: ' /proc/keys`], (c) => {
    c.linux!.maskedPaths = c.linux!.maskedPaths!.filter((p) => p !== "/proc/keys"); // masked by default
  });
  t.equal(r.status, 0, r.stderr);
  const [line, count] = r.stdout.trim().split("\n");
  t.match(line, /^ok \d+$/);
  t.not(line, own.trim(), "not the runtime's session keyring");
  t.equal(count, "1", "the container's keyring is named _ses.<id>");

  const kept = inside(t, getSession, () => {}, ["--no-new-keyring"]);
  t.equal(kept.status, 0, kept.stderr);
  t.equal(kept.stdout, own, "--no-new-keyring keeps the runtime's session keyring");
});
