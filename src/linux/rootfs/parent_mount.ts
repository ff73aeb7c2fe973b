/**
 * The mount point a path lives on, from a mountinfo table: the longest
 * mount point that is the path or one of its ancestors.
 *
 * @example
 * ```ts
 * parentMount("/srv/bundle/rootfs"); // "/" on a host with one file system
 * ```
 */
import { readFileSync, realpathSync } from "node:fs";

/** mountinfo escapes space, tab, newline and backslash as \\ooo. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parentMount(path: string, mountinfo = readFileSync("/proc/self/mountinfo", "utf8")): string {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // a path that does not exist lives where its text says
  }
  let best = "/";
  for (const line of mountinfo.split("\n")) {
    const mountPoint = line.split(" ")[4];
    if (!mountPoint) continue;
    const mp = unescape(mountPoint);
    const inside = mp === "/" || real === mp || real.startsWith(mp.endsWith("/") ? mp : mp + "/");
    if (inside && mp.length > best.length) best = mp;
  }
  return best;
}
