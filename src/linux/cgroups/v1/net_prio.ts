/**
 * cgroup v1 net_prio controller: network.priorities, one
 * `<interface> <priority>` line per write to net_prio.ifpriomap. cgroup v2
 * has no equivalent.
 *
 * @example
 * ```ts
 * netPrioV1.apply("/sys/fs/cgroup/net_prio/rongqi/web", { network: { priorities: [{ name: "lo", priority: 5 }] } }, opts);
 * ```
 */
import { writeCgroupFile } from "../_files.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.network.priorities";

export const netPrioV1: Controller = {
  name: "net_prio",
  requested: (r) => (r.network?.priorities?.length ? F : undefined),
  apply(dir, r) {
    (r.network?.priorities ?? []).forEach((p, i) => writeCgroupFile(dir, "net_prio.ifpriomap", `${p.name} ${p.priority}`, `${F}[${i}]`));
  },
  stats() {},
};
