// Per-check workspace: a temp directory, unique container ids, bundles with a
// busybox rootfs and the checker, the lifecycle operations on them, and the
// clean-up of everything the check or the runtime left behind.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LIB_SH, checkScript, parseChecker, type CheckerOutput } from "./_checker.ts";
import { baseConfig, type Config } from "./_config.ts";
import type { T } from "./_check.ts";
import type { Host } from "./_host.ts";
import { describe, type CallOptions, type Result, type Runtime } from "./_runtime.ts";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every `every` ms until it holds or `ms` pass; returns whether it held. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000, every = 25): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await sleep(every);
  }
}

export interface State {
  ociVersion: string;
  id: string;
  status: string;
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/** Shared by every check of one run. */
export interface RunContext {
  prefix: string;
  base: string;
  busybox: string;
  applets: string[];
  host: Host;
  rt: Runtime;
  /** the compiled fdrecv.c, when a C compiler was found */
  fdrecv?: string;
  /** the compiled probe.c (static), copied into every rootfs as /conformance/probe */
  probe?: string;
  /** results shared by several checks (one scenario run once), by key */
  memo: Map<string, Promise<unknown>>;
  /** workspaces of shared scenarios, cleaned up at the end of the run */
  sharedWorkspaces: Workspace[];
}

/**
 * Runs `fn` once per run for `key` in a workspace of its own and hands every
 * caller the same result (a scenario several checks judge differently).
 */
export function shared<V>(t: T, key: string, fn: (t: T) => Promise<V>): Promise<V> {
  const run = t.ws.run;
  let p = run.memo.get(key) as Promise<V> | undefined;
  if (!p) {
    const ws = new Workspace(run, 100_000 + run.sharedWorkspaces.length);
    run.sharedWorkspaces.push(ws);
    p = fn({ ...t, ws });
    run.memo.set(key, p);
  }
  return p;
}

/** Mount points at or under `dir` in this process's mount table, deepest first. */
export function mountsUnder(dir: string): string[] {
  const points: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const p = line.split(" ")[4]?.replace(/\\040/g, " ");
    if (p && (p === dir || p.startsWith(dir + "/"))) points.push(p);
  }
  return points.reverse();
}

