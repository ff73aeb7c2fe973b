/**
 * Mount destinations SHOULD be absolute on Linux; a relative one is deprecated
 * but allowed and taken relative to / (config.md, Mounts), so it gets a
 * warning, not an error.
 *
 * @example
 * ```ts
 * import { checkMountDestinations } from "./mount_destinations.ts";
 * checkMountDestinations({ ociVersion: "1.3.0", root: { path: "r" }, mounts: [{ destination: "data" }] });
 * // [{ pointer: "/mounts/0/destination", warning: true,
 * //    message: 'relative destination "data" is deprecated: it is taken as "/data"' }]
 * ```
 */
import { pointer, warning, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkMountDestinations(config: Config): Problem[] {
  const out: Problem[] = [];
  config.mounts?.forEach((m, i) => {
    if (typeof m.destination === "string" && m.destination !== "" && !m.destination.startsWith("/")) {
      out.push(
        warning(
          pointer("mounts", i, "destination"),
          `relative destination ${JSON.stringify(m.destination)} is deprecated: it is taken as ${JSON.stringify("/" + m.destination)}`,
        ),
      );
    }
  });
  return out;
}
