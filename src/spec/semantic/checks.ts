/**
 * The semantic checks of config.json, in the order they run (roughly the
 * order of the fields in the document). Each is one small file beside this
 * one, named after what it checks; each returns problems (errors and
 * warnings) that the schema cannot express. PROCESS_CHECKS are those that
 * only look at `process`, also run on `exec --process` documents.
 *
 * @example
 * ```ts
 * import { CONFIG_CHECKS } from "./checks.ts";
 * CONFIG_CHECKS.map((c) => c.name); // ["checkOciVersion", "checkRootPath", ...]
 * ```
 */
import type { Check } from "./_check.ts";
import { checkCapabilities } from "./capabilities.ts";
import { checkCgroupResources } from "./cgroup_resources.ts";
import { checkCgroupsPath } from "./cgroups_path.ts";
import { checkCpuLists } from "./cpu_lists.ts";
import { checkDevices } from "./devices.ts";
import { checkMemoryPolicy } from "./memory_policy.ts";
import { checkMountDestinations } from "./mount_destinations.ts";
import { checkMountIdmap } from "./mount_idmap.ts";
import { checkNamespaceDuplicates } from "./namespace_duplicates.ts";
import { checkNetDevices } from "./net_devices.ts";
import { checkOciVersion } from "./oci_version.ts";
import { checkProcessRequired } from "./process_required.ts";
import { checkRlimits } from "./rlimits.ts";
import { checkRootPath } from "./root_path.ts";
import { checkScheduler } from "./scheduler.ts";
import { checkSeccomp } from "./seccomp.ts";
import { checkSysctlNamespaces } from "./sysctl_namespaces.ts";
import { checkTimeOffsets } from "./time_offsets.ts";
import { checkUserNamespace } from "./user_namespace.ts";
import { checkUtsNamespace } from "./uts_namespace.ts";

export type { Check, CheckContext } from "./_check.ts";

/** Checks that only read config.process (pointers under /process). */
export const PROCESS_CHECKS: readonly Check[] = [checkCapabilities, checkRlimits, checkScheduler];

export const CONFIG_CHECKS: readonly Check[] = [
  checkOciVersion,
  checkRootPath,
  checkMountDestinations,
  checkMountIdmap,
  checkProcessRequired,
  ...PROCESS_CHECKS,
  checkUtsNamespace,
  checkNamespaceDuplicates,
  checkUserNamespace,
  checkTimeOffsets,
  checkDevices,
  checkNetDevices,
  checkCgroupsPath,
  checkCgroupResources,
  checkCpuLists,
  checkSysctlNamespaces,
  checkSeccomp,
  checkMemoryPolicy,
];
