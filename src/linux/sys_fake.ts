/**
 * `FakeSys`: a recording {@link Sys} for unit tests. Every call is appended
 * to `calls` with its arguments; results come from a script, per call name,
 * or from harmless defaults (fresh fd numbers from 100, successful waits,
 * `flock` acquiring, ...).
 *
 * A script entry is one step or a list of steps consumed in order (then the
 * default again). A step is `{ return: value }`, `{ errno: "ENOENT" }` (or a
 * number) to throw the same `SyscallError` the real call would, or a function
 * of the call's arguments.
 *
 * @example
 * ```ts
 * import { FakeSys } from "./sys_fake.ts";
 * const sys = new FakeSys({ flock: [{ return: false }, { return: true }], kill: { errno: "ESRCH" } });
 * sys.flock(3, LOCK_EX | LOCK_NB); // false
 * sys.flock(3, LOCK_EX | LOCK_NB); // true
 * sys.kill(42, 15);                // throws SyscallError 'kill "pid 42": ESRCH (No such process)'
 * sys.calls;                       // [{ name: "flock", args: [3, 6] }, ...]
 * ```
 */
import { RongqiError, SyscallError } from "../errors.ts";
import { constants as errnos } from "./_errno.ts";
import type { Pty, ReceivedFd, Sys, WaitResult, Winsize } from "./sys.ts";

type Fn = (...args: never[]) => unknown;
type SysName = keyof Sys;
/** The value a call returns (for async calls: the value its promise resolves to). */
type Result<K extends SysName> = Awaited<ReturnType<Sys[K]>>;

export type FakeStep<K extends SysName> =
  | { return: Result<K> }
  | { errno: number | string }
  | ((...args: Parameters<Sys[K]>) => Result<K>);

export type FakeScript = { [K in SysName]?: FakeStep<K> | FakeStep<K>[] };

export interface FakeCall {
  name: SysName;
  args: unknown[];
}

/** Where a failure points, as the real call would name it. */
interface Where {
  syscall: string;
  path?: string;
  arg?: string;
}

export class FakeSys implements Sys {
  /** Every call made, in order. */
  readonly calls: FakeCall[] = [];
  /** The next fd number handed out by default. */
  nextFd = 100;
  #script = new Map<SysName, FakeStep<SysName>[]>();

  constructor(script: FakeScript = {}) {
    for (const [name, steps] of Object.entries(script) as [SysName, FakeStep<SysName> | FakeStep<SysName>[]][]) {
      this.script(name, ...(Array.isArray(steps) ? steps : [steps]));
    }
  }

  /** Appends steps for `name`'s next calls. */
  script<K extends SysName>(name: K, ...steps: FakeStep<K>[]): this {
    const queue = this.#script.get(name) ?? [];
    queue.push(...(steps as unknown as FakeStep<SysName>[]));
    this.#script.set(name, queue);
    return this;
  }

