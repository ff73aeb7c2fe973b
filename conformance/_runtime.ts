// The runtime under test, driven through the runc-style command line every
// OCI runtime offers (`--root DIR create --bundle B ID`, `start`, `state`,
// `kill`, `delete`), with a private state root per run.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";
import type { Host } from "./_host.ts";

export interface Result {
  /** exit status, null when killed by a signal or the timeout */
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
  argv: string[];
}

export interface CallOptions {
  /** file that receives stdout (and, for create, the container's stdout); default a fresh file */
  stdoutFile?: string;
  stderrFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** shell commands run right before the runtime is executed (same process) */
  preExec?: string;
  /** extra file descriptors given to the runtime at 3, 4, ... */
  extraFds?: number[];
}

/** Describes a failed call in one line, for check diagnostics. */
export function describe(r: Result): string {
  const how = r.timedOut ? "timed out" : r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`;
  const err = r.stderr.trim().split("\n").slice(-3).join(" | ");
  return `${r.argv.slice(-4).join(" ")}: ${how}${err ? `: ${err}` : ""}`;
}

export class Runtime {
  readonly name: string;
  readonly bin: string;
  readonly root: string;
  /** argv put before the runtime's own (a workaround this host needs for it) */
  readonly wrap: string[];
  readonly wrapNote?: string;
  private seq = 0;
  private readonly outDir: string;

  constructor(bin: string, root: string, outDir: string, host: Host) {
    this.bin = bin;
    this.root = root;
    this.outDir = outDir;
    let real = bin;
    try {
      real = realpathSync(bin);
    } catch {
      // reported when the first call fails
    }
    this.name = basename(real);
    // crun refuses the hybrid cgroup layout (v1 hierarchies beside a cgroup2
    // mount); in a private mount namespace without the cgroup2 mount it runs
    // as on a v1 host. Propagation is left as the host has it so that shared
    // mounts stay shared, and /sys/fs/cgroup is made private first so the
    // unmount stays in that namespace.
    if (this.name === "crun" && host.cgroup.mode === "hybrid" && host.cgroup.unified) {
      const u = host.cgroup.unified;
      this.wrap = ["unshare", "-m", "--propagation", "unchanged", "sh", "-c",
        `mount --make-private ${u.replace(/\/[^/]*$/, "") || "/"} 2>/dev/null; umount ${u} && exec "$0" "$@"`];
      this.wrapNote = `${this.name} runs in a private mount namespace without ${u} (it refuses the hybrid cgroup layout)`;
    } else {
      this.wrap = [];
    }
  }

  argv(args: string[]): string[] {
    return [...this.wrap, this.bin, "--root", this.root, ...args];
  }

  /** Runs the runtime with `args` after the global `--root`; never throws. */
  call(args: string[], opts: CallOptions = {}): Promise<Result> {
    let argv = this.argv(args);
    if (opts.preExec) argv = ["sh", "-c", `${opts.preExec}\nexec "$0" "$@"`, ...argv];
    const n = ++this.seq;
    const outFile = opts.stdoutFile ?? join(this.outDir, `call-${n}.out`);
    const errFile = opts.stderrFile ?? join(this.outDir, `call-${n}.err`);
    const out = openSync(outFile, "a+");
    const err = openSync(errFile, "a+");
    const startOut = readFileSync(outFile).length;
    const startErr = readFileSync(errFile).length;
    const since = (file: string, from: number) => readFileSync(file).subarray(from).toString("utf8");
    const t0 = performance.now();
    return new Promise((resolve) => {
      // files, not pipes: a created container keeps the runtime's stdio
      const child = spawn(argv[0]!, argv.slice(1), {
        stdio: ["ignore", out, err, ...(opts.extraFds ?? [])],
        env: opts.env ?? process.env,
        cwd: opts.cwd,
      });
      let timedOut = false;
      let done = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, opts.timeoutMs ?? 30_000);
      const finish = (status: number | null, signal: string | null, error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        closeSync(out);
        closeSync(err);
        resolve({
          status: timedOut ? null : status,
          signal,
          timedOut,
          stdout: since(outFile, startOut),
          stderr: error ? String(error) : since(errFile, startErr),
          ms: performance.now() - t0,
          argv,
        });
      };
      child.on("error", (e) => finish(127, null, e));
      child.on("exit", (code, sig) => finish(code, sig));
    });
  }

  exists(): boolean {
    return existsSync(this.bin);
  }
}
