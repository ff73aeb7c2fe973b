// cgroup v2 controllers are enabled from the top: a controller is usable in
// a cgroup only once every ancestor lists it in cgroup.subtree_control.
import { dirname, relative } from "node:path";
import { RongqiError } from "../../../errors.ts";
import { log } from "../../../log.ts";
import { readCgroupFileIfExists, writeCgroupFile } from "../_files.ts";

const words = (text: string | undefined) => (text ?? "").trim().split(/\s+/).filter(Boolean);

/** The controllers the cgroup at dir can use (its cgroup.controllers). */
export function availableControllers(dir: string): string[] {
  return words(readCgroupFileIfExists(dir, "cgroup.controllers"));
}

/** The ancestors of dir from the mount point (included) down to its parent. */
function ancestors(mount: string, dir: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); relative(mount, d) === "" || !relative(mount, d).startsWith(".."); d = dirname(d)) {
    out.unshift(d);
    if (d === mount || d === dirname(d)) break;
  }
  return out;
}

/**
 * Enables `names` for dir by writing them into every ancestor's
 * subtree_control. With `field`, a controller that cannot be enabled is an
 * error naming it; without, it is left out (logged at debug level).
 */
export function enableControllers(mount: string, dir: string, names: readonly string[], field?: string): void {
  for (const d of ancestors(mount, dir)) {
    const enabled = words(readCgroupFileIfExists(d, "cgroup.subtree_control"));
    const offered = availableControllers(d);
    for (const name of names) {
      if (enabled.includes(name)) continue;
      if (!offered.includes(name)) {
        if (!field) continue;
        throw new RongqiError(`${field}: the cgroup v2 ${name} controller is not available in ${d} (it offers: ${offered.join(" ") || "none"})`);
      }
      try {
        writeCgroupFile(d, "cgroup.subtree_control", `+${name}`, field ?? `enable the ${name} controller`);
      } catch (err) {
        if (field) throw err;
        log.debug(`cgroup: cannot enable ${name} in ${d}: ${(err as Error).message}`);
      }
    }
  }
}

/** Throws unless the cgroup at dir can use controller `name` (enabling it on the way if possible). */
export function requireController(mount: string, dir: string, name: string, field: string): void {
  if (availableControllers(dir).includes(name)) return;
  enableControllers(mount, dir, [name], field);
  if (!availableControllers(dir).includes(name)) {
    throw new RongqiError(`${field}: the cgroup v2 ${name} controller is not enabled for ${dir}`);
  }
}
