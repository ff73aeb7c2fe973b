/**
 * cgroup v2 io controller: blockIO weight and weightDevice (io.bfq.weight
 * when the BFQ scheduler offers it, which takes blkio's 1..1000 range as
 * is; else io.weight, converted), and the throttle lists as io.max lines
 * (`MAJ:MIN rbps=N`, 0 meaning no limit). leafWeight has no v2 equivalent.
 *
 * @example
 * ```ts
 * ioV2.apply("/sys/fs/cgroup/rongqi/web", { blockIO: { weight: 500 } }, opts); // io.weight "default 4950"
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { cgroupFileExists, readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";
import { counter, type BlkioEntry } from "../cgroup_stats.ts";
import { blkioWeightToIoWeight } from "../convert.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.blockIO";
const THROTTLES = [
  ["throttleReadBpsDevice", "rbps"],
  ["throttleWriteBpsDevice", "wbps"],
  ["throttleReadIOPSDevice", "riops"],
  ["throttleWriteIOPSDevice", "wiops"],
] as const;

function requested(r: Parameters<Controller["requested"]>[0]): string | undefined {
  const b = r.blockIO;
  if (!b) return undefined;
  if (b.weight !== undefined) return `${F}.weight`;
  if (b.weightDevice?.length) return `${F}.weightDevice`;
  const t = THROTTLES.find(([k]) => b[k]?.length);
  return t ? `${F}.${t[0]}` : undefined;
}

export const ioV2: Controller = {
  name: "io",
  requested,
  apply(dir, r) {
    const b = r.blockIO;
    if (!b) return;
    if (b.leafWeight !== undefined && b.leafWeight !== 0) throw new RongqiError(`${F}.leafWeight: cgroup v2 has no leaf weight`);
    const bfq = cgroupFileExists(dir, "io.bfq.weight");
    const weightLine = (target: string, w: number) => (bfq ? `${target} ${w}` : `${target} ${blkioWeightToIoWeight(w)}`);
    const weightFile = bfq ? "io.bfq.weight" : "io.weight";
    if (b.weight !== undefined && b.weight !== 0) writeCgroupFile(dir, weightFile, weightLine("default", b.weight), `${F}.weight`);
    (b.weightDevice ?? []).forEach((d, i) => {
      if (d.leafWeight !== undefined) throw new RongqiError(`${F}.weightDevice[${i}].leafWeight: cgroup v2 has no leaf weight`);
      if (d.weight !== undefined) writeCgroupFile(dir, weightFile, weightLine(`${d.major}:${d.minor}`, d.weight), `${F}.weightDevice[${i}]`);
    });
    for (const [key, name] of THROTTLES) {
      (b[key] ?? []).forEach((d, i) => {
        writeCgroupFile(dir, "io.max", `${d.major}:${d.minor} ${name}=${d.rate === 0 ? "max" : d.rate}`, `${F}.${key}[${i}]`);
      });
    }
  },
  stats(dir, out) {
    const bytes: BlkioEntry[] = [];
    const ios: BlkioEntry[] = [];
    for (const line of (readCgroupFileIfExists(dir, "io.stat") ?? "").split("\n")) {
      const [dev, ...pairs] = line.trim().split(/\s+/);
      const m = /^(\d+):(\d+)$/.exec(dev ?? "");
      if (!m) continue;
      const major = Number(m[1]);
      const minor = Number(m[2]);
      for (const pair of pairs) {
        const [k, v] = pair.split("=");
        const op = { rbytes: "Read", wbytes: "Write", rios: "Read", wios: "Write", dbytes: "Discard", dios: "Discard" }[k ?? ""];
        if (!op) continue;
        (k!.endsWith("bytes") ? bytes : ios).push({ major, minor, op, value: counter(v) });
      }
    }
    out.blkio.ioServiceBytesRecursive = bytes;
    out.blkio.ioServicedRecursive = ios;
  },
};
