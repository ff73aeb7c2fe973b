/**
 * linux.devices: one node per path (two different devices cannot share a
 * path; the same entry twice is only redundant), and "The same type, major
 * and minor SHOULD NOT be used for multiple devices" (config-linux.md), a
 * warning. That c, b and u devices have major and minor is checked by the
 * schema.
 *
 * @example
 * ```ts
 * import { checkDevices } from "./devices.ts";
 * checkDevices({ ociVersion: "1.3.0", root: { path: "r" }, linux: { devices: [
 *   { path: "/dev/a", type: "c", major: 1, minor: 3 }, { path: "/dev/a", type: "c", major: 1, minor: 5 }] } });
 * // [{ pointer: "/linux/devices/1/path", message: 'path "/dev/a" is already used by entry 0, a different device' }]
 * ```
 */
import { pointer, problem, warning, type Problem } from "../problem.ts";
import type { Config, Device } from "../types/config.ts";

const identity = (d: Device) => (d.type === "p" ? "p" : `${d.type} ${d.major}:${d.minor}`);

export function checkDevices(config: Config): Problem[] {
  const out: Problem[] = [];
  const byPath = new Map<string, number>();
  const byNumber = new Map<string, number>();
  const devices = config.linux?.devices ?? [];
  devices.forEach((d, i) => {
    const other = byPath.get(d.path);
    if (other !== undefined) {
      const same = identity(devices[other]!) === identity(d);
      out.push(
        same
          ? warning(pointer("linux", "devices", i), `device ${d.path} is listed twice (entry ${other} is the same)`)
          : problem(
              pointer("linux", "devices", i, "path"),
              `path ${JSON.stringify(d.path)} is already used by entry ${other}, a different device`,
            ),
      );
      return;
    }
    byPath.set(d.path, i);
    if (d.type === "p") return;
    const key = identity(d);
    const twin = byNumber.get(key);
    if (twin !== undefined) {
      out.push(
        warning(
          pointer("linux", "devices", i),
          `device ${key} is also created at ${devices[twin]!.path} (entry ${twin}); the spec advises against it`,
        ),
      );
    } else byNumber.set(key, i);
  });
  return out;
}
