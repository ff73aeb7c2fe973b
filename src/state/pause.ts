/**
 * `pause` and the shared check behind `resume`: freezes every process of a
 * created or running container through its cgroup's freezer (v1
 * freezer.state, v2 cgroup.freeze). The state then reads `paused` until
 * `resume`.
 *
 * @example
 * ```ts
 * pause({ root: "/run/rongqi", id: "web" });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { cgroupManager, type CgroupManager } from "../linux/cgroups/cgroup_manager.ts";
import { containerStatus, readRecord, type ContainerRecord, type ContainerStatus } from "./container_record.ts";
import { lockContainer } from "./lock_container.ts";
import { validateId } from "./validate_id.ts";

/** Reads the container under its lock and hands its status and cgroup manager to `f`. */
export function withContainerCgroup<T>(
  opts: { root: string; id: string },
  what: string,
  f: (m: CgroupManager, status: ContainerStatus, record: ContainerRecord) => T,
): T {
  validateId(opts.id);
  const lock = lockContainer(opts.root, opts.id);
  try {
    const record = readRecord(opts.root, opts.id);
    const status = containerStatus(record);
    if (!record.cgroup) {
      throw new RongqiError(`cannot ${what} container "${opts.id}": it has no cgroup (it was created rootless without cgroup access)`);
    }
    return f(cgroupManager(record.cgroup), status, record);
  } finally {
    lock.release();
  }
}

export function pause(opts: { root: string; id: string }): void {
  withContainerCgroup(opts, "pause", (m, status) => {
    if (status === "paused" || (status === "created" && m.freezerState() !== "thawed")) {
      throw new RongqiError(`cannot pause container "${opts.id}": it is already paused`);
    }
    if (status !== "running" && status !== "created") throw new RongqiError(`cannot pause container "${opts.id}": it is ${status}`);
    m.freeze();
  });
}
