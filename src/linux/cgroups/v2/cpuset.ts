/**
 * cgroup v2 cpuset controller: cpus (cpuset.cpus) and mems (cpuset.mems).
 *
 * @example
 * ```ts
 * cpusetV2.apply("/sys/fs/cgroup/rongqi/web", { cpu: { cpus: "0-1", mems: "0" } }, opts);
 * ```
 */
import { readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { parseCpuList } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.cpu";

export const cpusetV2: Controller = {
  name: "cpuset",
  requested: (r) => (r.cpu?.cpus ? `${F}.cpus` : r.cpu?.mems ? `${F}.mems` : undefined),
  apply(dir, r) {
    if (r.cpu?.cpus) writeCgroupFile(dir, "cpuset.cpus", r.cpu.cpus, `${F}.cpus`);
    if (r.cpu?.mems) writeCgroupFile(dir, "cpuset.mems", r.cpu.mems, `${F}.mems`);
  },
  stats(dir, out) {
    out.cpuset.cpus = parseCpuList(readCgroupFileIfExists(dir, "cpuset.cpus.effective"));
    out.cpuset.mems = parseCpuList(readCgroupFileIfExists(dir, "cpuset.mems.effective"));
  },
};
