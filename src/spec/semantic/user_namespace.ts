/**
 * User namespace mappings and the user namespace go together
 * (config-linux.md): uidMappings/gidMappings describe the container's user
 * namespace, so they need a user entry in linux.namespaces; a new user
 * namespace (no path) needs both mappings, since the kernel maps nothing by
 * itself; a joined one (path) already has its mappings.
 *
 * @example
 * ```ts
 * import { checkUserNamespace } from "./user_namespace.ts";
 * checkUserNamespace({ ociVersion: "1.3.0", root: { path: "r" },
 *   linux: { uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] } });
 * // [{ pointer: "/linux/uidMappings", message: 'needs a user namespace: add {"type": "user"} to linux.namespaces' }, ...]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { namespaceOf } from "./_namespaces.ts";

export function checkUserNamespace(config: Config): Problem[] {
  const userns = namespaceOf(config, "user");
  const out: Problem[] = [];
  const fields = ["uidMappings", "gidMappings"] as const;
  if (!userns) {
    for (const f of fields) {
      if (config.linux?.[f] !== undefined) {
        out.push(problem(`/linux/${f}`, `needs a user namespace: add {"type": "user"} to linux.namespaces`));
      }
    }
    return out;
  }
  if (userns.path !== undefined) return out;
  const i = config.linux!.namespaces!.indexOf(userns);
  for (const f of fields) {
    const list = config.linux?.[f];
    if (list === undefined || list.length === 0) {
      out.push(
        problem(
          `/linux/${f}`,
          `is required with a new user namespace (/linux/namespaces/${i} has no path): the kernel maps no IDs by itself`,
        ),
      );
    }
  }
  return out;
}
