/**
 * Every system call rongqi's runtime process makes, bound to the C library
 * with koffi. This is the only module in rongqi that declares koffi
 * functions; it implements the {@link Sys} interface (sys.ts) as `syscall`.
 *
 * - koffi is loaded on the first call, not on import: CLI commands that make
 *   no system call never pay for it.
 * - `errno` is read with `koffi.errno()` in the statement right after the
 *   call; a failure throws a `SyscallError` naming the call and its path or
 *   argument (`open "/x": ENOENT (No such file or directory)`).
 * - Results are normalised: counts, fds and magic numbers are Numbers.
 * - Variadic C functions (`open`, `fcntl`, `ioctl`, `prctl`, `syscall`) get
 *   an explicit type for every extra argument; they are never called async.
 * - Only `waitpidAsync` uses koffi's asynchronous calls (a libuv pool
 *   thread). Namespace, credential and seccomp calls are not made by the
 *   runtime process at all (see the design notes): there is no setns here.
 *
 * @example
 * ```ts
 * import { syscall, LOCK_EX, LOCK_NB, O_CLOEXEC, O_DIRECTORY, O_RDONLY } from "./syscall.ts";
 * const fd = syscall.open("/run/rongqi/c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
 * if (!syscall.flock(fd, LOCK_EX | LOCK_NB)) console.log("busy");
 * ```
 */
import { createRequire } from "node:module";
import { basename, dirname } from "node:path";
import type koffiModule from "koffi";
import type { LibraryHandle } from "koffi";
import { RongqiError, SyscallError } from "../errors.ts";
import {
  AF_UNIX, AT_FDCWD, FD_CLOEXEC, F_GETFD, F_SETFD, LOCK_NB, MFD_CLOEXEC, MSG_CMSG_CLOEXEC, MSG_CTRUNC,
  MSG_NOSIGNAL, O_CLOEXEC, O_DIRECTORY, O_NOCTTY, O_PATH, O_RDWR, PR_GET_CHILD_SUBREAPER, SOCK_CLOEXEC,
  SOCK_STREAM, TIOCGWINSZ, TIOCSWINSZ, WNOHANG,
} from "./_constants.ts";
import { parseFdMessage, recvFdMessage, sendFdMessage, sockaddrUn } from "./_socket_structs.ts";
import { decodeWaitStatus } from "./_wait_status.ts";
import type { Pty, ReceivedFd, Sys, WaitResult, Winsize } from "./sys.ts";

export * from "./_constants.ts";
export { parseSignal, signalName, SIGRTMIN, SIGRTMAX } from "./_signals.ts";
export { decodeWaitStatus, exitCodeOf } from "./_wait_status.ts";
export type { Pty, ReceivedFd, Sys, WaitResult, WaitStatus, Winsize } from "./sys.ts";

type Koffi = typeof koffiModule;
type KoffiFunction = ReturnType<LibraryHandle["func"]>;

const EINTR = 4;
const EAGAIN = 11; // == EWOULDBLOCK on Linux

// Linux system call numbers shared by every architecture (the unified table
// that started at 403).
const SYS_pidfd_send_signal = 424;
const SYS_pidfd_open = 434;

const requireHere = createRequire(import.meta.url);
let koffi: Koffi | undefined;
let libc: LibraryHandle | undefined;
const bound = new Map<string, KoffiFunction>();

/** The koffi module, loaded on first use. */
function K(): Koffi {
  if (koffi === undefined) {
    if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) {
      throw new RongqiError(`rongqi supports Linux on x86_64 and aarch64, not ${process.platform} on ${process.arch}`);
    }
    koffi = requireHere("koffi") as Koffi;
  }
  return koffi;
}

/** A libc function declared with a C prototype, bound on first use. */
function bind(proto: string): KoffiFunction {
  let f = bound.get(proto);
  if (f === undefined) {
    libc ??= K().load("libc.so.6");
    f = libc.func(proto);
    bound.set(proto, f);
  }
  return f;
}

/** Calls `f`, reading errno in the next statement; retries EINTR when asked. Returns [result, errno]. */
function invoke(f: KoffiFunction, args: unknown[], retryEintr = true): [number, number] {
  const k = K();
  for (;;) {
    const r = f(...args);
    const e = k.errno();
    const n = typeof r === "bigint" ? Number(r) : (r as number);
    if (n === -1 && e === EINTR && retryEintr) continue;
    return [n, n === -1 ? e : 0];
  }
}

