/**
 * linux.resources.devices turned into the allow list the container ends up
 * with, the way the cgroup v1 devices controller computes it, so that the
 * v1 driver (devices.allow/deny) and the v2 driver (an eBPF program) give
 * the same result:
 *
 * - the rules apply in order, starting from "everything allowed";
 * - a rule for every device (no type or "a", no major, no minor, access
 *   "rwm") resets the default (allow all / deny all) and clears the
 *   exceptions;
 * - another rule adds an exception when it goes against the default, or
 *   takes access away from an identical exception when it agrees with it;
 *   type "a" with a major or minor, or partial access on all devices, means
 *   both char and block devices (the kernel itself would read any "a" as a
 *   reset, which is never what such a rule asks for).
 *
 * After the user's rules come allow rules for the devices the runtime spec
 * makes every container have (/dev/null, zero, full, random, urandom, tty,
 * console, ptmx and the pts devices) and mknod of any device (so the nodes
 * of linux.devices can be made; opening one still needs a rule), as runc
 * appends its defaults and clients such as Podman rely on. With no rule at
 * all nothing is written (the container keeps its parent's list).
 *
 * @example
 * ```ts
 * effectiveDevices(containerDeviceRules([{ allow: false, access: "rwm" }]));
 * // { defaultAllow: false, exceptions: [{ type: "c", major: 1, minor: 3, access: 7 }, ...] }
 * ```
 */
import { RongqiError } from "../../errors.ts";
import type { Resources } from "./types.ts";

/** access bits, as the kernel's bpf_cgroup_dev_ctx has them */
export const ACC_MKNOD = 1;
export const ACC_READ = 2;
export const ACC_WRITE = 4;
export const ACC_ALL = 7;

export interface DeviceRule {
  allow: boolean;
  type: "a" | "c" | "b";
  /** -1: every major (`*`) */
  major: number;
  /** -1: every minor (`*`) */
  minor: number;
  /** ACC_* bits */
  access: number;
}

export interface DeviceException {
  type: "c" | "b";
  major: number;
  minor: number;
  access: number;
}

export interface EffectiveDevices {
  /** what happens to a device no exception matches */
  defaultAllow: boolean;
  /** devices denied (default allow) or allowed (default deny) */
  exceptions: DeviceException[];
}

/** The devices every container has (config-linux.md "Default Devices"), plus the pts devices. */
const DEFAULT_DEVICES: ReadonlyArray<[number, number]> = [
  [1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [136, -1],
];

export function parseAccess(access: string | undefined, field: string): number {
  if (access === undefined || access === "") return ACC_ALL;
  let bits = 0;
  for (const ch of access) {
    const bit = ch === "r" ? ACC_READ : ch === "w" ? ACC_WRITE : ch === "m" ? ACC_MKNOD : 0;
    if (!bit) throw new RongqiError(`${field}.access: "${access}" may only contain r, w and m`);
    bits |= bit;
  }
  return bits;
}

export function accessString(bits: number): string {
  return (bits & ACC_READ ? "r" : "") + (bits & ACC_WRITE ? "w" : "") + (bits & ACC_MKNOD ? "m" : "");
}

/** The rules to enforce: the user's, then the default devices; [] when the config has none. */
export function containerDeviceRules(devices: Resources["devices"]): DeviceRule[] {
  if (!devices?.length) return [];
  const rules = devices.map((d, i): DeviceRule => {
    const field = `linux.resources.devices[${i}]`;
    const type = d.type ?? "a";
    if (type !== "a" && type !== "b" && type !== "c") throw new RongqiError(`${field}.type: "${type as string}" is not a, b or c`);
    return { allow: d.allow, type, major: d.major ?? -1, minor: d.minor ?? -1, access: parseAccess(d.access, field) };
  });
  rules.push({ allow: true, type: "c", major: -1, minor: -1, access: ACC_MKNOD }, { allow: true, type: "b", major: -1, minor: -1, access: ACC_MKNOD });
  for (const [major, minor] of DEFAULT_DEVICES) rules.push({ allow: true, type: "c", major, minor, access: ACC_ALL });
  return rules;
}

export function effectiveDevices(rules: readonly DeviceRule[]): EffectiveDevices {
  let defaultAllow = true;
  let exceptions: DeviceException[] = [];
  for (const rule of rules) {
    if (rule.type === "a" && rule.major === -1 && rule.minor === -1 && rule.access === ACC_ALL) {
      defaultAllow = rule.allow;
      exceptions = [];
      continue;
    }
    for (const type of rule.type === "a" ? (["c", "b"] as const) : [rule.type]) {
      const ex: DeviceException = { type, major: rule.major, minor: rule.minor, access: rule.access };
      if (rule.allow !== defaultAllow) addException(exceptions, ex);
      else exceptions = removeAccess(exceptions, ex);
    }
  }
  return { defaultAllow, exceptions };
}

function same(a: DeviceException, b: DeviceException): boolean {
  return a.type === b.type && a.major === b.major && a.minor === b.minor;
}

function addException(list: DeviceException[], ex: DeviceException): void {
  const found = list.find((e) => same(e, ex));
  if (found) found.access |= ex.access;
  else list.push({ ...ex });
}

function removeAccess(list: DeviceException[], ex: DeviceException): DeviceException[] {
  return list
    .map((e) => (same(e, ex) ? { ...e, access: e.access & ~ex.access } : e))
    .filter((e) => e.access !== 0);
}

/** The v1 devices.allow/deny line of an exception: `c 1:3 rwm`. */
export function v1DeviceLine(ex: DeviceException): string {
  const n = (v: number) => (v === -1 ? "*" : String(v));
  return `${ex.type} ${n(ex.major)}:${n(ex.minor)} ${accessString(ex.access)}`;
}
