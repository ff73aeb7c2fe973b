/**
 * An id-mapped mount (option idmap or ridmap) needs a mapping: its own
 * uidMappings/gidMappings, or else the container's user namespace mapping.
 * "If there are no uidMappings and gidMappings specified and the container
 * isn't using user namespaces, an error MUST be returned" (config.md).
 *
 * @example
 * ```ts
 * import { checkMountIdmap } from "./mount_idmap.ts";
 * checkMountIdmap({ ociVersion: "1.3.0", root: { path: "r" },
 *   mounts: [{ destination: "/data", source: "/srv", options: ["rbind", "idmap"] }] });
 * // [{ pointer: "/mounts/0/options", message: "idmap needs uidMappings and gidMappings on the mount, or a user namespace in linux.namespaces" }]
 * ```
 */
import { pointer, problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { namespaceOf } from "./_namespaces.ts";

export function checkMountIdmap(config: Config): Problem[] {
  const out: Problem[] = [];
  const userns = namespaceOf(config, "user") !== undefined;
  config.mounts?.forEach((m, i) => {
    const option = m.options?.find((o) => o === "idmap" || o === "ridmap");
    if (option === undefined || m.uidMappings !== undefined || userns) return;
    out.push(
      problem(
        pointer("mounts", i, "options"),
        `${option} needs uidMappings and gidMappings on the mount, or a user namespace in linux.namespaces`,
      ),
    );
  });
  return out;
}
