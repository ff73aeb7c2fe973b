import t from "tap";
import { SyscallError } from "../errors.ts";
import { LOCK_EX, LOCK_NB, SIGRTMIN } from "./syscall.ts";
import type { Sys } from "./sys.ts";
import { FakeSys } from "./sys_fake.ts";

/**
 * A small piece of logic written against Sys, the way rongqi's modules take
 * one: signal a process through a pidfd (immune to pid reuse), falling back
 * to kill(2) on kernels without pidfd_open, and treating "already gone" as done.
 */
function signalProcess(sys: Sys, pid: number, signal: number): "sent" | "gone" {
  let pidfd: number;
  try {
    pidfd = sys.pidfdOpen(pid);
  } catch (err) {
    if (err instanceof SyscallError && err.code === "ESRCH") return "gone";
    if (!(err instanceof SyscallError && err.code === "ENOSYS")) throw err;
    try {
      sys.kill(pid, signal);
      return "sent";
    } catch (err2) {
      if (err2 instanceof SyscallError && err2.code === "ESRCH") return "gone";
      throw err2;
    }
  }
  try {
    sys.pidfdSendSignal(pidfd, signal);
    return "sent";
  } catch (err) {
    if (err instanceof SyscallError && err.code === "ESRCH") return "gone";
    throw err;
  } finally {
    sys.close(pidfd);
  }
}

t.test("logic under test sees scripted results and errnos; every call is recorded", (t) => {
  const sys = new FakeSys();
  t.equal(signalProcess(sys, 42, 15), "sent");
  t.same(sys.calls, [
    { name: "pidfdOpen", args: [42, 0] },
    { name: "pidfdSendSignal", args: [100, 15] },
    { name: "close", args: [100] },
  ], "default fds start at 100");

  const old = new FakeSys({ pidfdOpen: { errno: "ENOSYS" } });
  t.equal(signalProcess(old, 42, 9), "sent");
  t.same(old.callsTo("kill"), [[42, 9]], "fell back to kill");

  const gone = new FakeSys({ pidfdSendSignal: { errno: "ESRCH" } });
  t.equal(signalProcess(gone, 42, 9), "gone");
  t.same(gone.callsTo("close"), [[100]], "the pidfd is closed on failure too");

  const broken = new FakeSys({ pidfdOpen: { errno: "EMFILE" } });
  t.throws(() => signalProcess(broken, 42, 9), { code: "EMFILE", message: 'pidfd_open "pid 42": EMFILE (Too many open files)' });
  t.end();
});

t.test("steps are consumed in order, then defaults return", (t) => {
  const sys = new FakeSys({ flock: [{ return: false }, { return: false }, { return: true }] });
  t.equal(sys.flock(3, LOCK_EX | LOCK_NB), false);
  t.equal(sys.flock(3, LOCK_EX | LOCK_NB), false);
  t.equal(sys.flock(3, LOCK_EX | LOCK_NB), true);
  t.equal(sys.flock(3, LOCK_EX | LOCK_NB), true, "default: acquired");
  t.equal(sys.callsTo("flock").length, 4);
  t.end();
});

t.test("function steps see the arguments; script() adds steps later", (t) => {
  const sys = new FakeSys({ statfs: (path) => (path === "/sys/fs/cgroup" ? 0x63677270 : 0x01021994) });
  t.equal(sys.statfs("/sys/fs/cgroup"), 0x63677270);
  t.equal(sys.statfs("/x"), 0, "a single step is used once");
  sys.script("read", { return: Buffer.from("a") }, { return: Buffer.alloc(0) });
  t.same(sys.read(5, 10), Buffer.from("a"));
  t.same(sys.read(5, 10), Buffer.alloc(0));
  t.end();
});

t.test("errno failures look like the real ones", (t) => {
  const sys = new FakeSys({
    open: { errno: "ENOENT" },
    mount: [{ errno: 1 }, { errno: "EBUSY" }],
    kill: { errno: "ENOPE" },
  });
  t.throws(() => sys.open("/nope", 0), { message: 'open "/nope": ENOENT (No such file or directory)', code: "ENOENT", path: "/nope" });
  t.throws(() => sys.mount("proc", "/rootfs/proc", "proc", 0), { message: 'mount "proc" "/rootfs/proc": EPERM (Operation not permitted)' });
  t.throws(() => sys.mount(null, "/rootfs", null, 0), { message: 'mount "/rootfs": EBUSY (Device or resource busy)' });
  t.throws(() => sys.kill(1, 0), { message: 'FakeSys: unknown errno name "ENOPE"' }, "typos in scripts are caught");
  t.same(sys.callsTo("mount"), [["proc", "/rootfs/proc", "proc", 0, null], [null, "/rootfs", null, 0, null]]);
  t.end();
});

t.test("async calls resolve to scripted values or reject", async (t) => {
  const sys = new FakeSys({
    waitpidAsync: [{ return: { pid: 7, status: { kind: "signaled", signal: SIGRTMIN, coreDumped: false } } }, { errno: "ECHILD" }],
  });
  t.same(await sys.waitpidAsync(7), { pid: 7, status: { kind: "signaled", signal: 34, coreDumped: false } });
  await t.rejects(sys.waitpidAsync(7), { code: "ECHILD" });
  t.same(await sys.waitpidAsync(8), { pid: 8, status: { kind: "exited", code: 0 } }, "default: exited 0");
});

t.test("FakeSys covers the whole interface with harmless defaults", (t) => {
  const sys = new FakeSys();
  t.same(sys.socketpair(), [100, 101]);
  t.same(sys.openPty(), { master: 102, slavePath: "/dev/pts/0" });
  t.same(sys.getWinsize(1), { rows: 24, cols: 80, xpixel: 0, ypixel: 0 });
  t.equal(sys.write(1, "héllo"), 6, "byte length");
  t.equal(sys.waitpid(5, 1)?.pid, 5);
  t.same(sys.recvFd(3), { fd: 103, data: Buffer.alloc(0) });
  t.end();
});
