// Shared pieces of the hardening tests: waiting for files a container
// writes, reading container state, and the leftover check every escape,
// fault and concurrency test ends with (no state directory, mount, process,
// fifo, socket or cgroup of the test may remain).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { RONGQI, TOP, rongqi, type Result, type TestBundle } from "../_bundle.ts";

export const HELPER = join(TOP, "build/rongqi-init");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it is true; throws after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits until `path` exists and returns its content. */
export async function waitForFile(path: string, ms = 10_000): Promise<string> {
  await waitFor(path, () => existsSync(path), ms);
  return readFileSync(path, "utf8");
}

export interface State { status: string; pid: number }

export function stateOf(root: string, id: string): State {
  const r = rongqi(root, ["state", id]);
  if (r.status !== 0) throw new Error(`state ${id}: ${r.stderr}`);
  return JSON.parse(r.stdout) as State;
}

/** A process that has not exited (a zombie has). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** The pid of a host process as its own pid namespace numbers it (NSpid's last field). */
export function innerPid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("NSpid:"));
  return Number(line?.trim().split(/\s+/).at(-1));
}

/** sha256 of a file, to show a host binary was not touched. */
export function digest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function linkOf(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

function identity(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return "";
  }
}

/**
 * Live processes whose command line, environment, cwd, root or exe mention
 * `dir`, or whose root directory is `rootfs` (a container's process after
 * pivot_root: its paths read differently from the host, its root's inode does not).
 */
export function processesUsing(dir: string, rootfs?: string): number[] {
  const out: number[] = [];
  const rootId = rootfs ? identity(rootfs) : "";
  for (const p of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      const env = readFileSync(`/proc/${p}/environ`, "utf8");
      const where = [linkOf(`/proc/${p}/cwd`), linkOf(`/proc/${p}/root`), linkOf(`/proc/${p}/exe`)];
      const inRoot = rootId !== "" && identity(`/proc/${p}/root`) === rootId;
      if ((cmd.includes(dir) || env.includes(dir) || where.some((w) => w.startsWith(dir)) || inRoot) && alive(pid)) out.push(pid);
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

/** Cgroup directories (up to 5 levels under /sys/fs/cgroup) whose name contains `needle`. */
export function cgroupsNamed(needle: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      if (e.name.includes(needle)) out.push(p);
      else if (depth < 5) walk(p, depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  return out;
}

/** Mount points of this (the host's) mount namespace under `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(dir));
}

/** Fifos and sockets left in a state root. */
function specialFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFIFO() || e.isSocket()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

/**
 * Everything a test's containers may have left behind: state directories
 * in the root, fifos and sockets, mounts under the test's directory,
 * processes using it, cgroups named after `ids`. Empty when clean.
 */
export function leftovers(b: TestBundle, ids: string[] = []): string[] {
  const out: string[] = [];
  if (existsSync(b.root)) for (const e of readdirSync(b.root)) out.push(`state entry ${join(b.root, e)}`);
  for (const f of specialFiles(b.root)) out.push(`fifo or socket ${f}`);
  for (const m of mountsUnder(b.dir)) out.push(`mount ${m}`);
  for (const p of processesUsing(b.dir, b.rootfs)) out.push(`process ${p} (${linkOf(`/proc/${p}/exe`)})`);
  for (const id of ids) for (const c of cgroupsNamed(id)) out.push(`cgroup ${c}`);
  return out;
}

/** Waits (up to 5 s) for the leftovers to go: a killed process takes a moment to be reaped. */
export async function settledLeftovers(b: TestBundle, ids: string[] = []): Promise<string[]> {
  const end = Date.now() + 5000;
  let left = leftovers(b, ids);
  while (left.length && Date.now() < end) {
    await sleep(50);
    left = leftovers(b, ids);
  }
  return left;
}

/** A container id unique to this test process, so cgroups and processes can be told apart. */
export function uniqueId(name: string): string {
  return `h4-${process.pid}-${name}`;
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Runs `rongqi --root <root> ...args` without blocking the event loop and
 * resolves with its result; stdout and stderr go to files (a container it
 * creates inherits them). A call still running after `timeoutMs` is killed
 * and reported with `timedOut`.
 */
export async function rongqiAsync(root: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; delayMs?: number } = {}): Promise<Result & { timedOut: boolean; ms: number }> {
  if (opts.delayMs) await sleep(opts.delayMs);
  const base = join(dirname(root), `out-${process.pid}-a${++asyncSeq}`);
  const outFile = `${base}.stdout`;
  const errFile = `${base}.stderr`;
  const out = openSync(outFile, "w+");
  const err = openSync(errFile, "w+");
  const t0 = Date.now();
  const child = spawn(RONGQI, ["--root", root, ...args], { stdio: ["ignore", out, err], env: opts.env ?? process.env });
  closeSync(out);
  closeSync(err);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: readFileSync(outFile, "utf8"), stderr: readFileSync(errFile, "utf8"), outFile, errFile, timedOut, ms: Date.now() - t0 });
    });
  });
}
let asyncSeq = 0;

/** A failure the CLI reports as it should: a non-zero exit and only `rongqi: ...` lines, no stack trace. */
export function isClearFailure(r: Result): boolean {
  const lines = r.stderr.trim().split("\n");
  return r.status !== null && r.status !== 0 && r.signal === null && lines.length > 0 && lines.every((l) => l.startsWith("rongqi: ")) && !/\n\s+at /.test(r.stderr);
}
