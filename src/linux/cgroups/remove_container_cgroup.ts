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
import { rmdirSync } from "node:fs";
import { basename, dirname } from "node:path";
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
  removeEmptyDefaultParents(Object.values(record.cgroup.dirs));
}

/** `/rongqi` or `/rongqi-<hash>`: the parents defaultCgroupsPath() puts containers in. */
const DEFAULT_PARENT_NAME = /^rongqi(-[0-9a-f]{8})?$/;

/**
 * The default parent of a container's cgroup is shared by the containers of
 * one state root: the last one to go removes it. rmdir only ever removes an
 * empty cgroup, so a parent still holding a container stays.
 */
function removeEmptyDefaultParents(dirs: readonly string[]): void {
  for (const dir of dirs) {
    const parent = dirname(dir);
    if (!DEFAULT_PARENT_NAME.test(basename(parent))) continue;
    try {
      rmdirSync(parent);
    } catch {
      // still in use (ENOTEMPTY/EBUSY), or already gone
    }
  }
}
