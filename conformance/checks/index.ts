// Every check, by area, in report order.
import type { Check } from "../_check.ts";
import cgroups from "./cgroups.ts";
import deleteChecks from "./delete.ts";
import devices from "./devices.ts";
import hooks from "./hooks.ts";
import hostname from "./hostname.ts";
import idmap from "./idmap.ts";
import kill from "./kill.ts";
import lifecycle from "./lifecycle.ts";
import misc from "./misc.ts";
import mounts from "./mounts.ts";
import namespaces from "./namespaces.ts";
import paths from "./paths.ts";
import pidfile from "./pidfile.ts";
import processChecks from "./process.ts";
import propagation from "./propagation.ts";
import rootfs from "./rootfs.ts";
import seccomp from "./seccomp.ts";
import state from "./state.ts";
import sysctl from "./sysctl.ts";

export const CHECKS: Check[] = [
  ...lifecycle, ...state, ...kill, ...deleteChecks, ...hooks, ...hostname, ...mounts, ...propagation, ...rootfs,
  ...paths, ...devices, ...namespaces, ...idmap, ...processChecks, ...sysctl, ...seccomp, ...cgroups, ...pidfile, ...misc,
];
