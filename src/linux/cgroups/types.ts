/**
 * The types shared by the cgroup manager, its two drivers and their
 * controller modules.
 *
 * - {@link CgroupRecord}: what the container record keeps about the
 *   container's cgroup (every later command rebuilds its manager from it).
 * - {@link CgroupManager}: the one interface over cgroup v1 and v2.
 * - {@link Controller}: one controller of one cgroup version (apply + stats).
 *
 * @example
 * ```ts
 * import type { CgroupRecord } from "./types.ts";
 * const rec: CgroupRecord = { version: 2, dirs: { unified: "/sys/fs/cgroup/rongqi/web" },
 *   unifiedMount: "/sys/fs/cgroup", created: ["/sys/fs/cgroup/rongqi/web"] };
 * ```
 */
import type { Resources } from "../../spec/types/config.ts";
import type { CgroupStats } from "./cgroup_stats.ts";

export type { Resources };

/** The key of the cgroup2 directory in {@link CgroupRecord.dirs}. */
export const UNIFIED = "unified";

export interface CgroupRecord {
  /** 2: the unified layout; 1: v1 hierarchies (with `dirs.unified` on a hybrid host) */
  version: 1 | 2;
  /** the container's cgroup directory by v1 subsystem (`memory`, `name=systemd`, ...) and `unified` */
  dirs: Record<string, string>;
  /** mount point of the cgroup2 hierarchy holding `dirs.unified` */
  unifiedMount?: string;
  /** the directories rongqi made for the container, parents first: only these are removed */
  created: string[];
  /** the resources in force (create's, changed by update) */
  resources?: Resources;
}

export type FreezerState = "thawed" | "freezing" | "frozen";

export interface ApplyOptions {
  /** changing a running container (`update`) rather than creating one */
  update: boolean;
  /** reports something the user should know that is not an error */
  warn: (message: string) => void;
}

/** One controller of one cgroup version. */
export interface Controller {
  /** v1 subsystem or v2 controller name */
  readonly name: string;
  /** the first field of `r` this controller would apply (for errors), or undefined */
  requested(r: Resources): string | undefined;
  apply(dir: string, r: Resources, opts: ApplyOptions): void;
  /** adds what the controller knows to `out` (files that do not exist are skipped) */
  stats(dir: string, out: CgroupStats): void;
}

/** A container's cgroup, whatever the cgroup version. */
export interface CgroupManager {
  readonly record: CgroupRecord;
  /** makes the directories that do not exist yet (noting them in `record.created`) */
  create(): void;
  /** moves a process (and its threads) into the cgroup */
  addProcess(pid: number): void;
  /** writes the resources (at create, or a change at update) */
  apply(resources: Resources, opts: ApplyOptions): void;
  freeze(): void;
  thaw(): void;
  freezerState(): FreezerState;
  stats(): CgroupStats;
  /** every process in the cgroup and its descendant cgroups */
  pids(): number[];
  /** sends `signal` to every process in the cgroup (SIGKILL through cgroup.kill where there is one) */
  signalAll(signal: number): void;
  /** removes the directories rongqi made; waits a little for exiting processes */
  destroy(): void;
}
