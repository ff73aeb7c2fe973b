/**
 * cgroup v1 blkio controller: weight and weightDevice (blkio.weight*, or
 * the BFQ scheduler's blkio.bfq.weight* on kernels without CFQ, where the
 * same 10..1000 range applies), leafWeight (blkio.leaf_weight*, CFQ only)
 * and the four throttle lists (blkio.throttle.*_device).
 *
 * @example
 * ```ts
 * blkioV1.apply("/sys/fs/cgroup/blkio/rongqi/web", { blockIO: { weight: 500 } }, opts);
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter, type BlkioEntry } from "../cgroup_stats.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.blockIO";
const THROTTLES = [
  ["throttleReadBpsDevice", "blkio.throttle.read_bps_device"],
  ["throttleWriteBpsDevice", "blkio.throttle.write_bps_device"],
  ["throttleReadIOPSDevice", "blkio.throttle.read_iops_device"],
  ["throttleWriteIOPSDevice", "blkio.throttle.write_iops_device"],
] as const;

/** The first of the files that exists, or an error naming the field. */
function pick(dir: string, files: string[], field: string): string {
  const f = files.find((name) => cgroupFileExists(dir, name));
  if (!f) throw new RongqiError(`${field}: this kernel's blkio controller has none of ${files.join(", ")}`);
  return f;
}

function requested(r: Parameters<Controller["requested"]>[0]): string | undefined {
  const b = r.blockIO;
  if (!b) return undefined;
  if (b.weight !== undefined) return `${F}.weight`;
  if (b.leafWeight !== undefined) return `${F}.leafWeight`;
  if (b.weightDevice?.length) return `${F}.weightDevice`;
  const t = THROTTLES.find(([k]) => b[k]?.length);
  return t ? `${F}.${t[0]}` : undefined;
}

function entries(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const [dev, op, value] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? "");
    if (!m || op === undefined) continue;
    if (value === undefined) out.push({ major: Number(m[1]), minor: Number(m[2]), op: "", value: counter(op) });
    else out.push({ major: Number(m[1]), minor: Number(m[2]), op, value: counter(value) });
  }
  return out;
}

export const blkioV1: Controller = {
  name: "blkio",
  requested,
  apply(dir, r) {
    const b = r.blockIO;
    if (!b) return;
    if (b.weight !== undefined && b.weight !== 0) {
      writeCgroupFile(dir, pick(dir, ["blkio.weight", "blkio.bfq.weight"], `${F}.weight`), String(b.weight), `${F}.weight`);
    }
    if (b.leafWeight !== undefined && b.leafWeight !== 0) {
      writeCgroupFile(dir, pick(dir, ["blkio.leaf_weight"], `${F}.leafWeight`), String(b.leafWeight), `${F}.leafWeight`);
    }
    (b.weightDevice ?? []).forEach((d, i) => {
      const field = `${F}.weightDevice[${i}]`;
      if (d.weight !== undefined) {
        const file = pick(dir, ["blkio.weight_device", "blkio.bfq.weight_device"], `${field}.weight`);
        writeCgroupFile(dir, file, `${d.major}:${d.minor} ${d.weight}`, `${field}.weight`);
      }
      if (d.leafWeight !== undefined) {
        writeCgroupFile(dir, pick(dir, ["blkio.leaf_weight_device"], `${field}.leafWeight`), `${d.major}:${d.minor} ${d.leafWeight}`, `${field}.leafWeight`);
      }
    });
    for (const [key, file] of THROTTLES) {
      (b[key] ?? []).forEach((d, i) => writeCgroupFile(dir, file, `${d.major}:${d.minor} ${d.rate}`, `${F}.${key}[${i}]`));
    }
  },
  stats(dir, out) {
    // CFQ's files, else BFQ's, else the throttle layer's (always there).
    const prefix = ["blkio.", "blkio.bfq.", "blkio.throttle."].find((p) => (readCgroupFileIfExists(dir, `${p}io_serviced_recursive`) ?? "") !== "")
      ?? "blkio.throttle.";
    out.blkio.ioServiceBytesRecursive = entries(readCgroupFileIfExists(dir, `${prefix}io_service_bytes_recursive`));
    out.blkio.ioServicedRecursive = entries(readCgroupFileIfExists(dir, `${prefix}io_serviced_recursive`));
    if (prefix === "blkio.") {
      out.blkio.ioQueuedRecursive = entries(readCgroupFileIfExists(dir, "blkio.io_queued_recursive"));
      out.blkio.ioServiceTimeRecursive = entries(readCgroupFileIfExists(dir, "blkio.io_service_time_recursive"));
      out.blkio.ioWaitTimeRecursive = entries(readCgroupFileIfExists(dir, "blkio.io_wait_time_recursive"));
      out.blkio.ioMergedRecursive = entries(readCgroupFileIfExists(dir, "blkio.io_merged_recursive"));
      out.blkio.ioTimeRecursive = entries(readCgroupFileIfExists(dir, "blkio.time_recursive"));
      out.blkio.sectorsRecursive = entries(readCgroupFileIfExists(dir, "blkio.sectors_recursive"));
    }
  },
};
