/**
 * The cgroup v2 driver: one directory in the unified hierarchy. At create
 * the controllers the hierarchy offers are enabled down to the container's
 * cgroup (those that cannot be are left out, and become an error only when
 * a resource needs them); processes join through cgroup.procs; pause uses
 * cgroup.freeze; SIGKILL for every process goes through cgroup.kill.
 *
 * @example
 * ```ts
 * const m = v2Manager({ version: 2, dirs: { unified: "/sys/fs/cgroup/rongqi/web" }, unifiedMount: "/sys/fs/cgroup", created: [] });
 * m.create(); m.apply({ pids: { limit: 10 } }, opts); m.addProcess(pid);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, writeCgroupFile } from "../_files.ts";
import { emptyStats } from "../cgroup_stats.ts";
import { makeCgroupDir, removeCreated, signalPids, subtreePids } from "../_tree.ts";
import { UNIFIED, type CgroupManager, type CgroupRecord, type Controller } from "../types.ts";
import { availableControllers, enableControllers, requireController } from "./_controllers.ts";
import { cpuV2 } from "./cpu.ts";
import { cpusetV2 } from "./cpuset.ts";
import { devicesV2 } from "./devices.ts";
import { freezerStateV2, freezeV2, thawV2 } from "./freeze.ts";
import { hugetlbV2 } from "./hugetlb.ts";
import { ioV2 } from "./io.ts";
import { memoryV2 } from "./memory.ts";
import { networkV2 } from "./network.ts";
import { pidsV2 } from "./pids.ts";
import { rdmaV2 } from "./rdma.ts";
import { applyUnified } from "./unified.ts";

/** In the order they are applied; devices and network need no controller. */
export const V2_CONTROLLERS: readonly Controller[] = [cpusetV2, cpuV2, memoryV2, pidsV2, ioV2, hugetlbV2, rdmaV2, networkV2, devicesV2];
const NO_CONTROLLER = new Set(["devices", "network"]);

const SIGKILL = 9;

export function v2Manager(record: CgroupRecord): CgroupManager {
  const dir = record.dirs[UNIFIED];
  const mount = record.unifiedMount;
  if (!dir || !mount) throw new RongqiError("cgroup: the container's record has no cgroup v2 directory");
  const m: CgroupManager = {
    record,
    create() {
      record.created.push(...makeCgroupDir(dir));
      // every controller the hierarchy offers, for statistics and later updates
      enableControllers(mount, dir, availableControllers(mount));
    },
    addProcess(pid) {
      writeCgroupFile(dir, "cgroup.procs", String(pid), `join ${dir}`);
    },
    apply(r, opts) {
      for (const c of V2_CONTROLLERS) {
        const field = c.requested(r);
        if (field && !NO_CONTROLLER.has(c.name)) requireController(mount, dir, c.name, field);
        c.apply(dir, r, opts);
      }
      applyUnified(mount, dir, r.unified);
    },
    freeze: () => freezeV2(dir),
    thaw: () => thawV2(dir),
    freezerState: () => freezerStateV2(dir),
    stats() {
      const s = emptyStats();
      for (const c of V2_CONTROLLERS) c.stats(dir, s);
      return s;
    },
    pids: () => subtreePids(dir).sort((a, b) => a - b),
    signalAll(signal) {
      if (signal === SIGKILL && cgroupFileExists(dir, "cgroup.kill")) {
        writeCgroupFile(dir, "cgroup.kill", "1", "kill every process of the container");
        return;
      }
      // Frozen, no process can fork a new one that would miss the signal.
      const wasFrozen = m.freezerState() !== "thawed";
      if (!wasFrozen) m.freeze();
      try {
        signalPids(m.pids(), signal);
      } finally {
        if (!wasFrozen) m.thaw();
      }
    },
    destroy() {
      removeCreated(record.created, new Set([dir]));
    },
  };
  return m;
}
