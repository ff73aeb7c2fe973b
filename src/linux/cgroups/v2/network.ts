/**
 * linux.resources.network on cgroup v2: net_cls and net_prio are v1-only
 * controllers (v2 classifies traffic with eBPF instead), so a classID or
 * priorities cannot be applied and are an error.
 *
 * @example
 * ```ts
 * networkV2.apply(dir, { network: { classID: 1 } }, opts); // throws
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import type { Controller } from "../types.ts";

export const networkV2: Controller = {
  name: "network",
  requested: (r) => (r.network?.classID !== undefined ? "linux.resources.network.classID"
    : r.network?.priorities?.length ? "linux.resources.network.priorities" : undefined),
  apply(_dir, r) {
    const field = networkV2.requested(r);
    if (field) throw new RongqiError(`${field}: cgroup v2 has no net_cls or net_prio controller`);
  },
  stats() {},
};
