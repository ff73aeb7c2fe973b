/**
 * The cgroup v1 driver: one directory per hierarchy (every hierarchy the
 * host mounts is joined, named ones too), and on a hybrid host the cgroup2
 * directory as well, which brings cgroup.kill and the controllers only v2
 * has (hugetlb on hosts that mount no v1 hugetlb hierarchy) and takes
 * `unified` keys. A resource whose controller the host does not mount is
 * an error naming the field.
 *
 * @example
 * ```ts
 * const m = v1Manager(planCgroup({ id: "web" }));
 * m.create(); m.apply({ memory: { limit: 64 << 20 } }, opts); m.addProcess(pid);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, writeCgroupFile } from "../_files.ts";
import { emptyStats } from "../cgroup_stats.ts";
import { makeCgroupDir, removeCreated, signalPids, subtreePids } from "../_tree.ts";
import { UNIFIED, type CgroupManager, type CgroupRecord, type Controller } from "../types.ts";
import { requireController } from "../v2/_controllers.ts";
import { freezerStateV2, freezeV2, thawV2 } from "../v2/freeze.ts";
import { hugetlbV2 } from "../v2/hugetlb.ts";
import { applyUnified } from "../v2/unified.ts";
import { blkioV1 } from "./blkio.ts";
import { cpuV1 } from "./cpu.ts";
import { cpuacctV1 } from "./cpuacct.ts";
import { cpusetV1, prepareCpuset } from "./cpuset.ts";
import { devicesV1 } from "./devices.ts";
import { freezerStateV1, freezeV1, thawV1 } from "./freezer.ts";
import { hugetlbV1 } from "./hugetlb.ts";
import { memoryV1 } from "./memory.ts";
import { netClsV1 } from "./net_cls.ts";
import { netPrioV1 } from "./net_prio.ts";
import { pidsV1 } from "./pids.ts";
import { rdmaV1 } from "./rdma.ts";

/** In the order they are applied. */
export const V1_CONTROLLERS: readonly Controller[] = [
  cpusetV1, cpuV1, cpuacctV1, memoryV1, pidsV1, blkioV1, hugetlbV1, netClsV1, netPrioV1, devicesV1, rdmaV1,
];

const SIGKILL = 9;

export function v1Manager(record: CgroupRecord): CgroupManager {
  const dirs = record.dirs;
  const unified = dirs[UNIFIED];
  const allDirs = () => [...new Set(Object.values(dirs))];
  /** where the processes are listed: the hybrid cgroup2 directory, else any hierarchy's */
  const procsDir = () => unified ?? dirs["pids"] ?? dirs["freezer"] ?? dirs["memory"] ?? allDirs()[0];
  const m: CgroupManager = {
    record,
    create() {
      for (const d of allDirs()) record.created.push(...makeCgroupDir(d));
      if (dirs["cpuset"]) prepareCpuset(dirs["cpuset"]);
    },
    addProcess(pid) {
      for (const d of allDirs()) writeCgroupFile(d, "cgroup.procs", String(pid), `join ${d}`);
    },
    apply(r, opts) {
      for (const c of V1_CONTROLLERS) {
        const dir = dirs[c.name];
        if (dir) {
          c.apply(dir, r, opts);
          continue;
        }
        const field = c.requested(r);
        if (!field) continue;
        if (c === hugetlbV1 && unified && record.unifiedMount) {
          requireController(record.unifiedMount, unified, "hugetlb", field);
          hugetlbV2.apply(unified, r, opts);
          continue;
        }
        throw new RongqiError(`${field}: this host mounts no cgroup v1 ${c.name} hierarchy`);
      }
      if (r.unified && Object.keys(r.unified).length) {
        if (!unified || !record.unifiedMount) {
          throw new RongqiError("linux.resources.unified: cgroup v2 files cannot be set on this host, which has only cgroup v1 hierarchies");
        }
        applyUnified(record.unifiedMount, unified, r.unified);
      }
    },
    freeze() {
      if (dirs["freezer"]) freezeV1(dirs["freezer"]);
      else if (unified) freezeV2(unified);
      else throw new RongqiError("pause: this host mounts no cgroup v1 freezer hierarchy");
    },
    thaw() {
      if (dirs["freezer"]) thawV1(dirs["freezer"]);
      else if (unified) thawV2(unified);
      else throw new RongqiError("resume: this host mounts no cgroup v1 freezer hierarchy");
    },
    freezerState() {
      if (dirs["freezer"]) return freezerStateV1(dirs["freezer"]);
      return unified ? freezerStateV2(unified) : "thawed";
    },
    stats() {
      const s = emptyStats();
      for (const c of V1_CONTROLLERS) {
        const dir = dirs[c.name];
        if (dir) c.stats(dir, s);
      }
      if (!dirs["hugetlb"] && unified) hugetlbV2.stats(unified, s);
      return s;
    },
    pids() {
      const d = procsDir();
      return d ? subtreePids(d).sort((a, b) => a - b) : [];
    },
    signalAll(signal) {
      const canFreeze = dirs["freezer"] !== undefined || unified !== undefined;
      const wasFrozen = m.freezerState() !== "thawed";
      if (signal === SIGKILL && unified && cgroupFileExists(unified, "cgroup.kill")) {
        writeCgroupFile(unified, "cgroup.kill", "1", "kill every process of the container");
      } else {
        // Frozen, no process can fork a new one that would miss the signal.
        if (canFreeze && !wasFrozen) m.freeze();
        try {
          signalPids(m.pids(), signal);
        } finally {
          if (canFreeze && !wasFrozen) m.thaw();
        }
      }
      // A process stopped by the v1 freezer only dies once thawed.
      if (signal === SIGKILL && wasFrozen) m.thaw();
    },
    destroy() {
      removeCreated(record.created, new Set(allDirs()));
    },
  };
  return m;
}
