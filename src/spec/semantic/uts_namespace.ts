/**
 * hostname and domainname are set in the container's UTS namespace; without
 * a uts entry in linux.namespaces that would be the runtime's (the host's),
 * so rongqi refuses, as runc does. Joining a UTS namespace by path is fine
 * (a pod's containers share their sandbox's).
 *
 * @example
 * ```ts
 * import { checkUtsNamespace } from "./uts_namespace.ts";
 * checkUtsNamespace({ ociVersion: "1.3.0", root: { path: "r" }, hostname: "box" });
 * // [{ pointer: "/hostname", message: 'cannot set the hostname without a uts namespace: add {"type": "uts"} to linux.namespaces' }]
 * ```
 */
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { namespaceOf } from "./_namespaces.ts";

export function checkUtsNamespace(config: Config): Problem[] {
  if (namespaceOf(config, "uts")) return [];
  const out: Problem[] = [];
  for (const field of ["hostname", "domainname"] as const) {
    if (config[field]) {
      out.push(
        problem(
          `/${field}`,
          `cannot set the ${field} without a uts namespace: add {"type": "uts"} to linux.namespaces`,
        ),
      );
    }
  }
  return out;
}
