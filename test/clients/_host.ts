// What the client suites need to know about, and clean up on, the host:
// the runtime under test, binaries on the PATH, hard rlimits, cgroups the
// suites named, and mounts left under their temp dirs.
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { basename, join } from "node:path";
import { freshBuild } from "../_fresh_build.ts";

export interface RuntimeUnderTest {
  /** absolute path handed to the client */
  path: string;
  /** "rongqi", "runc", ... (the basename; Podman keys --log support on it) */
  name: string;
  /** where the runtime keeps state when the client passes no --root (Podman's case) */
  defaultRoot: string;
}

/** Finds `name` on the PATH (and the sbin directories), or undefined. */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The runtime the suites hand to the clients: bin/rongqi (rebuilt if stale)
 * unless RONGQI_CLIENT_RUNTIME names another one ("runc", or a path), which
 * is how the same checks are shown to hold for runc.
 */
export function runtimeUnderTest(): RuntimeUnderTest {
  return runtimeNamed(process.env.RONGQI_CLIENT_RUNTIME ?? "rongqi");
}

/** "rongqi" (this checkout's bin/rongqi, rebuilt if stale), a name on the PATH, or an absolute path. */
export function runtimeNamed(want: string): RuntimeUnderTest {
  if (want === "rongqi") return { path: freshBuild(), name: "rongqi", defaultRoot: "/run/rongqi" };
  const path = want.startsWith("/") ? want : which(want);
  if (!path) throw new Error(`runtime ${want}: not found on the PATH`);
  const name = basename(path);
  return { path, name, defaultRoot: `/run/${name}` };
}

/**
 * The current hard limits for open files and processes, which Podman's
 * default ulimits must not exceed (raising a hard limit needs
 * CAP_SYS_RESOURCE, which these machines' bounding set lacks). Podman 4.3
 * runs itself, conmon and so the runtime with RLIMIT_NPROC at most 32768
 * whatever its parent had, so nproc is capped there.
 */
export function hardLimits(): { nofile: number; nproc: number } {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const hard = (label: string): number => {
    const m = new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, "m").exec(limits);
    return !m || m[1] === "unlimited" ? 1048576 : Number(m[1]);
  };
  return { nofile: hard("Max open files"), nproc: Math.min(hard("Max processes"), 32768) };
}

/** A capability mask as /proc/PID/status prints it. */
export function capMask(bits: number[]): string {
  let m = 0n;
  for (const b of bits) m |= 1n << BigInt(b);
  return m.toString(16).padStart(16, "0");
}

/** The value of `Field:` in a /proc/PID/status text. */
export function statusField(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:\\s*(\\S+)`, "m").exec(text)?.[1];
}

/** The host's capability bounding set (what --privileged gives a container). */
export function hostCapBnd(): string {
  return statusField(readFileSync("/proc/self/status", "utf8"), "CapBnd")!;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/** Every cgroup directory named `name` directly under a hierarchy's root. */
export function cgroupDirs(name: string): string[] {
  const dirs: string[] = [];
  for (const h of readdirSync(CGROUP_ROOT)) {
    const d = join(CGROUP_ROOT, h, name);
    if (existsSync(d)) dirs.push(d);
  }
  return dirs;
}

/** Whether a cgroup directory named `leaf` exists anywhere below `parent` in any hierarchy. */
export function cgroupExists(parent: string, leaf: string): boolean {
  return cgroupDirs(parent).some((d) => existsSync(join(d, leaf)));
}

function removeCgroupTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroupTree(join(dir, e.name));
  // processes still here were started by the suite (the cgroup bears its name)
  for (let i = 0; i < 20; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // gone
        }
      }
      execFileSync("sleep", ["0.05"]);
    }
  }
}

/** Removes the cgroup `name` (which must contain "rongqi-test") and everything below it, in every hierarchy. */
export function removeCgroups(name: string): void {
  if (!name.includes("rongqi-test")) throw new Error(`refusing to remove cgroup ${name}: not a test cgroup`);
  for (const d of cgroupDirs(name)) {
    try {
      removeCgroupTree(d);
    } catch {
      // best effort; a leftover is reported by the checks that look for it
    }
  }
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const points = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter(Boolean)
    .map((l) => l.split(" ")[4]!.replace(/\\040/g, " "))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Lazily unmounts everything at or below `dir`. */
export function unmountUnder(dir: string): void {
  for (let pass = 0; pass < 5; pass++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      try {
        execFileSync("umount", ["-l", p], { stdio: "ignore" });
      } catch {
        // already gone with its parent
      }
    }
  }
}

/** Mount points whose line in /proc/self/mountinfo mentions `text` (a container id). */
export function mountsMentioning(text: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(text));
}

/**
 * cgroup v1 hierarchies this process belongs to that are mounted nowhere in
 * its mount namespace (say, a net_cls hierarchy another test mounted and left
 * pinned). containerd's cgroup library cannot load a container's cgroups
 * then, whatever the runtime: a check that fails for that says so.
 */
export function unmountedV1Hierarchies(): string[] {
  const mounted = new Set<string>();
  for (const l of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const m = / - cgroup \S+ (\S+)$/.exec(l);
    if (m) for (const o of m[1]!.split(",")) mounted.add(o);
  }
  const missing: string[] = [];
  for (const l of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
    const [, subs] = l.split(":");
    if (!subs) continue;
    if (!subs.split(",").some((s) => mounted.has(s))) missing.push(subs);
  }
  return missing;
}
