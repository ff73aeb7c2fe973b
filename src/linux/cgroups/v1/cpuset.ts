/**
 * cgroup v1 cpuset controller: cpus (cpuset.cpus) and mems (cpuset.mems).
 * A new v1 cpuset starts with no CPUs and no memory nodes, and no process
 * can join it then: {@link prepareCpuset} fills the empty ones on the way
 * down from the hierarchy root with their parent's values.
 *
 * @example
 * ```ts
 * prepareCpuset("/sys/fs/cgroup/cpuset/rongqi/web");
 * cpusetV1.apply("/sys/fs/cgroup/cpuset/rongqi/web", { cpu: { cpus: "0" } }, opts);
 * ```
 */
import { dirname } from "node:path";
import { cgroupFileExists, readCgroupFileIfExists, readNumber, writeCgroupFile } from "../_files.ts";
import { parseCpuList } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.cpu";

/** Copies cpuset.cpus and cpuset.mems from parent to child where the child's are empty, from the hierarchy root down to `dir`. */
export function prepareCpuset(dir: string): void {
  const chain: string[] = [];
  for (let d = dir; cgroupFileExists(d, "cpuset.cpus") && d !== dirname(d); d = dirname(d)) chain.unshift(d);
  for (const d of chain.slice(1)) {
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      if ((readCgroupFileIfExists(d, file) ?? "").trim() !== "") continue;
      const parent = readCgroupFileIfExists(dirname(d), file) ?? "";
      writeCgroupFile(d, file, parent.trim(), `cgroup ${d} (copying ${file} from its parent)`);
    }
  }
}

export const cpusetV1: Controller = {
  name: "cpuset",
  requested: (r) => (r.cpu?.cpus !== undefined ? `${F}.cpus` : r.cpu?.mems !== undefined ? `${F}.mems` : undefined),
  apply(dir, r) {
    if (r.cpu?.cpus !== undefined && r.cpu.cpus !== "") writeCgroupFile(dir, "cpuset.cpus", r.cpu.cpus, `${F}.cpus`);
    if (r.cpu?.mems !== undefined && r.cpu.mems !== "") writeCgroupFile(dir, "cpuset.mems", r.cpu.mems, `${F}.mems`);
  },
  stats(dir, out) {
    const n = (f: string) => readNumber(dir, f) ?? 0;
    out.cpuset = {
      cpus: parseCpuList(readCgroupFileIfExists(dir, "cpuset.cpus")),
      mems: parseCpuList(readCgroupFileIfExists(dir, "cpuset.mems")),
      cpuExclusive: n("cpuset.cpu_exclusive"),
      memHardwall: n("cpuset.mem_hardwall"),
      memExclusive: n("cpuset.mem_exclusive"),
      memoryMigrate: n("cpuset.memory_migrate"),
      memorySpreadPage: n("cpuset.memory_spread_page"),
      memorySpreadSlab: n("cpuset.memory_spread_slab"),
      memoryPressure: n("cpuset.memory_pressure"),
      schedLoadBalance: n("cpuset.sched_load_balance"),
      schedRelaxDomainLevel: n("cpuset.sched_relax_domain_level"),
    };
  },
};
