/**
 * Each namespace type may appear once: "If a namespaces field contains
 * duplicated namespaces with same type, the runtime MUST generate an error"
 * (config-linux.md).
 *
 * @example
 * ```ts
 * import { checkNamespaceDuplicates } from "./namespace_duplicates.ts";
 * checkNamespaceDuplicates({ ociVersion: "1.3.0", root: { path: "r" },
 *   linux: { namespaces: [{ type: "pid" }, { type: "pid" }] } });
 * // [{ pointer: "/linux/namespaces/1/type", message: 'duplicate namespace type "pid": entry 0 has it already' }]
 * ```
 */
import { pointer, problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";

export function checkNamespaceDuplicates(config: Config): Problem[] {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  config.linux?.namespaces?.forEach((ns, i) => {
    const seen = first.get(ns.type);
    if (seen === undefined) first.set(ns.type, i);
    else {
      out.push(
        problem(
          pointer("linux", "namespaces", i, "type"),
          `duplicate namespace type ${JSON.stringify(ns.type)}: entry ${seen} has it already`,
        ),
      );
    }
  });
  return out;
}
