/**
 * linux.netDevices move host interfaces into the container's network
 * namespace (config-linux.md): that takes a network namespace other than the
 * runtime's, and two devices cannot end up with the same name there ("If a
 * network device with the specified name already exists in the container
 * namespace, the runtime MUST generate an error"), unless the name is a
 * template ending in %d.
 *
 * @example
 * ```ts
 * import { checkNetDevices } from "./net_devices.ts";
 * checkNetDevices({ ociVersion: "1.3.0", root: { path: "r" }, linux: { netDevices: { eth1: {} } } });
 * // [{ pointer: "/linux/netDevices", message: 'need a network namespace: add {"type": "network"} to linux.namespaces' }]
 * ```
 */
import { pointer, problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import { isRuntimeNamespace, namespaceOf } from "./_namespaces.ts";

export function checkNetDevices(config: Config): Problem[] {
  const devices = config.linux?.netDevices;
  if (devices === undefined || Object.keys(devices).length === 0) return [];
  const out: Problem[] = [];
  const ns = namespaceOf(config, "network");
  if (!ns) out.push(problem("/linux/netDevices", `need a network namespace: add {"type": "network"} to linux.namespaces`));
  else if (ns.path !== undefined && isRuntimeNamespace(ns.path, "network")) {
    out.push(problem("/linux/netDevices", `need a network namespace other than the runtime's own (${ns.path})`));
  }
  const taken = new Map<string, string>();
  for (const [host, dev] of Object.entries(devices)) {
    const name = dev.name ?? host;
    if (name.endsWith("%d")) continue;
    const other = taken.get(name);
    if (other !== undefined) {
      out.push(problem(pointer("linux", "netDevices", host), `would be named ${JSON.stringify(name)} in the container, like ${JSON.stringify(other)}`));
    } else taken.set(name, host);
  }
  return out;
}
