/**
 * cgroup v2 rdma controller: rdma limits in rdma.max, the same file and
 * format as v1's.
 *
 * @example
 * ```ts
 * rdmaV2.apply("/sys/fs/cgroup/rongqi/web", { rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 1000 } } }, opts);
 * ```
 */
import type { Controller } from "../types.ts";
import { applyRdma } from "../v1/rdma.ts";

export const rdmaV2: Controller = {
  name: "rdma",
  requested: (r) => (Object.keys(r.rdma ?? {}).length ? "linux.resources.rdma" : undefined),
  apply: (dir, r) => applyRdma(dir, r),
  stats() {},
};
