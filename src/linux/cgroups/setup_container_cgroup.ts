/**
 * The container's cgroup at create (the CGROUP sync point, before the
 * container process is forked, so it and everything it starts are inside):
 * plan the directories, refuse a cgroup that already has processes or is
 * frozen, note in the record what will be made (before making it, so that
 * `delete` finds it even after a crash), make it, apply the resources, and
 * move the helper in.
 *
 * Rootless (see rootlessCgroups()), a cgroup that cannot be written is
 * skipped with a debug record, unless the config asks for a resource
 * limit, which then fails.
 *
 * @example
 * ```ts
 * record.cgroup = setupContainerCgroup({ id, linux: config.linux, pid: helperPid, rootless: false,
 *   save: (c) => { record.cgroup = c; writeRecord(root, record); } });
 * ```
 */
import { RongqiError, SyscallError } from "../../errors.ts";
import { log } from "../../log.ts";
import type { CgroupLayout } from "./cgroup_layout.ts";
import { cgroupManager } from "./cgroup_manager.ts";
import { plansAnyLimit } from "./plans_any_limit.ts";
import { planCgroup } from "./plan_cgroup.ts";
import { missingCgroupDirs, subtreePids } from "./_tree.ts";
import { UNIFIED, type CgroupRecord, type Resources } from "./types.ts";

export interface SetupCgroupOptions {
  id: string;
  /** the state root (`--root`): picks the default cgroup path */
  root?: string;
  linux: { cgroupsPath?: string; resources?: Resources } | undefined;
  /** the process to move in (the helper, whose child becomes the container process) */
  pid: number;
  /** cgroup permission errors are not fatal when no limit is asked for */
  rootless: boolean;
  /** stores the record (called before anything is made, and after) */
  save: (cgroup: CgroupRecord | undefined) => void;
  /** tests: an imitation layout */
  layout?: CgroupLayout;
}

const PERMISSION = new Set(["EACCES", "EPERM", "EROFS"]);

export function setupContainerCgroup(opts: SetupCgroupOptions): CgroupRecord | undefined {
  const resources = opts.linux?.resources ?? {};
  const rec = planCgroup({ id: opts.id, root: opts.root, cgroupsPath: opts.linux?.cgroupsPath, layout: opts.layout });
  const leaves = [...new Set(Object.values(rec.dirs))];
  const busy = leaves.find((d) => subtreePids(d).length > 0);
  if (busy) throw new RongqiError(`linux.cgroupsPath: the cgroup ${busy} already has processes; a container needs a cgroup of its own`);
  rec.resources = resources;
  const m = cgroupManager(rec);
  try {
    if (m.freezerState() !== "thawed") throw new RongqiError(`linux.cgroupsPath: the cgroup ${rec.dirs["freezer"] ?? rec.dirs[UNIFIED]} is frozen`);
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err; // not made yet: thawed
  }
  rec.created = [...new Set(leaves.flatMap(missingCgroupDirs))];
  opts.save(rec);
  rec.created = [];
  try {
    m.create();
    opts.save(rec);
    m.apply(resources, { update: false, warn: (msg) => log.warn(msg) });
    m.addProcess(opts.pid);
  } catch (err) {
    const denied = opts.rootless && err instanceof SyscallError && PERMISSION.has(err.code);
    if (denied && plansAnyLimit(resources)) {
      throw err.wrap("linux.resources: the limits need a cgroup, and this user may not make one here (rootless; give a delegated linux.cgroupsPath, or drop the limits)");
    }
    if (denied) {
      log.debug(`rootless: no cgroup for the container: ${err.message}`);
      try {
        m.destroy();
      } catch {
        // nothing more to do without permission
      }
      opts.save(undefined);
      return undefined;
    }
    throw err;
  }
  return rec;
}
