/**
 * `kill --all`: a signal to every process in the container's cgroup,
 * however they got there (including containers that share the host's pid
 * namespace, whose processes cannot be found by namespace). SIGKILL goes
 * through cgroup.kill when the kernel has it; other signals are sent with
 * the cgroup frozen, so no process forks past them. A paused container
 * stays paused, except after SIGKILL: its processes are thawed so they die.
 *
 * @example
 * ```ts
 * signalContainerCgroup(record, 15); // SIGTERM to every process
 * ```
 */
import { cgroupManager } from "./cgroup_manager.ts";
import type { CgroupRecord } from "./types.ts";

export function signalContainerCgroup(record: { cgroup?: CgroupRecord }, signal: number): void {
  if (record.cgroup) cgroupManager(record.cgroup).signalAll(signal);
}

/** The pids in the container's cgroup, or undefined when it has none. */
export function containerCgroupPids(record: { cgroup?: CgroupRecord }): number[] | undefined {
  return record.cgroup ? cgroupManager(record.cgroup).pids() : undefined;
}

/** After SIGKILL to a paused container's process: thaw, so that it can die (as runc does). */
export function thawAfterKill(record: { cgroup?: CgroupRecord }, signal: number): void {
  if (!record.cgroup || signal !== 9) return;
  const m = cgroupManager(record.cgroup);
  if (m.freezerState() !== "thawed") m.thaw();
}