  /** The argument lists of every call to `name`. */
  callsTo(name: SysName): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  /** Records the call, then plays the next scripted step or the default. */
  #call<K extends SysName>(name: K, args: Parameters<Sys[K]>, where: Where, fallback: () => Result<K>): Result<K> {
    this.calls.push({ name, args: [...args] });
    const step = this.#script.get(name)?.shift() as FakeStep<K> | undefined;
    if (step === undefined) return fallback();
    if (typeof step === "function") return (step as Fn)(...(args as never[])) as Result<K>;
    if ("errno" in step) {
      const errno = typeof step.errno === "number" ? step.errno : errnos[step.errno];
      if (errno === undefined) throw new RongqiError(`FakeSys: unknown errno name "${String(step.errno)}"`);
      throw new SyscallError({ ...where, errno });
    }
    return step.return;
  }

  #fd(): number {
    return this.nextFd++;
  }

  open(path: string, flags: number, mode = 0): number {
    return this.#call("open", [path, flags, mode], { syscall: "open", path }, () => this.#fd());
  }
  openat(dirfd: number, path: string, flags: number, mode = 0): number {
    return this.#call("openat", [dirfd, path, flags, mode], { syscall: "openat", path }, () => this.#fd());
  }
  close(fd: number): void {
    this.#call("close", [fd], { syscall: "close", arg: `fd ${fd}` }, () => undefined);
  }
  read(fd: number, size: number): Buffer {
    return this.#call("read", [fd, size], { syscall: "read", arg: `fd ${fd}` }, () => Buffer.alloc(0));
  }
  write(fd: number, data: Buffer | string): number {
    return this.#call("write", [fd, data], { syscall: "write", arg: `fd ${fd}` }, () => Buffer.byteLength(data));
  }
  flock(fd: number, operation: number): boolean {
    return this.#call("flock", [fd, operation], { syscall: "flock", arg: `fd ${fd}` }, () => true);
  }
  kill(pid: number, signal: number): void {
    this.#call("kill", [pid, signal], { syscall: "kill", arg: `pid ${pid}` }, () => undefined);
  }
  pidfdOpen(pid: number, flags = 0): number {
    return this.#call("pidfdOpen", [pid, flags], { syscall: "pidfd_open", arg: `pid ${pid}` }, () => this.#fd());
  }
  pidfdSendSignal(pidfd: number, signal: number): void {
    this.#call("pidfdSendSignal", [pidfd, signal], { syscall: "pidfd_send_signal", arg: `pidfd ${pidfd}` }, () => undefined);
  }
  waitpid(pid: number, options = 0): WaitResult | null {
    return this.#call("waitpid", [pid, options], { syscall: "waitpid", arg: `pid ${pid}` }, () => ({
      pid,
      status: { kind: "exited", code: 0 },
    }));
  }
  waitpidAsync(pid: number, options = 0): Promise<WaitResult> {
    try {
      // Scripted values are the resolved results; scripted errnos reject.
      const result = this.#call("waitpidAsync", [pid, options], { syscall: "waitpid", arg: `pid ${pid}` }, () => ({
        pid,
        status: { kind: "exited", code: 0 },
      }));
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  prctl(option: number, arg2: number | bigint = 0, arg3: number | bigint = 0, arg4: number | bigint = 0, arg5: number | bigint = 0): number {
    return this.#call("prctl", [option, arg2, arg3, arg4, arg5], { syscall: "prctl", arg: `option ${option}` }, () => 0);
  }
  getChildSubreaper(): boolean {
    return this.#call("getChildSubreaper", [], { syscall: "prctl", arg: "PR_GET_CHILD_SUBREAPER" }, () => false);
  }
  getuid(): number {
    return this.#call("getuid", [], { syscall: "getuid" }, () => 0);
  }
  geteuid(): number {
    return this.#call("geteuid", [], { syscall: "geteuid" }, () => 0);
  }
  mkfifo(path: string, mode: number): void {
    this.#call("mkfifo", [path, mode], { syscall: "mkfifo", path }, () => undefined);
  }
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null = null): void {
    const where: Where = source !== null ? { syscall: "mount", path: source, arg: target } : { syscall: "mount", path: target };
    this.#call("mount", [source, target, fstype, flags, data], where, () => undefined);
  }
  umount2(target: string, flags = 0): void {
    this.#call("umount2", [target, flags], { syscall: "umount2", path: target }, () => undefined);
  }
  statfs(path: string): number {
    return this.#call("statfs", [path], { syscall: "statfs", path }, () => 0);
  }
  fstatfs(fd: number): number {
    return this.#call("fstatfs", [fd], { syscall: "fstatfs", arg: `fd ${fd}` }, () => 0);
  }
  fcntl(fd: number, cmd: number, arg?: number): number {
    const args = (arg === undefined ? [fd, cmd] : [fd, cmd, arg]) as Parameters<Sys["fcntl"]>;
    return this.#call("fcntl", args, { syscall: "fcntl", arg: `fd ${fd}` }, () => 0);
  }
  setCloexec(fd: number, enabled: boolean): void {
    this.#call("setCloexec", [fd, enabled], { syscall: "fcntl", arg: `fd ${fd}` }, () => undefined);
  }
  socketpair(type?: number): [number, number] {
    const args = (type === undefined ? [] : [type]) as Parameters<Sys["socketpair"]>;
    return this.#call("socketpair", args, { syscall: "socketpair" }, () => [this.#fd(), this.#fd()]);
  }
  connectUnix(path: string): number {
    return this.#call("connectUnix", [path], { syscall: "connect", path }, () => this.#fd());
  }
  listenUnix(path: string, backlog = 16): number {
    return this.#call("listenUnix", [path, backlog], { syscall: "bind", path }, () => this.#fd());
  }
  accept(fd: number): number {
    return this.#call("accept", [fd], { syscall: "accept4", arg: `fd ${fd}` }, () => this.#fd());
  }
  sendFd(sock: number, fd: number, payload: Buffer | string = ""): void {
    this.#call("sendFd", [sock, fd, payload], { syscall: "sendmsg", arg: `fd ${sock}` }, () => undefined);
  }
  recvFd(sock: number, maxPayload = 4096): ReceivedFd {
    return this.#call("recvFd", [sock, maxPayload], { syscall: "recvmsg", arg: `fd ${sock}` }, () => ({
      fd: this.#fd(),
      data: Buffer.alloc(0),
    }));
  }
  getWinsize(fd: number): Winsize {
    return this.#call("getWinsize", [fd], { syscall: "ioctl", arg: "TIOCGWINSZ" }, () => ({ rows: 24, cols: 80, xpixel: 0, ypixel: 0 }));
  }
  setWinsize(fd: number, size: Winsize): void {
    this.#call("setWinsize", [fd, size], { syscall: "ioctl", arg: "TIOCSWINSZ" }, () => undefined);
  }
  posixOpenpt(flags?: number): number {
    const args = (flags === undefined ? [] : [flags]) as Parameters<Sys["posixOpenpt"]>;
    return this.#call("posixOpenpt", args, { syscall: "posix_openpt", path: "/dev/ptmx" }, () => this.#fd());
  }
  grantpt(fd: number): void {
    this.#call("grantpt", [fd], { syscall: "grantpt", arg: `fd ${fd}` }, () => undefined);
  }
  unlockpt(fd: number): void {
    this.#call("unlockpt", [fd], { syscall: "unlockpt", arg: `fd ${fd}` }, () => undefined);
  }
  ptsname(fd: number): string {
    return this.#call("ptsname", [fd], { syscall: "ptsname_r", arg: `fd ${fd}` }, () => "/dev/pts/0");
  }
  openPty(): Pty {
    return this.#call("openPty", [], { syscall: "posix_openpt", path: "/dev/ptmx" }, () => ({ master: this.#fd(), slavePath: "/dev/pts/0" }));
  }
  memfdCreate(name: string, flags?: number): number {
    const args = (flags === undefined ? [name] : [name, flags]) as Parameters<Sys["memfdCreate"]>;
    return this.#call("memfdCreate", args, { syscall: "memfd_create", path: name }, () => this.#fd());
  }
}
