// The runtimes compared: rongqi (this work tree) and, where installed, runc
// and crun. Each is called as its users call it, with a private --root.
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface Runtime {
  name: "rongqi" | "runc" | "crun";
  /** the binary */
  bin: string;
  version: string;
  /**
   * Prefix for a process that must call this runtime (the worker, and the
   * clean-up): crun refuses the hybrid cgroup layout unless it runs in a
   * private mount namespace where /sys/fs/cgroup/unified is unmounted.
   */
  wrap: string[];
}

/** The peer every ratio is taken against. */
export const REFERENCE = "runc";

function which(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter).concat(["/usr/sbin", "/sbin"])) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function firstLine(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0]!.trim() : "";
}

/** True when cgroup2 is mounted at /sys/fs/cgroup/unified (the hybrid layout). */
function hybridCgroups(): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8").split("\n").some((l) => l.split(" ")[4] === "/sys/fs/cgroup/unified");
}

/** The script that runs a command in a private mount namespace without the cgroup2 mount. */
export const PRIVATE_NS_SCRIPT = 'umount /sys/fs/cgroup/unified && exec "$@"';

/** The runtimes to measure; rongqi from `install` (see _snapshot_install.ts), the others from PATH. */
export function findRuntimes(install: string, only?: readonly string[]): Runtime[] {
  const out: Runtime[] = [];
  const want = (n: string) => !only || only.includes(n);
  if (want("rongqi")) {
    const bin = join(install, "bin/rongqi");
    out.push({ name: "rongqi", bin, version: firstLine([bin, "--version"]), wrap: [] });
  }
  const runc = want("runc") ? which("runc") : undefined;
  if (runc) out.push({ name: "runc", bin: runc, version: firstLine([runc, "--version"]), wrap: [] });
  const crun = want("crun") ? which("crun") : undefined;
  const unshare = which("unshare");
  if (crun && (!hybridCgroups() || unshare)) {
    const wrap = hybridCgroups() ? [unshare!, "--mount", "--propagation", "private", "sh", "-c", PRIVATE_NS_SCRIPT, "sh"] : [];
    out.push({ name: "crun", bin: crun, version: firstLine([crun, "--version"]), wrap });
  }
  return out;
}