/** Throws the SyscallError for a failed call; returns the result otherwise. */
function check(syscall: string, [r, errno]: [number, number], path?: string, arg?: string): number {
  if (r === -1) throw new SyscallError({ syscall, errno, path, arg });
  return r;
}

// ---- files ----------------------------------------------------------------

export function open(path: string, flags: number, mode = 0): number {
  const f = bind("int open(const char *path, int flags, ...)");
  return check("open", invoke(f, [path, flags, "uint32_t", mode]), path);
}

export function openat(dirfd: number, path: string, flags: number, mode = 0): number {
  const f = bind("int openat(int dirfd, const char *path, int flags, ...)");
  return check("openat", invoke(f, [dirfd, path, flags, "uint32_t", mode]), path, dirfd === AT_FDCWD ? undefined : `dirfd ${dirfd}`);
}

export function close(fd: number): void {
  check("close", invoke(bind("int close(int fd)"), [fd], false), undefined, `fd ${fd}`);
}

export function read(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(Math.max(1, size));
  const n = check("read", invoke(bind("long read(int fd, void *buf, size_t count)"), [fd, buf, size]), undefined, `fd ${fd}`);
  return buf.subarray(0, n);
}

export function write(fd: number, data: Buffer | string): number {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  const f = bind("long write(int fd, const void *buf, size_t count)");
  let done = 0;
  while (done < buf.length) {
    const rest = buf.subarray(done);
    const n = check("write", invoke(f, [fd, rest, rest.length]), undefined, `fd ${fd}`);
    if (n === 0) throw new RongqiError(`write to fd ${fd} made no progress`);
    done += n;
  }
  return done;
}

export function flock(fd: number, operation: number): boolean {
  const [r, e] = invoke(bind("int flock(int fd, int operation)"), [fd, operation]);
  if (r === -1 && e === EAGAIN && (operation & LOCK_NB) !== 0) return false;
  check("flock", [r, e], undefined, `fd ${fd}`);
  return true;
}

export function mkfifo(path: string, mode: number): void {
  check("mkfifo", invoke(bind("int mkfifo(const char *path, uint32_t mode)"), [path, mode]), path);
}

export function memfdCreate(name: string, flags = MFD_CLOEXEC): number {
  return check("memfd_create", invoke(bind("int memfd_create(const char *name, unsigned int flags)"), [name, flags]), name);
}

export function fcntl(fd: number, cmd: number, arg?: number): number {
  const f = bind("int fcntl(int fd, int cmd, ...)");
  const args = arg === undefined ? [fd, cmd] : [fd, cmd, "int", arg];
  return check("fcntl", invoke(f, args), undefined, `fd ${fd}`);
}

export function setCloexec(fd: number, enabled: boolean): void {
  const flags = fcntl(fd, F_GETFD);
  const next = enabled ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags) fcntl(fd, F_SETFD, next);
}

// ---- mounts and file systems -----------------------------------------------

export function mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null = null): void {
  const f = bind("int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)");
  const res = invoke(f, [source, target, fstype, flags, data]);
  if (source !== null) check("mount", res, source, target);
  else check("mount", res, target);
}

export function umount2(target: string, flags = 0): void {
  check("umount2", invoke(bind("int umount2(const char *target, int flags)"), [target, flags]), target);
}

// struct statfs is 120 bytes on x86_64 and aarch64, f_type (a long) first.
const STATFS_SIZE = 256;

export function statfs(path: string): number {
  const buf = Buffer.alloc(STATFS_SIZE);
  check("statfs", invoke(bind("int statfs(const char *path, void *buf)"), [path, buf]), path);
  return Number(buf.readBigInt64LE(0));
}

export function fstatfs(fd: number): number {
  const buf = Buffer.alloc(STATFS_SIZE);
  check("fstatfs", invoke(bind("int fstatfs(int fd, void *buf)"), [fd, buf]), undefined, `fd ${fd}`);
  return Number(buf.readBigInt64LE(0));
}

// The new mount API (Linux 5.2), used by the snapshotter for overlay mounts
// whose layer list does not fit in one page of mount(2) options.
const SYS_move_mount = 429;
const SYS_fsopen = 430;
const SYS_fsconfig = 431;
const SYS_fsmount = 432;

export function fsopen(fsname: string, flags = 0): number {
  return check("fsopen", invoke(bind(SYSCALL), [SYS_fsopen, "const char *", fsname, "unsigned int", flags]), fsname);
}

