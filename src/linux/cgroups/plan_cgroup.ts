/**
 * Where a container's cgroup goes, from linux.cgroupsPath:
 *
 * - absolute (`/a/b`): that path under each hierarchy's mount point;
 * - relative (`a/b`): under the cgroup rongqi itself runs in, hierarchy by
 *   hierarchy (as runc does);
 * - absent: `/rongqi/<id>` (runc's default is `/<id>`; a common parent
 *   keeps rongqi's containers together and findable). Container ids are
 *   only unique within a state root, so a container of another `--root`
 *   goes to `/rongqi-<hash of the root>/<id>` instead, where it cannot
 *   meet a container of the same name from elsewhere.
 *
 * On a v1 host every mounted hierarchy is joined (named ones such as
 * name=systemd too, as runc does), and on a hybrid host the cgroup2
 * hierarchy as well: it gives `cgroup.kill`, and the controllers that only
 * exist there (hugetlb on some hosts).
 *
 * @example
 * ```ts
 * planCgroup({ id: "web" }).dirs.memory;                  // "/sys/fs/cgroup/memory/rongqi/web" (v1)
 * planCgroup({ id: "web", cgroupsPath: "/k8s/web" }).dirs; // { ..., unified: "/sys/fs/cgroup/unified/k8s/web" }
 * ```
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, normalize, relative, resolve } from "node:path";
import { RongqiError } from "../../errors.ts";
import { DEFAULT_ROOT } from "../../runtime_options.ts";
import { cgroupLayout, processCgroups, type CgroupLayout, type CgroupMount } from "./cgroup_layout.ts";
import { UNIFIED, type CgroupRecord } from "./types.ts";

/** The parent of containers without a cgroupsPath (for the default state root). */
export const DEFAULT_PARENT = "/rongqi";

/** The cgroupsPath of a container whose config has none. */
export function defaultCgroupsPath(id: string, root?: string): string {
  if (root === undefined || resolve(root) === DEFAULT_ROOT) return `${DEFAULT_PARENT}/${id}`;
  return `${DEFAULT_PARENT}-${createHash("sha256").update(resolve(root)).digest("hex").slice(0, 8)}/${id}`;
}

export interface PlanCgroupOptions {
  id: string;
  /** the state root (`--root`), which picks the default path */
  root?: string;
  cgroupsPath?: string;
  /** the host's layout (tests pass an imitation) */
  layout?: CgroupLayout;
  /** /proc/self/cgroup, for relative paths */
  selfCgroup?: string;
}

export function planCgroup(opts: PlanCgroupOptions): CgroupRecord {
  const layout = opts.layout ?? cgroupLayout();
  const path = (opts.cgroupsPath ?? defaultCgroupsPath(opts.id, opts.root)).replace(/(.)\/+$/, "$1");
  if (path.includes("\0") || path.split("/").includes("..")) {
    throw new RongqiError(`linux.cgroupsPath: ${JSON.stringify(path)} must not contain a .. component or a NUL character`);
  }
  if (normalize("/" + path) === "/") {
    throw new RongqiError(`linux.cgroupsPath: ${JSON.stringify(path)} names the root cgroup; a container needs a cgroup of its own`);
  }
  let self: Record<string, string> | undefined;
  const dirOf = (key: string, m: CgroupMount): string => {
    if (path.startsWith("/")) return join(m.mount, normalize(path));
    self ??= processCgroups(opts.selfCgroup ?? readFileSync("/proc/self/cgroup", "utf8"));
    const own = self[key === UNIFIED ? "" : key];
    if (own === undefined) throw new RongqiError(`linux.cgroupsPath: relative path "${path}": this process has no ${key} cgroup to start from`);
    const inside = relative(m.root, own);
    if (inside.startsWith("..")) throw new RongqiError(`linux.cgroupsPath: relative path "${path}": this process's ${key} cgroup ${own} is not under the mounted ${m.root}`);
    return join(m.mount, inside, path);
  };
  const dirs: Record<string, string> = {};
  for (const [key, m] of Object.entries(layout.v1)) dirs[key] = dirOf(key, m);
  if (layout.unified) dirs[UNIFIED] = dirOf(UNIFIED, layout.unified);
  const record: CgroupRecord = { version: layout.version, dirs, created: [] };
  if (layout.unified) record.unifiedMount = layout.unified.mount;
  return record;
}

/**
 * The container's cgroup directories by the host mount point of their
 * hierarchy (`/sys/fs/cgroup/memory` -> `/sys/fs/cgroup/memory/rongqi/web`):
 * what a cgroup mount without a cgroup namespace bind-mounts
 * (cgroupMountOps' `own`).
 */
export function cgroupMountSources(record: CgroupRecord, layout: CgroupLayout = cgroupLayout()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, dir] of Object.entries(record.dirs)) {
    const mount = key === UNIFIED ? layout.unified?.mount : layout.v1[key]?.mount;
    if (mount) out[mount] = dir;
  }
  return out;
}
