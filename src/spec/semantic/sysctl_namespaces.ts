/**
 * linux.sysctl may only set parameters that belong to a namespace the
 * container has of its own; anything else would change the host. As in runc:
 * net.* needs a network namespace; kernel.shm*, kernel.msg*, kernel.sem* and
 * fs.mqueue.* need an ipc namespace; kernel.hostname and kernel.domainname
 * need a uts namespace; every other parameter is refused. A namespace joined
 * by path that is the runtime's own counts as none.
 *
 * @example
 * ```ts
 * import { checkSysctlNamespaces } from "./sysctl_namespaces.ts";
 * checkSysctlNamespaces({ ociVersion: "1.3.0", root: { path: "r" }, linux: { sysctl: { "vm.swappiness": "10" } } });
 * // [{ pointer: "/linux/sysctl/vm.swappiness", message: "is not namespaced: ..." }]
 * ```
 */
import { pointer, problem, type Problem } from "../problem.ts";
import type { Config, NamespaceType } from "../types/config.ts";
import { isRuntimeNamespace, namespaceOf } from "./_namespaces.ts";

/** The namespace a sysctl belongs to, or undefined when it is global. */
export function sysctlNamespace(name: string): NamespaceType | undefined {
  // sysctl(8): the first separator found, / or ., separates the components.
  const sep = /[./]/.exec(name)?.[0] ?? ".";
  const parts = name.split(sep);
  if (parts[0] === "net" && parts.length > 1) return "network";
  if (parts[0] === "fs" && parts[1] === "mqueue" && parts.length > 2) return "ipc";
  if (parts[0] === "kernel" && parts.length === 2) {
    if (/^(shm|msg|sem)/.test(parts[1]!)) return "ipc";
    if (parts[1] === "hostname" || parts[1] === "domainname") return "uts";
  }
  return undefined;
}

export function checkSysctlNamespaces(config: Config): Problem[] {
  const out: Problem[] = [];
  for (const name of Object.keys(config.linux?.sysctl ?? {})) {
    const at = pointer("linux", "sysctl", name);
    const type = sysctlNamespace(name);
    if (type === undefined) {
      out.push(
        problem(
          at,
          "is not namespaced: setting it would change the host (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem*, fs.mqueue.*, kernel.hostname, kernel.domainname)",
        ),
      );
      continue;
    }
    const ns = namespaceOf(config, type);
    if (!ns) {
      out.push(problem(at, `needs ${type === "ipc" ? "an" : "a"} ${type} namespace: add {"type": "${type}"} to linux.namespaces`));
    } else if (ns.path !== undefined && isRuntimeNamespace(ns.path, type)) {
      out.push(problem(at, `would change the host: the ${type} namespace ${ns.path} is the runtime's own`));
    }
  }
  return out;
}
