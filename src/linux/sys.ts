/**
 * The `Sys` interface: every system call rongqi's runtime process makes,
 * as plain TypeScript. `syscall` (syscall.ts) implements it with koffi;
 * `FakeSys` (sys_fake.ts) implements it by recording calls, so logic that
 * takes a `Sys` can be unit-tested without root or a kernel.
 *
 * Conventions shared by both implementations:
 * - a failed call throws a `SyscallError` (call name, errno name, path or
 *   argument); calls that are expected to "fail" in normal operation say so
 *   in their result instead (`flock` with LOCK_NB returns false,
 *   `waitpid` with WNOHANG returns null);
 * - calls interrupted by a signal (EINTR) are retried where that is safe;
 * - file descriptors are numbers; new ones are close-on-exec unless noted;
 * - 64-bit values are Numbers when they always fit, otherwise BigInts.
 *
 * @example
 * ```ts
 * import type { Sys } from "./sys.ts";
 * import { syscall } from "./syscall.ts";
 * function stopProcess(sys: Sys, pid: number): void {
 *   const pidfd = sys.pidfdOpen(pid);
 *   try { sys.pidfdSendSignal(pidfd, 15); } finally { sys.close(pidfd); }
 * }
 * stopProcess(syscall, 1234);
 * ```
 */

/** How a child changed state, decoded from waitpid's status word. */
export type WaitStatus =
  | { kind: "exited"; code: number }
  | { kind: "signaled"; signal: number; coreDumped: boolean }
  | { kind: "stopped"; signal: number }
  | { kind: "continued" };

export interface WaitResult {
  pid: number;
  status: WaitStatus;
}

/** A terminal's size (struct winsize). */
export interface Winsize {
  rows: number;
  cols: number;
  xpixel?: number;
  ypixel?: number;
}

/** What `recvFd` received: the payload bytes and the passed fd, if one came. */
export interface ReceivedFd {
  /** The received descriptor (close-on-exec); undefined when none was attached. */
  fd: number | undefined;
  /** Payload bytes; empty with `fd` undefined means the peer closed the connection. */
  data: Buffer;
}

/** A new pseudo-terminal: the controlling side and the path of the other. */
export interface Pty {
  master: number;
  slavePath: string;
}

export interface Sys {
  /** open(2). `flags` are `O_*` numbers; `mode` is used with O_CREAT/O_TMPFILE (umask applies). */
  open(path: string, flags: number, mode?: number): number;
  /** openat(2), relative to `dirfd` (or AT_FDCWD). */
  openat(dirfd: number, path: string, flags: number, mode?: number): number;
  /** close(2). Never retried: on Linux the fd is gone even when close reports EINTR. */
  close(fd: number): void;
  /** read(2) of up to `size` bytes; an empty Buffer means end of file. */
  read(fd: number, size: number): Buffer;
  /** write(2) of all of `data` (partial writes continue); returns the byte count. */
  write(fd: number, data: Buffer | string): number;
  /** flock(2). With LOCK_NB, returns false when another holder has the lock; otherwise true. */
  flock(fd: number, operation: number): boolean;

  /** kill(2). `pid` may be negative (a process group); signal 0 only checks. */
  kill(pid: number, signal: number): void;
  /** pidfd_open(2): a descriptor that always refers to this process, even after pid reuse. */
  pidfdOpen(pid: number, flags?: number): number;
  /** pidfd_send_signal(2). */
  pidfdSendSignal(pidfd: number, signal: number): void;
  /** waitpid(2). Returns null only with WNOHANG when no child has changed state. */
  waitpid(pid: number, options?: number): WaitResult | null;
  /**
   * waitpid(2) run on a thread of the libuv pool, so the event loop keeps
   * going while the child runs. WNOHANG is refused (use `waitpid`). A pending
   * wait keeps the Node process alive and occupies one pool thread.
   */
  waitpidAsync(pid: number, options?: number): Promise<WaitResult>;
  /** prctl(2) with numeric arguments (missing ones are 0); returns the call's result. */
  prctl(option: number, arg2?: number | bigint, arg3?: number | bigint, arg4?: number | bigint, arg5?: number | bigint): number;
  /** prctl(PR_GET_CHILD_SUBREAPER). */
  getChildSubreaper(): boolean;
  getuid(): number;
  geteuid(): number;

  /** mkfifo(3). The umask applies to `mode`. */
  mkfifo(path: string, mode: number): void;
  /** mount(2). `source`, `fstype` and `data` may be null. */
  mount(source: string | null, target: string, fstype: string | null, flags: number, data?: string | null): void;
  /** umount2(2). */
  umount2(target: string, flags?: number): void;
  /** statfs(2): the file system type (f_type), e.g. CGROUP2_SUPER_MAGIC. */
  statfs(path: string): number;
  /** fstatfs(2): the file system type of an open file. */
  fstatfs(fd: number): number;

  /** fcntl(2) with an optional int argument (F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC...). */
  fcntl(fd: number, cmd: number, arg?: number): number;
  /** Sets or clears FD_CLOEXEC (clear it on fds a child must inherit across execve). */
  setCloexec(fd: number, enabled: boolean): void;

  /** socketpair(AF_UNIX, type | SOCK_CLOEXEC). `type` defaults to SOCK_STREAM. */
  socketpair(type?: number): [number, number];
  /** A connected AF_UNIX stream socket to `path` (paths longer than sockaddr_un holds work too). */
  connectUnix(path: string): number;
  /** A listening AF_UNIX stream socket bound to `path`. */
  listenUnix(path: string, backlog?: number): number;
  /** accept4(2) on a listening socket; the new fd is close-on-exec. Blocks unless the socket is non-blocking. */
  accept(fd: number): number;
  /** sendmsg(2) of `payload` (an empty payload sends one NUL byte) with `fd` attached as SCM_RIGHTS. */
  sendFd(sock: number, fd: number, payload?: Buffer | string): void;
  /** recvmsg(2) of up to `maxPayload` bytes and at most one SCM_RIGHTS fd. */
  recvFd(sock: number, maxPayload?: number): ReceivedFd;

  /** ioctl(TIOCGWINSZ). */
  getWinsize(fd: number): Winsize;
  /** ioctl(TIOCSWINSZ). */
  setWinsize(fd: number, size: Winsize): void;
  /** posix_openpt(3); flags default to O_RDWR | O_NOCTTY | O_CLOEXEC. */
  posixOpenpt(flags?: number): number;
  grantpt(fd: number): void;
  unlockpt(fd: number): void;
  /** ptsname_r(3): the path of the terminal's other side. */
  ptsname(fd: number): string;
  /** posix_openpt + grantpt + unlockpt + ptsname. */
  openPty(): Pty;

  /** memfd_create(2); flags default to MFD_CLOEXEC. */
  memfdCreate(name: string, flags?: number): number;
}
