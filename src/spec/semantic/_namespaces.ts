/**
 * Small helpers for checks about namespaces: find the entry of a type, and
 * tell whether a namespace path is the runtime's own namespace (joining it is
 * no isolation at all).
 *
 * @example
 * ```ts
 * import { namespaceOf } from "./_namespaces.ts";
 * namespaceOf({ ociVersion: "1.3.0", root: { path: "r" }, linux: { namespaces: [{ type: "uts" }] } }, "uts");
 * // { type: "uts" }
 * ```
 */
import { statSync } from "node:fs";
import type { Config, Namespace, NamespaceType } from "../types/config.ts";

/** The first entry of `type` in linux.namespaces, or undefined when the runtime's is inherited. */
export function namespaceOf(config: Config, type: NamespaceType): Namespace | undefined {
  return config.linux?.namespaces?.find((ns) => ns.type === type);
}

const PROC_NAMES: Record<NamespaceType, string> = {
  pid: "pid", network: "net", mount: "mnt", ipc: "ipc", uts: "uts", user: "user", cgroup: "cgroup", time: "time",
};

/**
 * Whether `path` names the same namespace as the runtime's own of `type`.
 * false when either cannot be inspected (the join itself will report it).
 */
export function isRuntimeNamespace(path: string, type: NamespaceType): boolean {
  try {
    const a = statSync(path);
    const b = statSync(`/proc/self/ns/${PROC_NAMES[type]}`);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}
