/**
 * `delete`'s part: every process still in the container's cgroup is
 * killed (a paused container is thawed so they can die), then the
 * directories rongqi made are removed, and only those: a cgroupsPath that
 * existed before the container is left in place.
 *
 * @example
 * ```ts
 * removeContainerCgroup(record);
 * ```
 */
import { RongqiError } from "../../errors.ts";
import { cgroupManager } from "./cgroup_manager.ts";
import { sleep } from "./_tree.ts";
import type { CgroupRecord } from "./types.ts";

const SIGKILL = 9;

export function removeContainerCgroup(record: { id: string; cgroup?: CgroupRecord }, timeoutMs = 10_000): void {
  if (!record.cgroup) return;
  const m = cgroupManager(record.cgroup);
  if (m.pids().length) {
    m.signalAll(SIGKILL);
    const deadline = Date.now() + timeoutMs;
    while (m.pids().length) {
      if (Date.now() >= deadline) throw new RongqiError(`cannot delete container "${record.id}": processes ${m.pids().join(", ")} did not die`);
      sleep(2);
    }
  }
  m.destroy();
}
