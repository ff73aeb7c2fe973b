/**
 * cgroup v1 hugetlb controller: hugepageLimits, written to
 * hugetlb.<size>.rsvd.limit_in_bytes (reservation accounting, which the
 * spec prefers) when the kernel has it, and to
 * hugetlb.<size>.limit_in_bytes (page fault accounting).
 *
 * @example
 * ```ts
 * hugetlbV1.apply("/sys/fs/cgroup/hugetlb/rongqi/web", { hugepageLimits: [{ pageSize: "2MB", limit: 4194304 }] }, opts);
 * ```
 */
import { cgroupFileExists, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter } from "../cgroup_stats.ts";
import { hostHugepageSizes, hugepageFileSize } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.hugepageLimits";

export const hugetlbV1: Controller = {
  name: "hugetlb",
  requested: (r) => (r.hugepageLimits?.length ? F : undefined),
  apply(dir, r) {
    (r.hugepageLimits ?? []).forEach((h, i) => {
      const field = `${F}[${i}]`;
      const size = hugepageFileSize(h.pageSize, `${field}.pageSize`);
      writeCgroupFile(dir, `hugetlb.${size}.limit_in_bytes`, String(h.limit), `${field}.limit`);
      if (cgroupFileExists(dir, `hugetlb.${size}.rsvd.limit_in_bytes`)) {
        writeCgroupFile(dir, `hugetlb.${size}.rsvd.limit_in_bytes`, String(h.limit), `${field}.limit`);
      }
    });
  },
  stats(dir, out) {
    for (const size of hostHugepageSizes()) {
      if (!cgroupFileExists(dir, `hugetlb.${size}.usage_in_bytes`)) continue;
      out.hugetlb[size] = {
        usage: counter(readCgroupFileIfExists(dir, `hugetlb.${size}.usage_in_bytes`)),
        max: counter(readCgroupFileIfExists(dir, `hugetlb.${size}.max_usage_in_bytes`)),
        failcnt: counter(readCgroupFileIfExists(dir, `hugetlb.${size}.failcnt`)),
      };
    }
  },
};
