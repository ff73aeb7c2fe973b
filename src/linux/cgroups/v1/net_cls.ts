/**
 * cgroup v1 net_cls controller: network.classID (net_cls.classid). cgroup
 * v2 has no equivalent.
 *
 * @example
 * ```ts
 * netClsV1.apply("/sys/fs/cgroup/net_cls/rongqi/web", { network: { classID: 0x100001 } }, opts);
 * ```
 */
import { writeCgroupFile } from "../_files.ts";
import type { Controller } from "../types.ts";

export const netClsV1: Controller = {
  name: "net_cls",
  requested: (r) => (r.network?.classID !== undefined ? "linux.resources.network.classID" : undefined),
  apply(dir, r) {
    if (r.network?.classID !== undefined) writeCgroupFile(dir, "net_cls.classid", String(r.network.classID), "linux.resources.network.classID");
  },
  stats() {},
};