/** fsconfig(2); `key`/`value` are strings or null (FSCONFIG_SET_STRING, _SET_FLAG, _CMD_CREATE). */
export function fsconfig(fd: number, cmd: number, key: string | null, value: string | null, aux = 0): void {
  const res = invoke(bind(SYSCALL), [SYS_fsconfig, "int", fd, "unsigned int", cmd, "const char *", key, "const char *", value, "int", aux]);
  check("fsconfig", res, key ?? undefined, value ?? undefined);
}

export function fsmount(fd: number, flags = 0, attrFlags = 0): number {
  const res = invoke(bind(SYSCALL), [SYS_fsmount, "int", fd, "unsigned int", flags, "unsigned int", attrFlags]);
  return check("fsmount", res, undefined, `fd ${fd}`);
}

export function moveMount(fromDirfd: number, fromPath: string, toDirfd: number, toPath: string, flags: number): void {
  const res = invoke(bind(SYSCALL), [
    SYS_move_mount, "int", fromDirfd, "const char *", fromPath, "int", toDirfd, "const char *", toPath, "unsigned int", flags,
  ]);
  check("move_mount", res, toPath);
}

// ---- extended attributes and device nodes (the snapshotter's layers) -------

export function lsetxattr(path: string, name: string, value: Buffer, flags = 0): void {
  const f = bind("int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)");
  check("lsetxattr", invoke(f, [path, name, value, value.length, flags]), path, name);
}

const ENODATA = 61;
const ERANGE = 34;

/** The value of xattr `name` of `path` (not following a final symlink), or null when it has none. */
export function lgetxattr(path: string, name: string): Buffer | null {
  const f = bind("long lgetxattr(const char *path, const char *name, void *value, size_t size)");
  for (;;) {
    const [size, e] = invoke(f, [path, name, null, 0]);
    if (size === -1 && e === ENODATA) return null;
    check("lgetxattr", [size, e], path, name);
    const buf = Buffer.alloc(Math.max(1, size));
    const [n, e2] = invoke(f, [path, name, buf, buf.length]);
    if (n === -1 && e2 === ERANGE) continue; // grew in between
    if (n === -1 && e2 === ENODATA) return null;
    check("lgetxattr", [n, e2], path, name);
    return buf.subarray(0, n);
  }
}

/** The names of the xattrs of `path` (not following a final symlink). */
export function llistxattr(path: string): string[] {
  const f = bind("long llistxattr(const char *path, void *list, size_t size)");
  for (;;) {
    const size = check("llistxattr", invoke(f, [path, null, 0]), path);
    if (size === 0) return [];
    const buf = Buffer.alloc(size);
    const [n, e] = invoke(f, [path, buf, size]);
    if (n === -1 && e === ERANGE) continue;
    check("llistxattr", [n, e], path);
    return buf.subarray(0, n).toString("utf8").split("\0").filter(Boolean);
  }
}

/** mknod(2): `mode` holds the file type (S_IFCHR, S_IFBLK, S_IFIFO) and permissions. */
export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  const M = BigInt(major);
  const m = BigInt(minor);
  const dev = ((M & 0xfffff000n) << 32n) | ((M & 0xfffn) << 8n) | ((m & 0xffffff00n) << 12n) | (m & 0xffn);
  check("mknod", invoke(bind("int mknod(const char *path, uint32_t mode, uint64_t dev)"), [path, mode, dev]), path);
}

// ---- processes -------------------------------------------------------------

export function kill(pid: number, signal: number): void {
  check("kill", invoke(bind("int kill(int pid, int sig)"), [pid, signal]), undefined, `pid ${pid}`);
}

// Through syscall(2), so that rongqi does not depend on the C library having
// the wrappers (glibc added them in 2.36).
const SYSCALL = "long syscall(long number, ...)";

export function pidfdOpen(pid: number, flags = 0): number {
  const res = invoke(bind(SYSCALL), [SYS_pidfd_open, "int", pid, "unsigned int", flags]);
  return check("pidfd_open", res, undefined, `pid ${pid}`);
}

export function pidfdSendSignal(pidfd: number, signal: number): void {
  const res = invoke(bind(SYSCALL), [SYS_pidfd_send_signal, "int", pidfd, "int", signal, "void *", null, "unsigned int", 0]);
  check("pidfd_send_signal", res, undefined, `pidfd ${pidfd}`);
}

const WAITPID = "int waitpid(int pid, void *status, int options)";

