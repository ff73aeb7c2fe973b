// A private containerd 1.6 for the client suite: its own daemon with root,
// state, sockets and config under one temp dir, containers run through the
// runc v2 shim with the runtime under test as its BinaryName (`ctr run
// --runc-binary`), state under a private --runc-root, and a busybox image
// imported offline. `stop()` removes every task, container, image, mount and
// cgroup it made, then stops the daemon and the shims it started.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cmd, onTerminal, sleepMs, waitFor, type CmdOptions, type CmdResult } from "./_cmd.ts";
import { removeCgroups, runtimeUnderTest, type RuntimeUnderTest, unmountUnder, which } from "./_host.ts";
import { IMAGE, makeImageRootfs, makeOciArchive } from "./_image.ts";

export interface ContainerdEnv {
  dir: string;
  runtime: RuntimeUnderTest;
  image: string;
  /** the containerd namespace (also the parent cgroup of every container) */
  namespace: string;
  /** the shim's --root for the runtime (ctr run --runc-root) */
  runcRoot: string;
  /** `ctr --address A --namespace N ...args` */
  ctr(args: string[], opts?: CmdOptions): CmdResult;
  /** `ctr run --runtime io.containerd.runc.v2 --runc-binary R --runc-root D ...args` */
  run(args: string[], opts?: CmdOptions): CmdResult;
  /** `ctr ...args` on a pseudo-terminal, `input` typed into it */
  onTerminal(args: string[], opts?: CmdOptions): CmdResult;
  /** the flags `run` adds after `ctr run` */
  runFlags: string[];
  /** a new empty directory under the suite's temp dir */
  mkdir(name: string): string;
  /** the daemon's own log */
  daemonLog(): string;
  stop(): void;
}

/** Why the containerd suite cannot run here, or undefined when it can. */
export function containerdMissing(): string | undefined {
  for (const b of ["containerd", "ctr", "containerd-shim-runc-v2", "script"]) if (!which(b)) return `${b} is not installed (.ci/run installs the containerd and bsdutils packages)`;
  if (process.getuid?.() !== 0) return "the client suites run as root";
  return undefined;
}

/**
 * The daemon's configuration: everything under `dir`, the CRI plugin off
 * (these checks use ctr; the README's CRI settings are checked separately).
 */
function daemonConfig(dir: string): string {
  return `# written by the rongqi client suite
version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"

[debug]
  address = "${dir}/debug.sock"
  level = "info"
`;
}

/** Processes whose command line mentions `text` (the shims our daemon started). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(text)) pids.push(Number(p));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Starts a private containerd with the busybox image imported; call `stop()` when done. */
export function startContainerd(): ContainerdEnv {
  const runtime = runtimeUnderTest();
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-containerd-"));
  chmodSync(dir, 0o755);
  const out = join(dir, "out");
  const namespace = `rongqi-test-ctr-${process.pid}`;
  const runcRoot = join(dir, "runc");
  const sock = join(dir, "containerd.sock");
  const config = join(dir, "config.toml");
  writeFileSync(config, daemonConfig(dir));
  const logFile = join(dir, "containerd.log");
  const logFd = openSync(logFile, "a");
  const daemon: ChildProcess = spawn(which("containerd")!, ["--config", config], { stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  daemon.unref();
  const ctrBin = which("ctr")!;
  const globals = ["--address", sock, "--namespace", namespace];
  const env: NodeJS.ProcessEnv = { ...process.env, SHELL: "/bin/sh" };
  const runFlags = ["--runtime", "io.containerd.runc.v2", "--runc-binary", runtime.path, "--runc-root", runcRoot];
  let stopped = false;

  const c: ContainerdEnv = {
    dir, runtime, image: IMAGE, namespace, runcRoot, runFlags,
    ctr: (args, opts = {}) => cmd(out, ctrBin, [...globals, ...args], { ...opts, env: opts.env ?? env }),
    run: (args, opts = {}) => cmd(out, ctrBin, [...globals, "run", ...runFlags, ...args], { ...opts, env: opts.env ?? env }),
    onTerminal: (args, opts = {}) => onTerminal(out, [ctrBin, ...globals, ...args], { ...opts, env: opts.env ?? env }),
    mkdir(name) {
      const d = join(dir, name);
      mkdirSync(d, { recursive: true });
      return d;
    },
    daemonLog: () => readFileSync(logFile, "utf8"),
    stop() {
      if (stopped) return;
      stopped = true;
      if (daemon.exitCode === null) {
        for (const id of c.ctr(["task", "ls", "-q"]).stdout.split("\n").filter(Boolean)) {
          c.ctr(["task", "kill", "-a", "-s", "SIGKILL", id]);
          waitFor(5000, () => c.ctr(["task", "delete", id]).status === 0);
          c.ctr(["task", "delete", "-f", id]);
        }
        for (const id of c.ctr(["containers", "ls", "-q"]).stdout.split("\n").filter(Boolean)) c.ctr(["containers", "delete", id]);
        for (const ref of c.ctr(["images", "ls", "-q"]).stdout.split("\n").filter(Boolean)) c.ctr(["images", "rm", "--sync", ref]);
        c.ctr(["namespaces", "remove", namespace]);
        daemon.kill("SIGTERM");
        if (!waitFor(10_000, () => daemon.exitCode !== null || daemon.signalCode !== null)) daemon.kill("SIGKILL");
      }
      // shims outlive the daemon; these were started for our socket
      for (const pid of processesMentioning(sock)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      sleepMs(100);
      unmountUnder(dir);
      removeCgroups(namespace);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  if (!waitFor(15_000, () => existsSync(sock) && c.ctr(["version"]).status === 0)) {
    const log = c.daemonLog();
    c.stop();
    throw new Error(`containerd did not start:\n${log.slice(-3000)}`);
  }
  const rootfs = join(dir, "image-rootfs");
  makeImageRootfs(rootfs);
  const archive = join(dir, "image.tar");
  makeOciArchive(rootfs, archive, IMAGE);
  rmSync(rootfs, { recursive: true, force: true });
  const imported = c.ctr(["images", "import", archive], { timeout: 120_000 });
  if (imported.status !== 0 || !c.ctr(["images", "ls", "-q"]).stdout.includes(IMAGE)) {
    c.stop();
    throw new Error(`ctr images import failed: ${imported.stdout}${imported.stderr}`);
  }
  return c;
}
