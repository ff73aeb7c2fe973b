/**
 * Capability names the kernel cannot map, or that cannot be granted, "MUST
 * be logged as a warning" and runtimes "SHOULD NOT fail" (config.md, Linux
 * Process): so these are warnings. Warned about: names rongqi does not know,
 * names this kernel does not have (above /proc/sys/kernel/cap_last_cap), and
 * ambient capabilities that are not both permitted and inheritable (the
 * kernel refuses to raise those).
 *
 * @example
 * ```ts
 * import { checkCapabilities } from "./capabilities.ts";
 * checkCapabilities({ ociVersion: "1.3.0", root: { path: "r" }, process: { cwd: "/", args: ["sh"],
 *   capabilities: { bounding: ["CAP_NOPE"] } } });
 * // [{ pointer: "/process/capabilities/bounding/0", warning: true, message: '"CAP_NOPE" is not a known capability, ignored' }]
 * ```
 */
import { readFileSync } from "node:fs";
import { capabilityNumber } from "../../linux/capabilities_list.ts";
import { pointer, warning, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

const SETS = ["bounding", "effective", "permitted", "inheritable", "ambient"] as const;

let lastCap: number | null | undefined;
/** The kernel's highest capability number, or null when it cannot be read. */
function kernelLastCap(): number | null {
  if (lastCap === undefined) {
    try {
      lastCap = Number.parseInt(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"), 10);
      if (Number.isNaN(lastCap)) lastCap = null;
    } catch {
      lastCap = null;
    }
  }
  return lastCap;
}

export function checkCapabilities(config: Config): Problem[] {
  const caps = config.process?.capabilities;
  if (!caps) return [];
  const out: Problem[] = [];
  for (const set of SETS) {
    caps[set]?.forEach((name, i) => {
      const at = pointer("process", "capabilities", set, i);
      const n = capabilityNumber(name);
      const last = kernelLastCap();
      if (n === undefined) out.push(warning(at, `${JSON.stringify(name)} is not a known capability, ignored`));
      else if (last !== null && n > last) {
        out.push(warning(at, `${name} is not supported by this kernel (its last capability is ${last}), ignored`));
      } else if (set === "ambient" && !(caps.permitted?.includes(name) && caps.inheritable?.includes(name))) {
        out.push(warning(at, `${name} cannot be ambient unless it is also permitted and inheritable, ignored`));
      }
    });
  }
  return out;
}
