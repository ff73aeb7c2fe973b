/**
 * cgroup v2 hugetlb controller: hugepageLimits, written to
 * hugetlb.<size>.rsvd.max (reservation accounting, which the spec prefers)
 * when the kernel has it, and to hugetlb.<size>.max (page faults).
 *
 * @example
 * ```ts
 * hugetlbV2.apply("/sys/fs/cgroup/rongqi/web", { hugepageLimits: [{ pageSize: "2MB", limit: 4194304 }] }, opts);
 * ```
 */
import { cgroupFileExists, parseKeyValues, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter } from "../cgroup_stats.ts";
import { hostHugepageSizes, hugepageFileSize } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.hugepageLimits";

export const hugetlbV2: Controller = {
  name: "hugetlb",
  requested: (r) => (r.hugepageLimits?.length ? F : undefined),
  apply(dir, r) {
    (r.hugepageLimits ?? []).forEach((h, i) => {
      const field = `${F}[${i}]`;
      const size = hugepageFileSize(h.pageSize, `${field}.pageSize`);
      writeCgroupFile(dir, `hugetlb.${size}.max`, String(h.limit), `${field}.limit`);
      if (cgroupFileExists(dir, `hugetlb.${size}.rsvd.max`)) writeCgroupFile(dir, `hugetlb.${size}.rsvd.max`, String(h.limit), `${field}.limit`);
    });
  },
  stats(dir, out) {
    for (const size of hostHugepageSizes()) {
      if (!cgroupFileExists(dir, `hugetlb.${size}.current`)) continue;
      out.hugetlb[size] = {
        usage: counter(readCgroupFileIfExists(dir, `hugetlb.${size}.current`)),
        max: 0,
        failcnt: parseKeyValues(readCgroupFileIfExists(dir, `hugetlb.${size}.events`))["max"] ?? 0,
      };
    }
  },
};
