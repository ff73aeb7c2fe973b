// Building blocks checks share: run a bundle and judge the checker's lines,
// expect a create to be refused without leaving anything behind, start a
// long-running container, capability masks, host views of a process.
import { spawn } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { T } from "./_check.ts";
import type { CheckerOutput } from "./_checker.ts";
import { describe, type CallOptions, type Result } from "./_runtime.ts";
import type { Bundle, State } from "./_workspace.ts";

/** Records every line of the checker; fails when it printed nothing or stopped early. */
export function judge(t: T, out: CheckerOutput, only?: (name: string) => boolean): void {
  const lines = only ? out.lines.filter((l) => only(l.name)) : out.lines;
  if (lines.length === 0) {
    t.fatal("the checker reported nothing", out.raw.trim() ? `output: ${out.raw.trim().slice(0, 400)}` : "no output");
  }
  for (const l of lines) t.ok(l.ok, `inside: ${l.name}`, l.detail);
  if (!out.done) t.ok(false, "the checker did not finish", out.raw.trim().split("\n").slice(-3).join(" | "));
}

/** Runs the bundle to completion and judges its checker output. */
export async function runInside(t: T, b: Bundle, opts: { create?: CallOptions; createArgs?: string[] } = {}): Promise<CheckerOutput> {
  const r = await b.run(opts);
  if (r.error) {
    const stderr = b.errors().trim().split("\n").slice(-2).join(" | ");
    t.fatal(r.error, r.out.raw.trim() ? `checker output: ${r.out.raw.trim().slice(0, 300)}` : stderr || undefined);
  }
  judge(t, r.out);
  return r.out;
}

/** Create must fail, and leave no container behind. */
export async function expectCreateFails(t: T, b: Bundle, what: string, opts: { id?: string; call?: CallOptions } = {}): Promise<Result> {
  const id = opts.id ?? b.id;
  const r = await b.create({ id, call: opts.call });
  if (r.status === 0) {
    const st = await b.state(id);
    t.ok(false, `create succeeded although ${what}`, st.state ? `state: ${st.state.status}` : undefined);
    return r;
  }
  const st = await b.state(id);
  t.ok(st.res.status !== 0, `no container left after the refused create (${what})`, st.state ? `state says ${st.state.status}` : undefined);
  return r;
}

/** Creates the bundle's container; fatal unless it succeeds. Returns its state. */
export async function created(t: T, b: Bundle, opts: { id?: string; args?: string[]; call?: CallOptions } = {}): Promise<State> {
  const r = await b.create(opts);
  if (r.status !== 0) t.fatal("create failed", describe(r));
  const st = await b.state(opts.id ?? b.id);
  if (!st.state) t.fatal("state after create failed", st.error);
  return st.state;
}

/** Creates and starts the container; fatal unless both succeed. Returns the state after start. */
export async function running(t: T, b: Bundle, opts: { id?: string; call?: CallOptions } = {}): Promise<State> {
  const st = await created(t, b, opts);
  const s = await b.start(opts.id ?? b.id);
  if (s.status !== 0) t.fatal("start failed", describe(s));
  return (await b.state(opts.id ?? b.id)).state ?? st;
}

/** A script that sleeps (for checks that look from outside) after printing "ok started". */
export const SLEEPER = "ok started\nexec sleep 1000";

/** Capability names by number (capabilities(7)). */
export const CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
  "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
  "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
];

/** The capability set as /proc/PID/status prints it (16 hex digits). */
export function capMask(names: string[]): string {
  let m = 0n;
  for (const n of names) {
    const i = CAPS.indexOf(n);
    if (i < 0) throw new Error(`unknown capability ${n}`);
    m |= 1n << BigInt(i);
  }
  return m.toString(16).padStart(16, "0");
}

/** Every capability this host's bounding set has, by name. */
export function hostCaps(bound: bigint, last: number): string[] {
  return CAPS.filter((_, i) => i <= last && (bound >> BigInt(i)) & 1n);
}

/** A field of /proc/PID/status, or undefined. */
export function procStatus(pid: number, field: string): string | undefined {
  try {
    const m = new RegExp(`^${field}:\\s*(.*)$`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The namespace link of a process ("net:[4026...]"), or undefined. */
export function nsOf(pid: number | "self", file: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${file}`);
  } catch {
    return undefined;
  }
}

/** The cgroup paths of a process: hierarchy controllers ("memory", "" for v2) -> path. */
export function procCgroups(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n")) {
      const m = /^\d+:([^:]*):(.*)$/.exec(line);
      if (m) for (const c of m[1]!.split(",")) out.set(c, m[2]!);
    }
  } catch {
    // process gone
  }
  return out;
}

/** Every cgroup hierarchy's directory for a cgroupsPath. */
export function cgroupPaths(t: T, path: string): string[] {
  const points = new Set([...t.host.cgroup.v1.values(), ...(t.host.cgroup.unified ? [t.host.cgroup.unified] : [])]);
  return [...points].map((p) => join(p, path));
}

/**
 * Starts fdrecv (conformance/fdrecv.c) listening on a socket in the check's
 * workspace; skips the check when no C compiler was found. `out` receives
 * the payload, `out.fds` the count of descriptors, `out.tty` (with `pty`)
 * what the pseudoterminal printed.
 */
export async function fdReceiver(t: T, opts: { pty?: boolean } = {}): Promise<{ sock: string; out: string; done: Promise<number | null> }> {
  const bin = t.ws.run.fdrecv;
  if (!bin) t.skip("needs a C compiler (gcc) to build the suite's fd receiver");
  const sock = join(t.ws.dir, opts.pty ? "console.sock" : "listener.sock");
  const out = join(t.ws.dir, opts.pty ? "console" : "listener");
  const child = spawn(bin, [...(opts.pty ? ["--pty"] : []), sock, out], { stdio: ["ignore", "pipe", "inherit"] });
  t.defer(() => child.kill("SIGKILL"));
  const done = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  const ready = await new Promise<boolean>((res) => {
    child.stdout!.on("data", (d: Buffer) => { if (d.toString().includes("ready")) res(true); });
    child.on("exit", () => res(false));
  });
  if (!ready) t.fatal("the fd receiver did not start");
  return { sock, out, done };
}
