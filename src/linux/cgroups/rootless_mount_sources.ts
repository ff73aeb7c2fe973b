/**
 * Rootless, what a cgroup mount without a cgroup namespace binds. The
 * container's own cgroup directories (cgroupMountSources) exist only if the
 * runtime may make them; where it may not (no delegation: setup skips the
 * cgroup, setup_container_cgroup.ts), the container stays in the runtime's
 * own cgroup, and that is what its /sys/fs/cgroup shows instead, hierarchy
 * by hierarchy, as runc does.
 *
 * A directory the runtime is expected to make is one that exists, or whose
 * nearest existing ancestor the runtime can write.
 *
 * @example
 * ```ts
 * rootlessMountSources({ "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/rongqi-1a2b/web" }, { rootless: true });
 * // { "/sys/fs/cgroup/memory": "/sys/fs/cgroup/memory/user.slice/..." } (the runtime's own memory cgroup)
 * ```
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { cgroupLayout, processCgroups, type CgroupLayout } from "./cgroup_layout.ts";

export interface RootlessMountSourcesOptions {
  rootless: boolean;
  /** tests: the host's layout, this process's /proc/self/cgroup, and the write check */
  layout?: CgroupLayout;
  selfCgroup?: string;
  canMake?: (dir: string) => boolean;
}

function canMakeDir(dir: string): boolean {
  let d = dir;
  while (!existsSync(d)) d = dirname(d);
  if (d === dir) return true;
  try {
    accessSync(d, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function rootlessMountSources(sources: Record<string, string>, opts: RootlessMountSourcesOptions): Record<string, string> {
  if (!opts.rootless) return sources;
  const canMake = opts.canMake ?? canMakeDir;
  let layout: CgroupLayout | undefined;
  let self: Record<string, string> | undefined;
  const out: Record<string, string> = {};
  for (const [mount, dir] of Object.entries(sources)) {
    if (canMake(dir)) {
      out[mount] = dir;
      continue;
    }
    layout ??= opts.layout ?? cgroupLayout();
    self ??= processCgroups(opts.selfCgroup ?? readFileSync("/proc/self/cgroup", "utf8"));
    const entry = layout.unified?.mount === mount
      ? { key: "", m: layout.unified }
      : Object.entries(layout.v1).map(([key, m]) => ({ key, m })).find((e) => e.m.mount === mount);
    const own = entry ? self[entry.key] : undefined;
    const inside = entry && own !== undefined ? relative(entry.m.root, own) : "..";
    // A cgroup outside what the host mounts there: the mount's root, read-only like the rest.
    out[mount] = inside.startsWith("..") ? mount : join(mount, inside);
  }
  return out;
}