export function waitpid(pid: number, options = 0): WaitResult | null {
  const status = Buffer.alloc(8);
  const r = check("waitpid", invoke(bind(WAITPID), [pid, status, options]), undefined, `pid ${pid}`);
  if (r === 0) return null;
  return { pid: r, status: decodeWaitStatus(status.readInt32LE(0)) };
}

export function waitpidAsync(pid: number, options = 0): Promise<WaitResult> {
  if ((options & WNOHANG) !== 0) {
    return Promise.reject(new RongqiError("waitpidAsync: WNOHANG makes no sense for an asynchronous wait; use waitpid"));
  }
  const f = bind(WAITPID);
  const k = K();
  return new Promise((resolve, reject) => {
    // Referenced by this closure until the pool thread's call has returned.
    const status = Buffer.alloc(8);
    const attempt = (): void => {
      f.async(pid, status, options, (err: unknown, r: number) => {
        const e = k.errno(); // koffi restores the pool thread's errno around this callback
        if (err) return reject(err);
        if (r === -1 && e === EINTR) return attempt();
        if (r === -1) return reject(new SyscallError({ syscall: "waitpid", errno: e, arg: `pid ${pid}` }));
        resolve({ pid: r, status: decodeWaitStatus(status.readInt32LE(0)) });
      });
    };
    attempt();
  });
}

const PRCTL = "int prctl(int option, ...)";

export function prctl(option: number, arg2: number | bigint = 0, arg3: number | bigint = 0, arg4: number | bigint = 0, arg5: number | bigint = 0): number {
  const u = "unsigned long";
  return check("prctl", invoke(bind(PRCTL), [option, u, arg2, u, arg3, u, arg4, u, arg5]), undefined, `option ${option}`);
}

export function getChildSubreaper(): boolean {
  const out = Buffer.alloc(8);
  const u = "unsigned long";
  check("prctl", invoke(bind(PRCTL), [PR_GET_CHILD_SUBREAPER, "void *", out, u, 0, u, 0, u, 0]), undefined, "PR_GET_CHILD_SUBREAPER");
  return out.readInt32LE(0) !== 0;
}

export function getuid(): number {
  return Number(bind("uint32_t getuid(void)")());
}

export function geteuid(): number {
  return Number(bind("uint32_t geteuid(void)")());
}

// ---- unix sockets ----------------------------------------------------------

