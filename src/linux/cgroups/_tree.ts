// Directory work shared by both drivers: making a cgroup path (noting what
// was made), listing the processes of a cgroup subtree, signalling them,
// and removing what rongqi made.
import { existsSync, mkdirSync, readdirSync, rmdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { RongqiError, SyscallError } from "../../errors.ts";
import { codeOf, errnoOf, parsePids, readCgroupFileIfExists } from "./_files.ts";

import { sleepSync as sleep } from "../../sleep_sync.ts";

export { sleep };

/** Makes `dir` and any missing parents; returns the ones it made, parents first. */
export function makeCgroupDir(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  const made: string[] = [];
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o755 });
      made.push(d);
    } catch (err) {
      if (codeOf(err) === "EEXIST") continue; // made by someone else meanwhile: not ours
      throw new SyscallError({ syscall: "mkdir", errno: errnoOf(err), path: d, step: "create the container's cgroup", cause: err });
    }
  }
  return made;
}

/** The child cgroups of dir (cgroupfs directories hold files and child cgroups only). */
function children(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Every pid in the cgroup at dir and the cgroups below it. */
export function subtreePids(dir: string): number[] {
  const out = new Set<number>();
  const walk = (d: string) => {
    for (const p of parsePids(readCgroupFileIfExists(d, "cgroup.procs"))) out.add(p);
    for (const c of children(d)) walk(c);
  };
  walk(dir);
  return [...out];
}

/** Sends signal to each pid; a process already gone is skipped. */
export function signalPids(pids: readonly number[], signal: number): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if (codeOf(err) !== "ESRCH") throw new SyscallError({ syscall: "kill", errno: errnoOf(err), arg: `pid ${pid}`, cause: err });
    }
  }
}

/** rmdir, retrying while processes that were just killed finish exiting. Returns the error code if it gave up. */
function removeDir(dir: string, waitMs: number): string | undefined {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      rmdirSync(dir);
      return undefined;
    } catch (err) {
      const code = codeOf(err) ?? "EIO";
      if (code === "ENOENT") return undefined;
      if ((code !== "EBUSY" && code !== "ENOTEMPTY") || Date.now() >= deadline) return code;
      sleep(5);
    }
  }
}

/**
 * A parent rongqi made goes once it has no child cgroup. A child just
 * removed keeps it busy for a moment (the kernel takes the child offline
 * asynchronously), so EBUSY is retried while no child directory is left; a
 * parent with a child (another container's) stays.
 */
function removeParent(dir: string, waitMs: number): void {
  const deadline = Date.now() + waitMs;
  while (children(dir).length === 0) {
    const code = removeDir(dir, 0);
    if (code !== "EBUSY" || Date.now() >= deadline) return;
    sleep(2);
  }
}

/**
 * Removes the directories rongqi made (`created`), deepest first. The
 * container's own cgroups (`leaves`) go with any child cgroups the
 * container made in them, and must go; a parent still used by another
 * container stays.
 */
export function removeCreated(created: readonly string[], leaves: ReadonlySet<string>, waitMs = 2000): void {
  const failed: string[] = [];
  const removeTree = (d: string): string | undefined => {
    for (const c of children(d)) removeTree(c);
    return removeDir(d, waitMs);
  };
  for (const dir of [...created].sort((a, b) => b.length - a.length)) {
    if (leaves.has(dir)) {
      const code = removeTree(dir);
      if (code) failed.push(`${dir} (${code})`);
    } else {
      removeParent(dir, waitMs);
    }
  }
  if (failed.length) throw new RongqiError(`cannot remove the container's cgroup: ${failed.join(", ")}: processes are still in it`);
}

/** The directories makeCgroupDir(dir) would make now, parents first. */
export function missingCgroupDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  return missing;
}
