/**
 * cgroup v1 rdma controller: rdma limits, one
 * `<device> hca_handle=N hca_object=M` line per device in rdma.max (a
 * field left out of the spec entry is left out of the line). The v2
 * controller has the same file.
 *
 * @example
 * ```ts
 * rdmaV1.apply("/sys/fs/cgroup/rdma/rongqi/web", { rdma: { mlx5_1: { hcaHandles: 3 } } }, opts);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { writeCgroupFile } from "../_files.ts";
import type { Controller, Resources } from "../types.ts";

const F = "linux.resources.rdma";

/** Writes the rdma.max lines (shared by both versions: the file is the same). */
export function applyRdma(dir: string, r: Resources): void {
  for (const [device, limit] of Object.entries(r.rdma ?? {})) {
    const parts = [device];
    if (limit.hcaHandles !== undefined) parts.push(`hca_handle=${limit.hcaHandles}`);
    if (limit.hcaObjects !== undefined) parts.push(`hca_object=${limit.hcaObjects}`);
    if (parts.length === 1) throw new RongqiError(`${F}.${device}: needs hcaHandles or hcaObjects`);
    writeCgroupFile(dir, "rdma.max", parts.join(" "), `${F}.${device}`);
  }
}

export const rdmaV1: Controller = {
  name: "rdma",
  requested: (r) => (Object.keys(r.rdma ?? {}).length ? F : undefined),
  apply: (dir, r) => applyRdma(dir, r),
  stats() {},
};
