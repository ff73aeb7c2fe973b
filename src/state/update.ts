/**
 * `update`: changes the resource limits of a created, running or paused
 * container. The change (a linux.resources document, and/or runc's flags
 * turned into one by {@link resourcesFromFlags}) is merged into the
 * resources in force, checked as config.json's would be, applied to the
 * cgroup, and kept in the container's record (so a later update merges
 * into it). Device rules cannot be changed on a running container.
 *
 * @example
 * ```ts
 * update({ root: "/run/rongqi", id: "web", resources: { memory: { limit: 128 << 20 }, pids: { limit: 50 } } });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { log } from "../log.ts";
import { checkCgroupResources } from "../spec/semantic/cgroup_resources.ts";
import type { Config, Resources } from "../spec/types/config.ts";
import { validateConfig } from "../spec/validate_config.ts";
import { ValidationError } from "../spec/validation_error.ts";
import { SPEC_VERSION } from "../version.ts";
import { writeRecord } from "./container_record.ts";
import { withContainerCgroup } from "./pause.ts";

/** runc update's flags, as given on the command line. */
export interface UpdateFlags {
  "blkio-weight"?: string;
  "cpu-period"?: string;
  "cpu-quota"?: string;
  "cpu-burst"?: string;
  "cpu-share"?: string;
  "cpu-rt-period"?: string;
  "cpu-rt-runtime"?: string;
  "cpu-idle"?: string;
  "cpuset-cpus"?: string;
  "cpuset-mems"?: string;
  memory?: string;
  "memory-reservation"?: string;
  "memory-swap"?: string;
  "kernel-memory"?: string;
  "kernel-memory-tcp"?: string;
  "pids-limit"?: string;
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** A size as runc (docker's units.RAMInBytes) reads it: 512m, 1.5g, 1024, 2GiB; "-1" is unlimited. */
export function parseSize(text: string, flag: string): number {
  if (text.trim() === "-1") return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new RongqiError(`--${flag}: "${text}" is not a size (a number of bytes, optionally with k, m, g, t or p; or -1)`);
  return Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

function parseInteger(text: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new RongqiError(`--${flag}: "${text}" is not an integer${min === 0 ? " >= 0" : min === -1 ? " >= -1" : ""}`);
  }
  return Number(text);
}

/** The flags as a linux.resources change (what runc's update flags set). */
export function resourcesFromFlags(f: UpdateFlags): Resources {
  const r: Resources = {};
  const memory = (r.memory ??= {});
  if (f.memory !== undefined) memory.limit = parseSize(f.memory, "memory");
  if (f["memory-reservation"] !== undefined) memory.reservation = parseSize(f["memory-reservation"], "memory-reservation");
  if (f["memory-swap"] !== undefined) memory.swap = parseSize(f["memory-swap"], "memory-swap");
  if (f["kernel-memory"] !== undefined) memory.kernel = parseSize(f["kernel-memory"], "kernel-memory");
  if (f["kernel-memory-tcp"] !== undefined) memory.kernelTCP = parseSize(f["kernel-memory-tcp"], "kernel-memory-tcp");
  const cpu = (r.cpu ??= {});
  if (f["cpu-share"] !== undefined) cpu.shares = parseInteger(f["cpu-share"], "cpu-share", 0);
  if (f["cpu-period"] !== undefined) cpu.period = parseInteger(f["cpu-period"], "cpu-period", 0);
  if (f["cpu-quota"] !== undefined) cpu.quota = parseInteger(f["cpu-quota"], "cpu-quota", -1);
  if (f["cpu-burst"] !== undefined) cpu.burst = parseInteger(f["cpu-burst"], "cpu-burst", 0);
  if (f["cpu-rt-period"] !== undefined) cpu.realtimePeriod = parseInteger(f["cpu-rt-period"], "cpu-rt-period", 0);
  if (f["cpu-rt-runtime"] !== undefined) cpu.realtimeRuntime = parseInteger(f["cpu-rt-runtime"], "cpu-rt-runtime", -1);
  if (f["cpu-idle"] !== undefined) cpu.idle = parseInteger(f["cpu-idle"], "cpu-idle", 0);
  if (f["cpuset-cpus"] !== undefined) cpu.cpus = f["cpuset-cpus"];
  if (f["cpuset-mems"] !== undefined) cpu.mems = f["cpuset-mems"];
  if (f["pids-limit"] !== undefined) r.pids = { limit: parseInteger(f["pids-limit"], "pids-limit", -1) };
  if (f["blkio-weight"] !== undefined) r.blockIO = { weight: parseInteger(f["blkio-weight"], "blkio-weight", 0) };
  if (!Object.keys(memory).length) delete r.memory;
  if (!Object.keys(cpu).length) delete r.cpu;
  return r;
}

/** `change` over `base`: objects merge field by field (rdma and unified key by key), lists replace. */
export function mergeResources(base: Resources, change: Resources): Resources {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(change)) {
    const old = out[k];
    const isObject = (x: unknown) => x !== null && typeof x === "object" && !Array.isArray(x);
    out[k] = isObject(old) && isObject(v) ? { ...(old as object), ...(v as object) } : v;
  }
  return out as Resources;
}

/** Checks a resources document as config.json's linux.resources would be. */
function checkResources(resources: unknown, file: string): void {
  const config = { ociVersion: SPEC_VERSION, root: { path: "rootfs" }, linux: { resources } };
  const problems = validateConfig(config);
  if (!problems.length) problems.push(...checkCgroupResources(config as Config));
  if (problems.length) {
    throw new ValidationError(file, problems.map((p) => ({ ...p, pointer: p.pointer.replace(/^\/linux\/resources/, "") || "/" })));
  }
}

export interface UpdateOptions {
  root: string;
  id: string;
  /** the change */
  resources: Resources;
  /** names the change's source in errors (e.g. the --resources file) */
  source?: string;
}

export function update(opts: UpdateOptions): Resources {
  const source = opts.source ?? "resources";
  checkResources(opts.resources, source);
  if (opts.resources.devices !== undefined) {
    throw new RongqiError(`${source}: devices: device rules of an existing container cannot be changed by update`);
  }
  return withContainerCgroup(opts, "update", (m, status, record) => {
    if (status === "stopped") throw new RongqiError(`cannot update container "${opts.id}": it is stopped`);
    const merged = mergeResources(record.cgroup!.resources ?? {}, opts.resources);
    checkResources(merged, `${source} (merged with the resources in force)`);
    const { devices: _unchanged, ...apply } = merged;
    m.apply(apply, { update: true, warn: (msg) => log.warn(msg) });
    record.cgroup!.resources = merged;
    writeRecord(opts.root, record);
    return merged;
  });
}
