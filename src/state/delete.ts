/**
 * `delete`: removes a stopped container and everything its `create` made
 * (runtime.md "Delete"), then runs poststop hooks. A running container is
 * refused unless `force`, which kills it first; a created container is
 * killed and deleted, as runc does (containerd and Podman rely on it).
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
import { containerStatus, ociState, readRecord, recordPath } from "./container_record.ts";
import { runHooksWarn } from "./hooks.ts";
import { killAndReap } from "./_kill_and_reap.ts";
import { containerPids } from "./kill.ts";
import { lockContainer } from "./lock_container.ts";
import { processStartTime } from "./process_start_time.ts";
import { removeContainerDir } from "./remove_container_dir.ts";
import { validateId } from "./validate_id.ts";
import { faultPoint } from "./_fault.ts";

export function del(opts: { root: string; id: string; force?: boolean }): void {
  validateId(opts.id);
  const lock = lockContainer(opts.root, opts.id);
  try {
    if (!existsSync(recordPath(opts.root, opts.id))) {
      // A create killed before it wrote any state: nothing ran; remove what it left.
      removeContainerDir(opts.root, opts.id);
      return;
    }
    const record = readRecord(opts.root, opts.id);
    const status = containerStatus(record);
    if ((status === "running" || status === "paused") && !opts.force) {
      throw new RongqiError(`cannot delete container "${opts.id}" that is ${status}: stop it first or use --force`);
    }
    if (status !== "stopped") {
      // Every process, not only init: a container sharing the host pid
      // namespace keeps running children otherwise.
      for (const pid of containerPids(record).reverse()) {
        const start = pid === record.pid ? record.pidStartTime : String(processStartTime(pid) ?? "");
        if (start && !killAndReap(pid, start)) throw new RongqiError(`cannot delete container "${opts.id}": process ${pid} did not die`);
      }
    }
    faultPoint("delete:killed");
    const hooks = record.config["hooks"] as Record<string, never> | undefined;
    runHooksWarn(hooks?.["poststop"], "poststop", ociState(record, "stopped"), (m) => log.warn(m));
    removeContainerDir(opts.root, opts.id);
  } finally {
    lock.release();
  }
}
