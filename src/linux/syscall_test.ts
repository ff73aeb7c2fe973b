import t, { type Test } from "tap";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SyscallError } from "../errors.ts";
import {
  accept, CGROUP2_SUPER_MAGIC, close, connectUnix, exitCodeOf, fcntl, FD_CLOEXEC, F_GETFD, flock, fstatfs, getChildSubreaper,
  geteuid, getuid, getWinsize, kill, listenUnix, LOCK_EX, LOCK_NB, LOCK_UN, memfdCreate, mkfifo, O_CLOEXEC, O_CREAT,
  O_NOCTTY, O_RDONLY, O_RDWR, O_WRONLY, open, openat, openPty, parseSignal, pidfdOpen, pidfdSendSignal, prctl,
  PR_GET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PROC_SUPER_MAGIC, read, recvFd, sendFd, setCloexec, setWinsize,
  socketpair, statfs, syscall, waitpid, waitpidAsync, WNOHANG, write,
} from "./syscall.ts";

const execFileP = promisify(execFile);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-syscall-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves once `child` has printed `line`. */
function lineFrom(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stdout!.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.split("\n").includes(line)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`child exited (${code}) before printing ${line}: ${seen}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/**
 * Starts `sh -c "<script> &"` and returns the background job's pid: its shell
 * parent exits at once, so with PR_SET_CHILD_SUBREAPER the job becomes our
 * child without libuv knowing it (as a container's init does).
 */
async function orphan(script: string): Promise<number> {
  const { stdout } = await execFileP("sh", ["-c", `(${script}) >/dev/null 2>&1 </dev/null & echo $!`]);
  return Number(stdout.trim());
}

t.test("koffi is loaded on the first call, not on import", async (t) => {
  const { stdout } = await execFileP(process.execPath, [here("./testdata/lazy_koffi.ts")]);
  t.same(JSON.parse(stdout), { afterImport: false, afterCall: true });
});

t.test("failures are SyscallErrors naming the call, the path and errno", (t) => {
  const err = t.throws(() => open("/nonexistent-rongqi/x", O_RDONLY)) as SyscallError;
  t.ok(err instanceof SyscallError);
  t.equal(err.message, 'open "/nonexistent-rongqi/x": ENOENT (No such file or directory)');
  t.equal(err.code, "ENOENT");
  t.equal(err.syscall, "open");
  t.equal(err.path, "/nonexistent-rongqi/x");
  t.throws(() => statfs("/nonexistent-rongqi"), { message: 'statfs "/nonexistent-rongqi": ENOENT (No such file or directory)' });
  t.throws(() => close(-1), { code: "EBADF", message: /^close "fd -1": EBADF/ });
  t.throws(() => kill(2 ** 30, 0), { code: "ESRCH", message: 'kill "pid 1073741824": ESRCH (No such process)' });
  t.end();
});

t.test("open, openat, read, write, close", (t) => {
  const dir = tempDir(t);
  const fd = open(join(dir, "f"), O_WRONLY | O_CREAT | O_CLOEXEC, 0o640);
  t.equal(write(fd, "hello "), 6);
  t.equal(write(fd, Buffer.from("world")), 5);
  close(fd);
  t.equal(statSync(join(dir, "f")).mode & 0o777, 0o640 & ~process.umask());
  const dfd = openSync(dir, "r");
  t.teardown(() => closeSync(dfd));
  const rfd = openat(dfd, "f", O_RDONLY | O_CLOEXEC);
  t.equal(read(rfd, 5).toString(), "hello");
  t.equal(read(rfd, 100).toString(), " world");
  t.equal(read(rfd, 100).length, 0, "end of file is an empty buffer");
  close(rfd);
  t.throws(() => openat(dfd, "missing", O_RDONLY), { message: /^openat "missing" "dirfd \d+": ENOENT/ });
  t.end();
});

t.test("flock between two processes; LOCK_NB reports a held lock as false", async (t) => {
  const file = join(tempDir(t), "lock");
  const holder = spawn(process.execPath, [here("./testdata/flock_holder.ts"), file], { stdio: ["pipe", "pipe", "inherit"] });
  t.teardown(() => holder.kill("SIGKILL"));
  await lineFrom(holder, "locked");
  const fd = open(file, O_RDWR | O_CLOEXEC);
  t.teardown(() => close(fd));
  t.equal(flock(fd, LOCK_EX | LOCK_NB), false, "held by the other process");
  holder.stdin!.end();
  await exited(holder);
  t.equal(flock(fd, LOCK_EX | LOCK_NB), true, "free once the holder exits");
  t.equal(flock(fd, LOCK_UN), true);
  t.throws(() => flock(-1, LOCK_EX | LOCK_NB), { code: "EBADF" }, "other errors still throw");
});

t.test("kill, pidfd_open and pidfd_send_signal", async (t) => {
  const a = spawn("sleep", ["30"]);
  const b = spawn("sleep", ["30"]);
  t.teardown(() => {
    a.kill("SIGKILL");
    b.kill("SIGKILL");
  });
  kill(a.pid!, parseSignal("KILL"));
  t.same(await exited(a), { code: null, signal: "SIGKILL" });

  const pidfd = pidfdOpen(b.pid!);
  t.teardown(() => close(pidfd));
  pidfdSendSignal(pidfd, parseSignal("SIGTERM"));
  t.same(await exited(b), { code: null, signal: "SIGTERM" });
  t.throws(() => pidfdSendSignal(pidfd, 15), { code: "ESRCH", syscall: "pidfd_send_signal" }, "the pidfd still names the dead process");
  t.throws(() => pidfdOpen(2 ** 30), { code: "ESRCH" });
});

t.test("prctl: child subreaper and a plain query", (t) => {
  t.equal(prctl(PR_GET_DUMPABLE), 1);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  t.equal(getChildSubreaper(), true);
  t.throws(() => prctl(-1), { code: "EINVAL", syscall: "prctl" });
  t.end();
});

t.test("waitpid reaps an orphan we are subreaper of, decoding exits and signals", async (t) => {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const quick = await orphan("sleep 0.2; exit 7");
  t.equal(waitpid(quick, WNOHANG), null, "WNOHANG: still running");
  t.same(waitpid(quick), { pid: quick, status: { kind: "exited", code: 7 } });

  const slow = await orphan("exec sleep 30");
  kill(slow, 9);
  const r = waitpid(slow)!;
  t.same(r, { pid: slow, status: { kind: "signaled", signal: 9, coreDumped: false } });
  t.equal(exitCodeOf(r.status), 137);
  t.throws(() => waitpid(slow), { code: "ECHILD", message: 'waitpid "pid ' + slow + '": ECHILD (No child processes)' });
});

t.test("waitpidAsync waits on a pool thread while the event loop runs", async (t) => {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const pid = await orphan("sleep 0.4; exit 3");
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const result = await waitpidAsync(pid);
  clearInterval(timer);
  t.same(result, { pid, status: { kind: "exited", code: 3 } });
  t.ok(ticks >= 5, `the event loop kept running (${ticks} ticks)`);
  await t.rejects(waitpidAsync(pid), { code: "ECHILD" });
  await t.rejects(waitpidAsync(pid, WNOHANG), { message: /WNOHANG/ });
});

t.test("mkfifo", (t) => {
  const path = join(tempDir(t), "exec.fifo");
  mkfifo(path, 0o600);
  t.ok(statSync(path).isFIFO());
  t.throws(() => mkfifo(path, 0o600), { message: `mkfifo "${path}": EEXIST (File exists)` });
  t.end();
});

t.test("statfs and fstatfs give the file system magic", (t) => {
  t.equal(statfs("/sys/fs/cgroup/unified"), CGROUP2_SUPER_MAGIC);
  t.equal(statfs("/proc"), PROC_SUPER_MAGIC);
  const fd = openSync("/proc/self/stat", "r");
  t.equal(fstatfs(fd), PROC_SUPER_MAGIC);
  closeSync(fd);
  t.end();
});

t.test("mount and umount2 (in a private mount namespace)", async (t) => {
  const dir = tempDir(t);
  const { stdout } = await execFileP("unshare", ["-m", "--propagation", "private", process.execPath, here("./testdata/mount_worker.ts"), dir]);
  t.same(JSON.parse(stdout), {
    tmpfs: true,
    goneAfterUmount: true,
    secondUmount: `umount2 "${dir}": EINVAL (Invalid argument)`,
    missingTarget: `mount "${join(dir, "missing")}": ENOENT (No such file or directory)`,
  });
});

t.test("getuid and geteuid", (t) => {
  t.equal(getuid(), process.getuid!());
  t.equal(geteuid(), process.geteuid!());
  t.end();
});

t.test("fcntl: clearing close-on-exec lets a child inherit the fd", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "f"), "");
  const fd = open(join(dir, "f"), O_RDONLY | O_CLOEXEC);
  t.teardown(() => close(fd));
  const inherited = async () => (await execFileP("sh", ["-c", `test -e /proc/self/fd/${fd} && echo yes || echo no`])).stdout.trim();
  t.equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  t.equal(await inherited(), "no");
  setCloexec(fd, false);
  t.equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  t.equal(await inherited(), "yes");
  setCloexec(fd, true);
  t.equal(await inherited(), "no");
});

t.test("SCM_RIGHTS round trip over a socketpair", (t) => {
  const [a, b] = socketpair();
  t.teardown(() => {
    close(a);
    close(b);
  });
  const mem = memfdCreate("rongqi-test");
  t.teardown(() => close(mem));
  write(mem, "passed along");
  t.equal(readlinkSync(`/proc/self/fd/${mem}`), "/memfd:rongqi-test (deleted)");
  sendFd(a, mem, "console");
  const got = recvFd(b);
  t.equal(got.data.toString(), "console");
  t.not(got.fd, undefined);
  t.not(got.fd, mem, "a new descriptor");
  const fd = got.fd!;
  t.equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "received close-on-exec");
  t.equal(fstatSync(fd).ino, fstatSync(mem).ino, "the same open file");
  t.equal(readFileSync(`/proc/self/fd/${fd}`, "utf8"), "passed along");
  close(fd);

  write(a, "plain");
  t.same(recvFd(b), { fd: undefined, data: Buffer.from("plain") }, "data without an fd");
  sendFd(a, mem);
  t.same(recvFd(b).data, Buffer.alloc(1), "an empty payload travels as one NUL byte");
  t.end();
});

t.test("connectUnix, listenUnix, accept; long paths; EOF", (t) => {
  const dir = tempDir(t);
  const deep = join(dir, "d".repeat(60), "e".repeat(60));
  mkdirSync(deep, { recursive: true });
  for (const path of [join(dir, "console.sock"), join(deep, "console.sock")]) {
    const listener = listenUnix(path);
    const client = connectUnix(path);
    const server = accept(listener);
    const [x, y] = socketpair();
    sendFd(client, y, "/dev/pts/9");
    const got = recvFd(server);
    t.equal(got.data.toString(), "/dev/pts/9", `payload via ${path.length}-byte path`);
    write(x, "through the passed socket");
    t.equal(read(got.fd!, 100).toString(), "through the passed socket");
    close(client);
    t.same(recvFd(server), { fd: undefined, data: Buffer.alloc(0) }, "EOF once the client closes");
    for (const fd of [server, listener, x, y, got.fd!]) close(fd);
  }
  t.throws(() => connectUnix(join(dir, "none.sock")), { message: `connect "${join(dir, "none.sock")}": ENOENT (No such file or directory)` });
  t.end();
});

t.test("pty: posix_openpt, grantpt, unlockpt, ptsname; window size ioctls", (t) => {
  const pty = openPty();
  t.match(pty.slavePath, /^\/dev\/pts\/\d+$/);
  const slave = open(pty.slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC);
  t.teardown(() => {
    close(slave);
    close(pty.master);
  });
  setWinsize(pty.master, { rows: 41, cols: 132 });
  t.same(getWinsize(slave), { rows: 41, cols: 132, xpixel: 0, ypixel: 0 });
  write(pty.master, "hi\n");
  t.equal(read(slave, 100).toString(), "hi\n");
  const devNull = openSync("/dev/null", "r");
  t.throws(() => getWinsize(devNull), { code: "ENOTTY", message: 'ioctl "TIOCGWINSZ": ENOTTY (Inappropriate ioctl for device)' });
  closeSync(devNull);
  t.end();
});

t.test("the syscall object implements every Sys member", (t) => {
  for (const [name, value] of Object.entries(syscall)) t.type(value, "function", name);
  t.end();
});
