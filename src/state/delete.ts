/**
 * `delete`: removes a stopped container and everything its `create` made
 * (runtime.md "Delete"), then runs poststop hooks. A running container is
 * refused unless `force`, which kills it first; a created container is
 * killed and deleted, as runc does (containerd and Podman rely on it).
 * With `force`, a container that does not exist is not an error (runc).
 * The container's mounts live in its own mount namespace and go with its
 * last process.
 *
 * @example
 * ```ts
 * del({ root: "/run/rongqi", id: "web", force: true });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { log } from "../log.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { containerStatus, ociState, readRecord, recordPath } from "./container_record.ts";
import { runHooksWarn } from "./hooks.ts";
import { killAndReap } from "./_kill_and_reap.ts";
import { containerPids } from "./kill.ts";
import { lockContainer } from "./lock_container.ts";
import { processStartTime } from "./process_start_time.ts";
import { removeContainerDir } from "./remove_container_dir.ts";
import { validateId } from "./validate_id.ts";
import { faultPoint } from "./_fault.ts";
import { traced } from "../trace/span.ts";
import { removeContainerCgroup } from "../linux/cgroups/remove_container_cgroup.ts";

export function del(opts: { root: string; id: string; force?: boolean }): void {
  validateId(opts.id);
  // As runc: forcing the delete of a container that does not exist is not an
  // error (Podman and containerd call it after a failed create).
  if (opts.force && !existsSync(join(opts.root, opts.id))) return;
  const lock = traced("lock the container", () => lockContainer(opts.root, opts.id), { cat: "state" });
  try {
    if (!existsSync(recordPath(opts.root, opts.id))) {
      // A create killed before it wrote any state: nothing ran; remove what it left.
      removeContainerDir(opts.root, opts.id);
      return;
    }
    const record = traced("read state.json", () => readRecord(opts.root, opts.id), { cat: "state" });
    const status = traced("check the process", () => containerStatus(record), { cat: "state" });
    if ((status === "running" || status === "paused") && !opts.force) {
      throw new RongqiError(`cannot delete container "${opts.id}" that is ${status}: stop it first or use --force`);
    }
    // The cgroup holds every process, however started (a paused one is thawed to die); then its directories go.
    faultPoint("delete:locked");
    traced("kill what is left in the cgroup and remove it", () => removeContainerCgroup(record), { cat: "process" });
    faultPoint("delete:cgroup");
    if (status !== "stopped") {
      // Every process, not only init: a container sharing the host pid
      // namespace keeps running children otherwise.
      for (const pid of containerPids(record).reverse()) {
        const start = pid === record.pid ? record.pidStartTime : String(processStartTime(pid) ?? "");
        if (start && !traced(`kill and reap pid ${pid}`, () => killAndReap(pid, start), { cat: "process" })) throw new RongqiError(`cannot delete container "${opts.id}": process ${pid} did not die`);
      }
    }
    faultPoint("delete:killed");
    const hooks = record.config["hooks"] as Record<string, never> | undefined;
    runHooksWarn(hooks?.["poststop"], "poststop", ociState(record, "stopped"), (m) => log.warn(m));
    faultPoint("delete:hooks");
    traced("remove the state directory", () => removeContainerDir(opts.root, opts.id), { cat: "state" });
  } finally {
    lock.release();
  }
}
