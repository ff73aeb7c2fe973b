// Helpers shared by the rongqi-init tests (not part of the runtime).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Socket } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { findHelper } from "./find_helper.ts";
import { HelperMessageDecoder, type HelperMessage } from "./protocol.ts";
import { type HelperOutcome, runHelper, type RunHelperOptions } from "./run_helper.ts";

export { CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, MS_BIND, MS_PRIVATE, MS_RDONLY, MS_REC } from "../_constants.ts";
export const S_IFCHR = 0o020000;
export const ENOENT = 2;
export const EINVAL = 22;
export const ECHILD = 10;
export const EPIPE = 32;
export const ETIMEDOUT = 110;

export function collect(stream: Readable | null | undefined): Promise<string> {
  if (!stream) return Promise.resolve("");
  return new Promise((resolve) => {
    let out = "";
    stream.setEncoding("utf8");
    stream.on("data", (d: string) => (out += d));
    stream.on("end", () => resolve(out));
    stream.on("error", () => resolve(out));
  });
}

export interface Captured {
  outcome: HelperOutcome;
  stdout: string;
  stderr: string;
  /** The helper's exit: the container's, when there was no FORK. */
  exit: { code: number | null; signal: string | null };
}

/** Runs a plan with stdout and stderr captured, waiting for the process to end. */
export async function runCaptured(opts: Omit<RunHelperOptions, "stdio" | "onSpawn">): Promise<Captured> {
  let out!: Promise<string>;
  let err!: Promise<string>;
  let exit!: Promise<{ code: number | null; signal: string | null }>;
  const outcome = await runHelper({
    ...opts,
    stdio: ["ignore", "pipe", "pipe"],
    onSpawn: (child) => {
      out = collect(child.stdout);
      err = collect(child.stderr);
      exit = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    },
  });
  return { outcome, stdout: await out, stderr: await err, exit: await exit };
}

/** A short account of a run for assertion messages: the error, or stderr. */
export function why(r: Captured): string {
  const { child: _child, ...outcome } = r.outcome;
  return outcome.kind === "error" ? JSON.stringify(outcome) : r.stderr;
}

/** Sends raw bytes to a fresh helper and returns every message it sent back before closing. */
export function rawExchange(bytes: Buffer, closeAfterWrite = false): Promise<{ messages: HelperMessage[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(findHelper(), ["3"], { stdio: ["ignore", "ignore", "ignore", "pipe"] });
    const sock = child.stdio[3] as Socket;
    const decoder = new HelperMessageDecoder();
    const messages: HelperMessage[] = [];
    let closed = false;
    let code: number | null | undefined;
    const done = () => closed && code !== undefined && resolve({ messages, code });
    sock.on("data", (d: Buffer) => {
      try {
        messages.push(...decoder.push(d));
      } catch (e) {
        reject(e);
      }
    });
    sock.on("error", () => {});
    sock.on("close", () => ((closed = true), done()));
    child.on("exit", (c) => ((code = c), done()));
    if (closeAfterWrite) sock.end(bytes);
    else sock.write(bytes);
  });
}

/** A temporary directory removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rongqi-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const APPLETS = ["sh", "cat", "ls", "echo", "test", "readlink", "touch", "stat", "mkdir", "id", "hostname", "true"];

/** A rootfs holding a static busybox and links to the applets the tests use. */
export function busyboxRootfs(dir: string): string {
  const rootfs = join(dir, "rootfs");
  mkdirSync(join(rootfs, "bin"), { recursive: true });
  cpSync("/bin/busybox", join(rootfs, "bin/busybox"));
  for (const a of APPLETS) symlinkSync("busybox", join(rootfs, "bin", a));
  return rootfs;
}

/** True while a process with this pid runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Waits up to `ms` for a process to be gone; true if it is. */
export async function gone(pid: number, ms = 2000): Promise<boolean> {
  for (const end = Date.now() + ms; alive(pid) && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
  return !alive(pid);
}

export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch { /* gone */ }
}