export function socketpair(type = SOCK_STREAM): [number, number] {
  const fds = Buffer.alloc(8);
  check("socketpair", invoke(bind("int socketpair(int domain, int type, int protocol, void *sv)"), [AF_UNIX, type | SOCK_CLOEXEC, 0, fds]));
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

function unixSocket(): number {
  return check("socket", invoke(bind("int socket(int domain, int type, int protocol)"), [AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0]));
}

/**
 * Runs `use` with a sockaddr_un for `path`. A path too long for sun_path
 * (107 bytes) is reached through its directory, opened with O_PATH, as
 * `/proc/self/fd/N/name`.
 */
function withSockaddr<T>(syscall: string, path: string, use: (addr: Buffer, len: number) => T): T {
  const direct = sockaddrUn(path);
  if (direct) return use(direct.addr, direct.len);
  const dirfd = open(dirname(path), O_PATH | O_DIRECTORY | O_CLOEXEC);
  try {
    const viaDir = sockaddrUn(`/proc/self/fd/${dirfd}/${basename(path)}`);
    if (!viaDir) throw new SyscallError({ syscall, errno: 36 /* ENAMETOOLONG */, path });
    return use(viaDir.addr, viaDir.len);
  } finally {
    close(dirfd);
  }
}

export function connectUnix(path: string): number {
  const sock = unixSocket();
  try {
    const f = bind("int connect(int fd, const void *addr, uint32_t len)");
    withSockaddr("connect", path, (addr, len) => check("connect", invoke(f, [sock, addr, len], false), path));
    return sock;
  } catch (err) {
    close(sock);
    throw err;
  }
}

export function listenUnix(path: string, backlog = 16): number {
  const sock = unixSocket();
  try {
    const f = bind("int bind(int fd, const void *addr, uint32_t len)");
    withSockaddr("bind", path, (addr, len) => check("bind", invoke(f, [sock, addr, len]), path));
    check("listen", invoke(bind("int listen(int fd, int backlog)"), [sock, backlog]), path);
    return sock;
  } catch (err) {
    close(sock);
    throw err;
  }
}

export function accept(fd: number): number {
  const f = bind("int accept4(int fd, void *addr, void *addrlen, int flags)");
  return check("accept4", invoke(f, [fd, null, null, SOCK_CLOEXEC]), undefined, `fd ${fd}`);
}

export function sendFd(sock: number, fd: number, payload: Buffer | string = ""): void {
  let data = typeof payload === "string" ? Buffer.from(payload) : payload;
  if (data.length === 0) data = Buffer.alloc(1); // SCM_RIGHTS needs at least one data byte
  const m = sendFdMessage(data, fd, K().address);
  const sent = check("sendmsg", invoke(bind("long sendmsg(int fd, const void *msg, int flags)"), [sock, m.msghdr, MSG_NOSIGNAL]), undefined, `fd ${sock}`);
  if (sent < m.data.length) write(sock, m.data.subarray(sent)); // a stream socket may take the payload in parts
}

export function recvFd(sock: number, maxPayload = 4096): ReceivedFd {
  const m = recvFdMessage(maxPayload, K().address);
  const n = check("recvmsg", invoke(bind("long recvmsg(int fd, void *msg, int flags)"), [sock, m.msghdr, MSG_CMSG_CLOEXEC]), undefined, `fd ${sock}`);
  const { fd, flags } = parseFdMessage(m);
  if ((flags & MSG_CTRUNC) !== 0) {
    if (fd !== undefined) close(fd);
    throw new RongqiError(`recvmsg on fd ${sock}: control data was truncated (the peer sent more than one file descriptor)`);
  }
  return { fd, data: Buffer.from(m.data.subarray(0, n)) };
}

// ---- terminals -------------------------------------------------------------

const IOCTL = "int ioctl(int fd, unsigned long request, ...)";

export function getWinsize(fd: number): Winsize {
  const ws = Buffer.alloc(8);
  check("ioctl", invoke(bind(IOCTL), [fd, TIOCGWINSZ, "void *", ws]), undefined, "TIOCGWINSZ");
  return { rows: ws.readUInt16LE(0), cols: ws.readUInt16LE(2), xpixel: ws.readUInt16LE(4), ypixel: ws.readUInt16LE(6) };
}

export function setWinsize(fd: number, size: Winsize): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(size.rows, 0);
  ws.writeUInt16LE(size.cols, 2);
  ws.writeUInt16LE(size.xpixel ?? 0, 4);
  ws.writeUInt16LE(size.ypixel ?? 0, 6);
  check("ioctl", invoke(bind(IOCTL), [fd, TIOCSWINSZ, "void *", ws]), undefined, "TIOCSWINSZ");
}

export function posixOpenpt(flags = O_RDWR | O_NOCTTY | O_CLOEXEC): number {
  return check("posix_openpt", invoke(bind("int posix_openpt(int flags)"), [flags]), "/dev/ptmx");
}

export function grantpt(fd: number): void {
  check("grantpt", invoke(bind("int grantpt(int fd)"), [fd]), undefined, `fd ${fd}`);
}

export function unlockpt(fd: number): void {
  check("unlockpt", invoke(bind("int unlockpt(int fd)"), [fd]), undefined, `fd ${fd}`);
}

export function ptsname(fd: number): string {
  const buf = Buffer.alloc(128);
  // ptsname_r returns the error number itself rather than -1.
  const [r, e] = invoke(bind("int ptsname_r(int fd, void *buf, size_t buflen)"), [fd, buf, buf.length], false);
  if (r !== 0) throw new SyscallError({ syscall: "ptsname_r", errno: r === -1 ? e : r, arg: `fd ${fd}` });
  return buf.toString("utf8", 0, buf.indexOf(0));
}

export function openPty(): Pty {
  const master = posixOpenpt();
  try {
    grantpt(master);
    unlockpt(master);
    return { master, slavePath: ptsname(master) };
  } catch (err) {
    close(master);
    throw err;
  }
}

/** The real system calls, as a {@link Sys}. */
export const syscall: Sys = {
  open, openat, close, read, write, flock, kill, pidfdOpen, pidfdSendSignal, waitpid, waitpidAsync, prctl,
  getChildSubreaper, getuid, geteuid, mkfifo, mount, umount2, statfs, fstatfs, fcntl, setCloexec, socketpair,
  connectUnix, listenUnix, accept, sendFd, recvFd, getWinsize, setWinsize, posixOpenpt, grantpt, unlockpt,
  ptsname, openPty, memfdCreate,
};
