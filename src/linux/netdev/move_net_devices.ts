/**
 * `linux.netDevices`: moves host network interfaces into the container's
 * network namespace (config-linux.md, Network Devices), from the runtime,
 * once the namespace exists and before the prestart hooks run.
 *
 * For each device: its permanent addresses of global scope are read (the
 * kernel drops addresses when an interface changes namespace), it is moved
 * and renamed (`name`, or the host name; a name ending in `%d` is a template
 * the kernel completes; a name already taken in the container is an error,
 * found before the move), the addresses are added back and the link is
 * set up. Nothing is done when the container goes away: the kernel returns
 * physical devices to the host and destroys virtual ones.
 *
 * This uses iproute2's `ip` and util-linux's `nsenter` (to run `ip` in the
 * container's namespace by pid); both must be installed, and a clear error
 * says so when one is missing.
 *
 * @example
 * ```ts
 * moveNetDevices(containerPid, { veth1: { name: "eth0" } });
 * ```
 */
import { spawnSync } from "node:child_process";
import { RongqiError } from "../../errors.ts";

interface IpAddr {
  family: string;
  local: string;
  prefixlen: number;
  scope?: string;
  dynamic?: boolean;
  broadcast?: string;
}
interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  addr_info?: IpAddr[];
}

/** Runs a command, throwing a RongqiError naming the device with its stderr on failure. */
function run(what: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new RongqiError(`${what}: ${missing ? `${cmd} is not installed (linux.netDevices needs iproute2's ip and util-linux's nsenter)` : r.error.message}`);
  }
  if (r.status !== 0) throw new RongqiError(`${what}: ${cmd} ${args.join(" ")}: ${(r.stderr || `exit status ${r.status}`).trim()}`);
  return r.stdout;
}

export function moveNetDevices(pid: number, devices: Record<string, { name?: string }>): void {
  const netns = `/proc/${pid}/ns/net`;
  const inNs = (what: string, args: string[]) => run(what, "nsenter", [`--net=${netns}`, "--", "ip", ...args]);
  for (const [host, dev] of Object.entries(devices)) {
    const field = `linux.netDevices.${host}`;
    const wanted = dev.name ?? host;
    const shown = JSON.parse(run(field, "ip", ["-j", "addr", "show", "dev", host])) as IpLink[];
    const link = shown[0];
    if (!link) throw new RongqiError(`${field}: no such network device on the host`);
    const keep = (link.addr_info ?? []).filter((a) => a.scope === "global" && !a.dynamic);
    // Checked first: the kernel moves the device before it renames it, so a
    // rename failing in the container would leave the device there.
    if (!wanted.includes("%")) {
      const there = JSON.parse(inNs(field, ["-j", "link", "show"])) as IpLink[];
      if (there.some((l) => l.ifname === wanted)) {
        throw new RongqiError(`${field}: the container's network namespace already has a device named ${JSON.stringify(wanted)}`);
      }
    }
    run(field, "ip", ["link", "set", "dev", host, "netns", String(pid), "name", wanted]);
    // A %d template is named by the kernel: find the device again by its hardware address.
    let name = wanted;
    if (wanted.includes("%")) {
      const links = JSON.parse(inNs(field, ["-j", "link", "show"])) as IpLink[];
      const found = links.find((l) => l.address === link.address && l.address !== undefined);
      if (!found) throw new RongqiError(`${field}: moved, but not found again in the container's namespace`);
      name = found.ifname;
    }
    for (const a of keep) {
      const args = ["addr", "add", `${a.local}/${a.prefixlen}`, "dev", name];
      if (a.family === "inet" && a.broadcast) args.push("broadcast", a.broadcast);
      inNs(`${field}: address ${a.local}/${a.prefixlen}`, args);
    }
    inNs(field, ["link", "set", "dev", name, "up"]);
  }
}
