/**
 * Linux namespaces: the eight kinds of the runtime spec, their clone flags,
 * and how a container's `linux.namespaces` becomes helper operations.
 *
 * A namespace with a `path` is joined (setns); one without is created
 * (unshare); a kind that is absent is shared with the runtime.
 *
 * @example
 * ```ts
 * const ns = classifyNamespaces([{ type: "pid" }, { type: "network", path: "/run/netns/a" }]);
 * ns.create; // CLONE_NEWPID
 * ns.join;   // [{ type: "network", path: "/run/netns/a", flag: CLONE_NEWNET }]
 * ```
 */
import { RongqiError } from "../errors.ts";

import {
  CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS,
} from "./_constants.ts";

export { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER, CLONE_NEWUTS };

/** The spec's namespace types with their clone flag and /proc/PID/ns name. */
export const NAMESPACE_KINDS = {
  pid: { flag: CLONE_NEWPID, proc: "pid" },
  network: { flag: CLONE_NEWNET, proc: "net" },
  mount: { flag: CLONE_NEWNS, proc: "mnt" },
  ipc: { flag: CLONE_NEWIPC, proc: "ipc" },
  uts: { flag: CLONE_NEWUTS, proc: "uts" },
  user: { flag: CLONE_NEWUSER, proc: "user" },
  cgroup: { flag: CLONE_NEWCGROUP, proc: "cgroup" },
  time: { flag: CLONE_NEWTIME, proc: "time" },
} as const;

export type NamespaceType = keyof typeof NAMESPACE_KINDS;

export interface NamespaceEntry {
  type: string;
  path?: string;
}

export interface JoinedNamespace {
  type: NamespaceType;
  path: string;
  flag: number;
  /** index in linux.namespaces, for error messages */
  index: number;
}

export interface NamespacePlan {
  /** CLONE_NEW* flags of the namespaces to create */
  create: number;
  /** namespaces to join, user first, in the order setns needs */
  join: JoinedNamespace[];
  /** every type named in the config (created or joined) */
  types: Set<NamespaceType>;
}

/** Splits `linux.namespaces` into those to create and those to join. */
export function classifyNamespaces(entries: readonly NamespaceEntry[] | undefined): NamespacePlan {
  const plan: NamespacePlan = { create: 0, join: [], types: new Set() };
  (entries ?? []).forEach((entry, index) => {
    const kind = NAMESPACE_KINDS[entry.type as NamespaceType];
    if (!kind) throw new RongqiError(`linux.namespaces[${index}].type: unknown namespace type "${entry.type}"`);
    const type = entry.type as NamespaceType;
    if (plan.types.has(type)) throw new RongqiError(`linux.namespaces[${index}]: duplicate namespace type "${type}"`);
    plan.types.add(type);
    if (entry.path) plan.join.push({ type, path: entry.path, flag: kind.flag, index });
    else plan.create |= kind.flag;
  });
  // A user namespace must be joined before the others so that they are
  // joined with the capabilities it grants; mount last (it changes paths).
  const rank = (t: NamespaceType) => (t === "user" ? 0 : t === "mount" ? 2 : 1);
  plan.join.sort((a, b) => rank(a.type) - rank(b.type));
  return plan;
}

/** True when the config creates or joins a namespace of this type. */
export function hasNamespace(plan: NamespacePlan, type: NamespaceType): boolean {
  return plan.types.has(type);
}

/** True when the config creates a new namespace of this type. */
export function createsNamespace(plan: NamespacePlan, type: NamespaceType): boolean {
  return (plan.create & NAMESPACE_KINDS[type].flag) !== 0;
}
