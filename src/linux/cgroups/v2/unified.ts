/**
 * linux.resources.unified: cgroup v2 files written as given, after every
 * other resource (so they can refine them). Each key's controller (the part
 * before the first dot) is enabled first; a key naming a controller the
 * host does not offer, or a file that does not exist, is an error.
 *
 * @example
 * ```ts
 * applyUnified("/sys/fs/cgroup", "/sys/fs/cgroup/rongqi/web", { "pids.max": "10", "cgroup.max.descendants": "2" });
 * ```
 */
import { RongqiError } from "../../../errors.ts";
import { writeCgroupFile } from "../_files.ts";
import { requireController } from "./_controllers.ts";

const F = "linux.resources.unified";

export function applyUnified(mount: string, dir: string, unified: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(unified ?? {})) {
    const field = `${F}.${key}`;
    if (!/^[a-z0-9_]+\.[A-Za-z0-9_.]+$/.test(key)) throw new RongqiError(`${field}: not a cgroup v2 file name (controller.file)`);
    const controller = key.split(".")[0]!;
    if (controller !== "cgroup") requireController(mount, dir, controller, field);
    writeCgroupFile(dir, key, value, field);
  }
}
