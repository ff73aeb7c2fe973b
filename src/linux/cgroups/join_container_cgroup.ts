/**
 * Moves a process into a container's cgroup, for `exec`: an exec'd
 * process belongs with the container's other processes (limits,
 * statistics, pause, kill --all). A paused container refuses: the process
 * would freeze on arrival.
 *
 * @example
 * ```ts
 * joinContainerCgroup(record, execHelperPid);
 * ```
 */
import { RongqiError } from "../../errors.ts";
import { cgroupManager } from "./cgroup_manager.ts";
import type { CgroupRecord } from "./types.ts";

export function joinContainerCgroup(record: { id: string; cgroup?: CgroupRecord }, pid: number): void {
  if (!record.cgroup) return;
  const m = cgroupManager(record.cgroup);
  if (m.freezerState() !== "thawed") throw new RongqiError(`container "${record.id}" is paused: resume it first`);
  m.addProcess(pid);
}
