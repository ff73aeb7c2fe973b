// A private Podman for the client suite: its own storage, run and temp
// directories and containers.conf under one temp dir, the runtime under test
// given with --runtime, cgroupfs, file events, and a busybox image imported
// offline. `cleanup()` removes every container, image, mount, cgroup and
// file it made.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cmd, onTerminal, type CmdOptions, type CmdResult } from "./_cmd.ts";
import { hardLimits, removeCgroups, runtimeUnderTest, type RuntimeUnderTest, unmountUnder, which } from "./_host.ts";
import { IMAGE, makeImageRootfs } from "./_image.ts";

/**
 * The capabilities the suite's containers.conf gives containers by default
 * (Podman 4's own list), with their numbers.
 */
export const DEFAULT_CAPS: Record<string, number> = {
  CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, FSETID: 4, KILL: 5, SETGID: 6, SETUID: 7,
  SETPCAP: 8, NET_BIND_SERVICE: 10, SYS_CHROOT: 18, SETFCAP: 31,
};

export interface PodmanEnv {
  dir: string;
  runtime: RuntimeUnderTest;
  image: string;
  /** the cgroup parent every container of the suite gets (removed by cleanup) */
  cgroupParent: string;
  /** `podman <global flags> ...args` */
  podman(args: string[], opts?: CmdOptions): CmdResult;
  /** `podman run --network none --pull never --cgroup-parent P ...args` */
  run(args: string[], opts?: CmdOptions): CmdResult;
  /** `podman ...args` on a pseudo-terminal, `input` typed into it (see onTerminal) */
  onTerminal(args: string[], opts?: CmdOptions): CmdResult;
  /** `podman run` with the suite's run flags, on a pseudo-terminal */
  runOnTerminal(args: string[], opts?: CmdOptions): CmdResult;
  /** the environment for a containers.conf with `extraEngine` lines added to [engine] */
  envWith(extraEngine: string): NodeJS.ProcessEnv;
  /** a new empty directory under the suite's temp dir */
  mkdir(name: string): string;
  cleanup(): void;
}

/** Why the Podman suite cannot run here, or undefined when it can. */
export function podmanMissing(): string | undefined {
  for (const b of ["podman", "conmon", "script"]) if (!which(b)) return `${b} is not installed (.ci/run installs the podman, conmon and bsdutils packages)`;
  if (process.getuid?.() !== 0) return "the client suites run as root";
  return undefined;
}

function containersConf(dir: string, extraEngine = ""): string {
  const { nofile, nproc } = hardLimits();
  const caps = Object.keys(DEFAULT_CAPS).map((c) => `"${c}"`).join(", ");
  return `# written by the rongqi client suite
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]
default_capabilities = [${caps}]
# conmon stays in the caller's cgroup: no /libpod_parent/conmon left behind
cgroups = "no-conmon"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${dir}/events.log"
image_copy_tmp_dir = "${dir}/tmp"
runtime_supports_json = ["crun", "runc", "rongqi"]
${extraEngine}
`;
}

/** Containers in the runtime's state root whose state.json mentions `dir`. */
function ourRuntimeState(root: string, dir: string): string[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(root);
  } catch {
    return [];
  }
  return ids.filter((id) => {
    try {
      return readFileSync(join(root, id, "state.json"), "utf8").includes(`${dir}/`);
    } catch {
      return false;
    }
  });
}

/** Sets up a private Podman with the busybox image imported; call `cleanup()` when done. */
export function startPodman(runtime: RuntimeUnderTest = runtimeUnderTest()): PodmanEnv {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-podman-"));
  chmodSync(dir, 0o755);
  const out = join(dir, "out");
  for (const d of ["tmp", "confs"]) mkdirSync(join(dir, d));
  const conf = join(dir, "containers.conf");
  writeFileSync(conf, containersConf(dir));
  writeFileSync(join(dir, "storage.conf"), `[storage]\ndriver = "overlay"\nrunroot = "${dir}/runroot"\ngraphroot = "${dir}/root"\n`);
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"), TMPDIR: join(dir, "tmp"), SHELL: "/bin/sh" };
  const cgroupParent = `/rongqi-test-podman-${process.pid}`;
  const globals = [
    "--root", join(dir, "root"), "--runroot", join(dir, "runroot"), "--tmpdir", join(dir, "tmp"),
    "--storage-driver", "overlay", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
    "--network-config-dir", join(dir, "networks"), "--volumepath", join(dir, "volumes"),
    "--runtime", runtime.path,
  ];
  const podmanBin = which("podman")!;
  const argv = (args: string[]) => [podmanBin, ...globals, ...args];
  const runArgv = (args: string[]) => argv(["run", "--network", "none", "--pull", "never", "--cgroup-parent", cgroupParent, ...args]);
  const call = (a: string[], opts: CmdOptions = {}) => cmd(out, a[0]!, a.slice(1), { ...opts, env: opts.env ?? baseEnv });
  let confs = 0;

  const env: PodmanEnv = {
    dir, runtime, image: IMAGE, cgroupParent,
    podman: (args, opts) => call(argv(args), opts),
    run: (args, opts) => call(runArgv(args), opts),
    onTerminal: (args, opts = {}) => onTerminal(out, argv(args), { ...opts, env: opts.env ?? baseEnv }),
    runOnTerminal: (args, opts = {}) => onTerminal(out, runArgv(args), { ...opts, env: opts.env ?? baseEnv }),
    envWith(extraEngine) {
      const path = join(dir, "confs", `containers-${++confs}.conf`);
      writeFileSync(path, containersConf(dir, extraEngine));
      return { ...baseEnv, CONTAINERS_CONF: path };
    },
    mkdir(name) {
      const d = join(dir, name);
      mkdirSync(d, { recursive: true });
      return d;
    },
    cleanup() {
      env.podman(["rm", "-af", "-t", "0"], { timeout: 120_000 });
      env.podman(["rmi", "-af"]);
      // Podman (rootful) passes the runtime no --root: its state is in the runtime's default
      // root. A container whose state is still there (a failed create or start) is ours when
      // its state names a bundle or rootfs under our dir; delete those only.
      for (const id of ourRuntimeState(runtime.defaultRoot, dir)) cmd(out, runtime.path, ["delete", "--force", id]);
      unmountUnder(dir);
      removeCgroups(cgroupParent.slice(1));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const rootfs = join(dir, "image-rootfs");
  makeImageRootfs(rootfs);
  const imported = cmd(out, "sh", ["-c", `tar -C ${rootfs} -c . | "$@" import - ${IMAGE}`, "sh", ...argv([])], { env: baseEnv, timeout: 120_000 });
  rmSync(rootfs, { recursive: true, force: true });
  if (imported.status !== 0) {
    env.cleanup();
    throw new Error(`podman import failed: ${imported.stderr}`);
  }
  return env;
}
