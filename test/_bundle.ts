// Test helpers: busybox bundles in temp directories, a private state root,
// and the rongqi CLI run as a user runs it.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../src/spec/default_config.ts";
import type { Config } from "../src/spec/types/config.ts";

export const TOP = join(dirname(fileURLToPath(import.meta.url)), "..");
export const RONGQI = join(TOP, "bin/rongqi");
const BUSYBOX = "/bin/busybox";

let applets: string[] | undefined;
function busyboxApplets(): string[] {
  applets ??= execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
  return applets;
}

/** A root filesystem holding busybox and its applets, /etc/passwd and /etc/group. */
export function makeRootfs(dir: string): void {
  for (const d of ["bin", "proc", "sys", "dev", "tmp", "etc", "root", "home/user"]) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, "bin/busybox"));
  execFileSync("chmod", ["0755", join(dir, "bin/busybox")]);
  for (const a of busyboxApplets()) if (a !== "busybox") symlinkSync("busybox", join(dir, "bin", a));
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
  writeFileSync(join(dir, "etc/group"), "root:x:0:\nuser:x:1000:\n");
}

export interface TestBundle {
  dir: string;
  bundle: string;
  rootfs: string;
  root: string;
  config: Config;
  /** rewrites config.json from `config` */
  save(): void;
}

/**
 * A bundle (busybox rootfs, config from `rongqi spec` without a terminal)
 * and a private state root, both removed by `cleanup`.
 */
export function makeBundle(args: [string, ...string[]], edit?: (c: Config) => void): TestBundle {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-"));
  // a container's root in a user namespace is another host uid: let it reach the rootfs
  chmodSync(dir, 0o755);
  const bundle = join(dir, "bundle");
  const rootfs = join(bundle, "rootfs");
  const root = join(dir, "state");
  makeRootfs(rootfs);
  const config = defaultConfig();
  config.process!.terminal = false;
  config.process!.args = args;
  config.root = { path: "rootfs", readonly: false };
  edit?.(config);
  const b: TestBundle = {
    dir, bundle, rootfs, root, config,
    save() {
      writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));
    },
  };
  b.save();
  return b;
}

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** the files that hold stdout and stderr: a created container writes there too */
  outFile: string;
  errFile: string;
}

let seq = 0;

/**
 * Runs `rongqi --root <root> ...args` and returns its result (never throws).
 * stdout and stderr go to files, not pipes: a container created by the call
 * inherits them and would keep pipes open after rongqi exits.
 */
export function rongqi(root: string, args: string[], opts: { timeout?: number; env?: NodeJS.ProcessEnv } = {}): Result {
  const base = join(dirname(root), `out-${process.pid}-${++seq}`);
  const outFile = `${base}.stdout`;
  const errFile = `${base}.stderr`;
  const out = openSync(outFile, "w+");
  const err = openSync(errFile, "w+");
  try {
    const res: SpawnSyncReturns<Buffer> = spawnSync(RONGQI, ["--root", root, ...args], {
      stdio: ["ignore", out, err], timeout: opts.timeout ?? 30_000, env: opts.env ?? process.env,
    });
    return { status: res.status, signal: res.signal, stdout: readFileSync(outFile, "utf8"), stderr: readFileSync(errFile, "utf8"), outFile, errFile };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** Starts rongqi without waiting (for foreground `run` tests). */
export function rongqiAsync(root: string, args: string[]) {
  return spawn(RONGQI, ["--root", root, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

/** Deletes every container left under the test's root, then the temp dir. */
export function cleanup(b: TestBundle): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(b.root);
  } catch {
    // no state root
  }
  for (const id of ids) rongqi(b.root, ["delete", "--force", id]);
  rmSync(b.dir, { recursive: true, force: true });
}
