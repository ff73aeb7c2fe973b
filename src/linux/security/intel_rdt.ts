/**
 * `linux.intelRdt`: rongqi does not manage Intel RDT (resctrl) yet, and
 * `features` says so (intelRdt.enabled false). A config that asks for it is
 * refused rather than run without it: with no resctrl filesystem mounted
 * the spec requires an error anyway ("If no mounted resctrl pseudo-filesystem
 * is available in the runtime mount namespace, the runtime MUST generate an
 * error"), and with one mounted, ignoring the request would break the
 * isolation it asks for.
 *
 * @example
 * ```ts
 * checkIntelRdt({ closID: "guaranteed" }, mountinfoText); // throws a RongqiError
 * ```
 */
import { readFileSync } from "node:fs";
import { RongqiError } from "../../errors.ts";

/** Whether a resctrl filesystem is mounted, from /proc/self/mountinfo's text. */
export function resctrlMounted(mountinfo: string): boolean {
  return mountinfo.split("\n").some((line) => / - resctrl /.test(line));
}

export function checkIntelRdt(rdt: object | undefined, mountinfo?: string): void {
  if (!rdt) return;
  const text = mountinfo ?? readFileSync("/proc/self/mountinfo", "utf8");
  if (!resctrlMounted(text)) {
    throw new RongqiError("linux.intelRdt: no resctrl filesystem is mounted on this host (Intel RDT is not available)");
  }
  throw new RongqiError("linux.intelRdt: Intel RDT (resctrl) is not supported by rongqi yet");
}