/** Runs a host command for a check's set-up; throws with its stderr. */
export function host(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`set-up command ${cmd} ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

export class Workspace {
  readonly run: RunContext;
  readonly dir: string;
  readonly n: number;
  /** ids a create was attempted for and no delete has succeeded since */
  readonly live = new Set<string>();
  /** container processes seen in state output: pid -> start time, to kill what delete left */
  readonly pids = new Map<number, string>();
  private seq = 0;

  constructor(run: RunContext, n: number) {
    this.run = run;
    this.n = n;
    this.dir = join(run.base, String(n));
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    chmodSync(this.dir, 0o755);
  }

  get rt(): Runtime {
    return this.run.rt;
  }

  /** A fresh container id with the run's prefix. */
  id(): string {
    return `${this.run.prefix}-${this.n}${this.seq++ ? `-${this.seq}` : ""}`;
  }

  /** A new directory in the workspace. */
  mkdir(name: string, mode = 0o755): string {
    const d = join(this.dir, name);
    mkdirSync(d, { recursive: true });
    chmodSync(d, mode);
    return d;
  }

  /** A bundle: busybox rootfs with the checker, share/ bind-mounted at /share, the base config. */
  bundle(opts: { script?: string; edit?: (c: Config, b: Bundle) => void; id?: string } = {}): Bundle {
    const id = opts.id ?? this.id();
    const dir = join(this.dir, `bundle-${id}`);
    const rootfs = join(dir, "rootfs");
    makeRootfs(rootfs, this.run);
    const share = join(dir, "share");
    mkdirSync(share, { recursive: true });
    chmodSync(share, 0o777);
    const config = baseConfig(id);
    config.mounts.find((m) => m.destination === "/share")!.source = share;
    const b = new Bundle(this, id, dir, rootfs, share, config);
    b.script(opts.script ?? "ok started");
    opts.edit?.(config, b);
    b.save();
    return b;
  }

  /** Calls the runtime; the output files live in the workspace. */
  call(args: string[], opts: CallOptions = {}): Promise<Result> {
    return this.rt.call(args, opts);
  }

  /** Deletes (forcibly) every container this workspace named, unmounts what is under it, removes it. */
  async cleanup(): Promise<string[]> {
    const notes: string[] = [];
    for (const id of this.live) {
      const r = await this.rt.call(["delete", "--force", id], { timeoutMs: 20_000 });
      if (r.status !== 0 && (await this.rt.call(["state", id], { timeoutMs: 15_000 })).status !== 0) continue;
      if (r.status !== 0) {
        // a runtime without --force, or a container it cannot delete: kill, then delete
        await this.rt.call(["kill", id, "9"], { timeoutMs: 10_000 });
        await sleep(100);
        const r2 = await this.rt.call(["delete", id], { timeoutMs: 20_000 });
        if (r2.status !== 0) notes.push(`could not delete ${id}: ${describe(r2)}`);
      }
    }
    for (const [pid, start] of this.pids) {
      if (startTime(pid) !== start) continue;
      try {
        process.kill(pid, "SIGKILL");
        notes.push(`killed container process ${pid}, which delete left running`);
      } catch {
        // gone meanwhile
      }
    }
    for (const p of mountsUnder(this.dir)) {
      try {
        execFileSync("umount", ["-l", p], { stdio: "ignore" });
      } catch {
        notes.push(`could not unmount ${p}`);
      }
    }
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch (e) {
      notes.push(`could not remove ${this.dir}: ${(e as Error).message}`);
    }
    return notes;
  }
}

/** Hard-links busybox (one copy per run) and its applets into `rootfs`. */
export function makeRootfs(rootfs: string, run: RunContext): void {
  for (const d of ["bin", "proc", "sys", "dev", "tmp", "etc", "root", "home/user", "conformance", "share"]) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  try {
    linkSync(run.busybox, join(rootfs, "bin/busybox"));
  } catch {
    copyFileSync(run.busybox, join(rootfs, "bin/busybox"));
    chmodSync(join(rootfs, "bin/busybox"), 0o755);
  }
  for (const a of run.applets) if (a !== "busybox") symlinkSync("busybox", join(rootfs, "bin", a));
  writeFileSync(join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  writeFileSync(join(rootfs, "etc/group"), "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n");
  writeFileSync(join(rootfs, "conformance/lib.sh"), LIB_SH);
  if (run.probe) linkSync(run.probe, join(rootfs, "conformance/probe"));
}

export class Bundle {
  readonly ws: Workspace;
  readonly id: string;
  readonly dir: string;
  readonly rootfs: string;
  readonly share: string;
  readonly config: Config;
  /** the container's stdout and stderr (the runtime's, at create) */
  readonly outFile: string;
  readonly errFile: string;

  constructor(ws: Workspace, id: string, dir: string, rootfs: string, share: string, config: Config) {
    this.ws = ws;
    this.id = id;
    this.dir = dir;
    this.rootfs = rootfs;
    this.share = share;
    this.config = config;
    this.outFile = join(ws.dir, `${id}.out`);
    this.errFile = join(ws.dir, `${id}.err`);
  }

  /** Writes the check script run as /conformance/check. */
  script(body: string): void {
    this.file("/conformance/check", checkScript(body), 0o755);
  }

  /** Writes a file into the rootfs. */
  file(path: string, content: string, mode = 0o644): string {
    const p = join(this.rootfs, path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    chmodSync(p, mode);
    return p;
  }

  /** Makes a directory in the rootfs. */
  mkdir(path: string, mode = 0o755): string {
    const p = join(this.rootfs, path);
    mkdirSync(p, { recursive: true });
    chmodSync(p, mode);
    return p;
  }

  save(): void {
    writeFileSync(join(this.dir, "config.json"), JSON.stringify(this.config, null, 2));
  }

  create(opts: { id?: string; args?: string[]; call?: CallOptions; bundle?: string } = {}): Promise<Result> {
    this.ws.live.add(opts.id ?? this.id);
    return this.ws.call(["create", ...(opts.args ?? []), "--bundle", opts.bundle ?? this.dir, opts.id ?? this.id], {
      stdoutFile: this.outFile, stderrFile: this.errFile, ...opts.call,
    });
  }

  start(id = this.id, call?: CallOptions): Promise<Result> {
    return this.ws.call(["start", id], call);
  }

  kill(signal: string, id = this.id): Promise<Result> {
    return this.ws.call(["kill", id, signal]);
  }

  async delete(id = this.id, force = false): Promise<Result> {
    const r = await this.ws.call(["delete", ...(force ? ["--force"] : []), id]);
    if (r.status === 0) this.ws.live.delete(id);
    return r;
  }

  async state(id = this.id): Promise<{ res: Result; state?: State; error?: string }> {
    const res = await this.ws.call(["state", id]);
    if (res.status !== 0) return { res, error: describe(res) };
    try {
      const state = JSON.parse(res.stdout) as State;
      if (Number.isInteger(state.pid) && state.pid! > 0 && !this.ws.pids.has(state.pid!)) {
        const start = startTime(state.pid!);
        if (start) this.ws.pids.set(state.pid!, start);
      }
      return { res, state };
    } catch {
      return { res, error: `state printed no JSON: ${res.stdout.slice(0, 200)}` };
    }
  }

  /** Waits until `state` reports `status`; returns the last state seen. */
  async waitStatus(status: string, ms = 10_000, id = this.id): Promise<State | undefined> {
    let last: State | undefined;
    const okNow = await waitFor(async () => {
      last = (await this.state(id)).state;
      return last?.status === status;
    }, ms, 50);
    return okNow ? last : undefined;
  }

  /** Waits until the container process (by pid) has exited, then until state says stopped. */
  async waitStopped(pid: number | undefined, ms = 15_000): Promise<boolean> {
    if (pid) await waitFor(() => exited(pid), ms, 10);
    return (await this.waitStatus("stopped", 5_000)) !== undefined;
  }

  /** What the container has written to its stdout so far. */
  output(): string {
    return existsSync(this.outFile) ? readFileSync(this.outFile, "utf8") : "";
  }

  errors(): string {
    return existsSync(this.errFile) ? readFileSync(this.errFile, "utf8") : "";
  }

  /**
   * create, start, wait for the process to exit, delete: the checker's output.
   * `error` says which step failed, if one did.
   */
  async run(opts: { create?: CallOptions; createArgs?: string[]; keep?: boolean } = {}): Promise<{ out: CheckerOutput; error?: string; create?: Result }> {
    const create = await this.create({ call: opts.create, args: opts.createArgs });
    if (create.status !== 0) return { out: parseChecker(this.output()), error: `create failed: ${describe(create)}`, create };
    const st = await this.state();
    const start = await this.start();
    if (start.status !== 0) return { out: parseChecker(this.output()), error: `start failed: ${describe(start)}`, create };
    // one runtime call saved per check: wait for the process itself, and ask
    // for the state only when delete does not agree yet
    const pid = st.state?.pid;
    const gone = pid ? await waitFor(() => exited(pid), 15_000, 10) : false;
    const out = () => parseChecker(this.output());
    if (opts.keep) {
      const stopped = await this.waitStopped(pid);
      return stopped ? { out: out(), create } : { out: out(), error: "the container did not stop", create };
    }
    let del = gone ? await this.delete() : undefined;
    if (!del || del.status !== 0) {
      if (!(await this.waitStopped(pid))) return { out: out(), error: "the container did not stop", create };
      del = await this.delete();
    }
    if (del.status !== 0) return { out: out(), error: `delete failed: ${describe(del)}`, create };
    return { out: out(), create };
  }
}

/** The start time of a live (non-zombie) process, from /proc/PID/stat, or undefined. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return f[0] === "Z" ? undefined : f[19];
  } catch {
    return undefined;
  }
}

/** The process has exited (gone, or a zombie nobody reaped yet). */
export function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}

/**
 * Cgroup directories of the run left under every hierarchy, removed; returns
 * what was found. Processes still in them (a container the runtime could not
 * delete) are killed first: the run's unique prefix makes them the suite's.
 */
export async function sweepCgroups(host: Host, prefix: string): Promise<string[]> {
  const found: string[] = [];
  const killAll = (d: string): boolean => {
    let any = false;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) any = killAll(join(d, e.name)) || any;
    for (const pid of readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
        any = true;
      } catch {
        // already gone
      }
    }
    return any;
  };
  const points = new Set([...host.cgroup.v1.values(), ...(host.cgroup.unified ? [host.cgroup.unified] : [])]);
  const rmTree = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) rmTree(join(d, e.name));
    rmdirSync(d);
  };
  for (const point of points) {
    let names: string[] = [];
    try {
      names = readdirSync(point);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const d = join(point, name);
      if (!statSync(d).isDirectory()) continue;
      try {
        if (killAll(d)) {
          found.push(`${d} (its processes killed)`);
          await waitFor(() => readFileSync(join(d, "cgroup.procs"), "utf8").trim() === "", 2000);
        } else found.push(d);
        rmTree(d);
      } catch {
        // reported as found; removal is best effort
      }
    }
  }
  return found;
}
