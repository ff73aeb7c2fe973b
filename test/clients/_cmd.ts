// Runs client commands (podman, ctr, script) as a user types them, with
// stdout and stderr in files: a client that starts a long-lived monitor
// (conmon, the containerd shim) may pass our descriptors on, and a pipe held
// open by such a process would keep a synchronous spawn waiting.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CmdOptions {
  /** written to the command's standard input (otherwise stdin is /dev/null) */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** milliseconds; default 60 s */
  timeout?: number;
  /** descriptors handed to the command as fd 3, 4, ... */
  extraFds?: number[];
}

export interface CmdResult {
  argv: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** wall-clock time of the command in milliseconds */
  ms: number;
}

let seq = 0;

/**
 * Runs `cmd args...` with its output captured in files under `outDir`.
 * Never throws for a failing command; the result says what happened.
 *
 * @example
 * const r = cmd(dir, "podman", ["version"]);
 * if (r.status !== 0) console.log(r.stderr);
 */
export function cmd(outDir: string, command: string, args: string[], opts: CmdOptions = {}): CmdResult {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `cmd-${process.pid}-${++seq}`);
  const out = openSync(`${base}.out`, "w+");
  const err = openSync(`${base}.err`, "w+");
  const started = performance.now();
  try {
    const res = spawnSync(command, args, {
      stdio: [opts.input === undefined ? "ignore" : "pipe", out, err, ...(opts.extraFds ?? [])],
      input: opts.input,
      env: opts.env ?? process.env,
      // conmon writes files (an "oom" marker) into its working directory:
      // the harness's own directory, never the checkout.
      cwd: outDir,
      timeout: opts.timeout ?? 60_000,
      killSignal: "SIGKILL",
    });
    const ms = performance.now() - started;
    return {
      argv: [command, ...args],
      status: res.status,
      signal: res.signal,
      stdout: readFileSync(`${base}.out`, "utf8"),
      stderr: readFileSync(`${base}.err`, "utf8") + (res.error ? `\n[harness: ${res.error.message}]` : ""),
      ms,
    };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** Quotes one word for /bin/sh. */
export function shQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs a command on a pseudo-terminal through util-linux `script`, the way a
 * user at a terminal runs `podman run -it` or `ctr run -t`. `input` is typed
 * into the terminal; the result's stdout is what the terminal showed (with
 * CRLF line ends) and its status is the command's exit status.
 */
export function onTerminal(outDir: string, argv: string[], opts: CmdOptions = {}): CmdResult {
  const r = cmd(outDir, "script", ["-q", "-e", "-c", argv.map(shQuote).join(" "), "/dev/null"], { ...opts, input: opts.input ?? "" });
  return { ...r, argv };
}

/** A short description of a result for assertion diagnostics. */
export function diag(r: CmdResult): Record<string, unknown> {
  return { argv: r.argv.join(" "), status: r.status, signal: r.signal, stdout: r.stdout.slice(-2000), stderr: r.stderr.slice(-2000) };
}

/** Sleeps synchronously (between client calls that must be apart in time). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls `check` every 100 ms until it returns true or `ms` pass; returns its last answer. */
export function waitFor(ms: number, check: () => boolean): boolean {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    sleepMs(100);
  }
}
