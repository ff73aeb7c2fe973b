/**
 * cgroup v2 device access: linux.resources.devices compiled into an eBPF
 * program (device_program.ts) attached to the container's cgroup with
 * BPF_F_ALLOW_MULTI; device programs attached before (an earlier create or
 * update of the same cgroup) are detached once the new one is in place, so
 * there is no moment without a program.
 *
 * @example
 * ```ts
 * devicesV2.apply("/sys/fs/cgroup/rongqi/web", { devices: [{ allow: false, access: "rwm" }] }, opts);
 * ```
 */
import { closeSync, constants, openSync } from "node:fs";
import { SyscallError } from "../../../errors.ts";
import { errnoOf } from "../_files.ts";
import { containerDeviceRules, effectiveDevices } from "../device_rules.ts";
import type { Controller, Resources } from "../types.ts";
import { attachDeviceProgram, BPF_F_ALLOW_MULTI, detachDeviceProgram, loadDeviceProgram, programFdById, queryDevicePrograms } from "./_bpf.ts";
import { deviceProgram } from "./device_program.ts";

/** Attaches the program for `rules` to the cgroup at `dir`, replacing the device programs there. */
export function attachDeviceRules(dir: string, devices: Resources["devices"]): void {
  const rules = containerDeviceRules(devices);
  if (!rules.length) return;
  const insns = deviceProgram(effectiveDevices(rules));
  let cgroupFd: number;
  try {
    cgroupFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    throw new SyscallError({ syscall: "open", errno: errnoOf(err), path: dir, step: "linux.resources.devices" });
  }
  const progFd = loadDeviceProgram(insns);
  try {
    const before = queryDevicePrograms(cgroupFd, dir);
    attachDeviceProgram(cgroupFd, progFd, BPF_F_ALLOW_MULTI, dir);
    for (const id of before) {
      const old = programFdById(id);
      try {
        detachDeviceProgram(cgroupFd, old, dir);
      } finally {
        closeSync(old);
      }
    }
  } catch (err) {
    if (err instanceof SyscallError) err.message = `linux.resources.devices: ${err.message}`;
    throw err;
  } finally {
    closeSync(progFd);
    closeSync(cgroupFd);
  }
}

export const devicesV2: Controller = {
  name: "devices",
  requested: (r) => (r.devices?.length ? "linux.resources.devices" : undefined),
  apply(dir, r) {
    attachDeviceRules(dir, r.devices);
  },
  stats() {},
};
