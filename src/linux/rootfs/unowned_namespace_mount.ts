/**
 * Mounts that a user namespace cannot make fresh. A new sysfs needs
 * privilege over the network namespace, a new mqueue over the IPC
 * namespace: in a user namespace (the container's own, or the one a
 * rootless Podman runs the runtime in) that shares those namespaces with
 * the host, the kernel refuses them. Such a mount becomes a recursive bind
 * of the host's /sys or /dev/mqueue (what the container would see anyway,
 * sharing the namespace), as runc does; each ro/nosuid/nodev/noexec option
 * also applies to every submount (rro, rnosuid, ...), since a remount
 * changes only the top one. Other filesystem options are dropped.
 *
 * @example
 * ```ts
 * unownedNamespaceMount({ destination: "/sys", type: "sysfs", source: "sysfs", options: ["ro", "nosuid"] }, { network: true, ipc: false });
 * // { destination: "/sys", type: "bind", source: "/sys", options: ["rbind", "ro", "rro", "nosuid", "rnosuid"] }
 * ```
 */
import { MOUNT_OPTIONS } from "../mount_options.ts";
import { createsNamespace, hasNamespace, type NamespacePlan, type NamespaceType } from "../namespaces.ts";
import type { MountSpec } from "./mount_ops.ts";

export interface UnownedNamespaces {
  /** the network namespace is not the container user namespace's own: no new sysfs */
  network: boolean;
  /** the IPC namespace is not the container user namespace's own: no new mqueue */
  ipc: boolean;
}

const HOST_SOURCE: Record<string, { source: string; unowned: keyof UnownedNamespaces }> = {
  sysfs: { source: "/sys", unowned: "network" },
  mqueue: { source: "/dev/mqueue", unowned: "ipc" },
};

/** The options also applied recursively to a bind's submounts. */
const RECURSIVE = new Set(["ro", "nosuid", "nodev", "noexec"]);

export function unownedNamespaceMount(m: MountSpec, unowned: UnownedNamespaces | undefined): MountSpec {
  const host = m.type ? HOST_SOURCE[m.type] : undefined;
  if (!unowned || !host || !unowned[host.unowned]) return m;
  const options = ["rbind"];
  for (const o of m.options ?? []) {
    if (!Object.hasOwn(MOUNT_OPTIONS, o)) continue; // filesystem data: not for a bind
    options.push(o);
    if (RECURSIVE.has(o)) options.push(`r${o}`);
  }
  return { destination: m.destination, type: "bind", source: host.source, options };
}

/**
 * Which of the container's network and IPC namespaces its user namespace
 * does not own, or undefined when no user namespace is involved (the
 * runtime is the host's root and the config neither creates nor joins one).
 * A namespace the config creates is owned; one it leaves out is the
 * runtime's, which is not; one joined by path is taken as owned unless the
 * user namespace is new (made after it, it cannot own it).
 */
export function unownedNamespaces(ns: NamespacePlan, runtimeInUserns: boolean): UnownedNamespaces | undefined {
  const newUserns = createsNamespace(ns, "user");
  if (!newUserns && !hasNamespace(ns, "user") && !runtimeInUserns) return undefined;
  const unowned = (type: NamespaceType) => !createsNamespace(ns, type) && (!hasNamespace(ns, type) || newUserns);
  return { network: unowned("network"), ipc: unowned("ipc") };
}
