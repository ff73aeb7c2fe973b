// The contributions `features()` merges, one line per implementing module.
// Each value comes from the table the implementation itself uses, so the
// document cannot claim what the code does not do. NOT_YET states what is
// not implemented; a module that implements one of those exports its own
// contribution (e.g. `seccompFeatures` beside its action and arch tables)
// and adds it to the list after NOT_YET: a later value overrides an earlier
// one, so NOT_YET itself need not change (trim it when convenient).
import { CAPABILITIES } from "../linux/capabilities_list.ts";
import { mountOptionNames } from "../linux/mount_options.ts";
import { IMPLEMENTED_EXTENSIONS } from "../linux/rootfs/mount_ops.ts";
import { NAMESPACE_KINDS, type NamespaceType } from "../linux/namespaces.ts";
import { seccompFeatures } from "../linux/seccomp/seccomp_features.ts";
import { cgroupFeatures } from "../linux/cgroups/cgroup_features.ts";
import { MEMPOLICY_FLAGS, MEMPOLICY_MODES } from "../linux/memory_policy.ts";
import { lsmFacts } from "../linux/process_ops.ts";
import type { HookKind } from "../state/hooks.ts";
import { SPEC_VERSION, SPEC_VERSION_MIN } from "../version.ts";
import type { FeatureContribution } from "./features.ts";

/** The hook kinds of config.json (`prestart` is deprecated but still run). */
export const HOOK_NAMES = [
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
] as const satisfies readonly HookKind[];

const NOT_YET: FeatureContribution = {
  linux: {
    cgroup: { v1: false, v2: false, systemd: false, systemdUser: false, rdma: false },
    seccomp: { enabled: false },
    apparmor: { enabled: false },
    selinux: { enabled: false },
    intelRdt: { enabled: false, schemata: false, monitoring: false },
    mountExtensions: { idmap: { enabled: false } },
    netDevices: { enabled: false },
  },
};

export const FEATURE_SOURCES: readonly FeatureContribution[] = [
  { ociVersionMin: SPEC_VERSION_MIN, ociVersionMax: SPEC_VERSION },
  { hooks: [...HOOK_NAMES] },
  { mountOptions: mountOptionNames(IMPLEMENTED_EXTENSIONS) },
  { linux: { namespaces: Object.keys(NAMESPACE_KINDS) as NamespaceType[] } },
  { linux: { capabilities: [...CAPABILITIES] } },
  NOT_YET,
  seccompFeatures(),
  cgroupFeatures(),
  { linux: { netDevices: { enabled: true } } }, // linux/netdev/move_net_devices.ts
  // process_ops.ts applies apparmorProfile/selinuxLabel exactly where the host
  // has the module, and refuses them elsewhere: the answer follows the host.
  lsmFeatures(),
  {
    linux: {
      memoryPolicy: {
        modes: Object.keys(MEMPOLICY_MODES) as (keyof typeof MEMPOLICY_MODES)[],
        flags: Object.keys(MEMPOLICY_FLAGS) as (keyof typeof MEMPOLICY_FLAGS)[],
      },
    },
  }, // linux/memory_policy.ts
];

function lsmFeatures(): FeatureContribution {
  const { apparmor, selinux } = lsmFacts();
  return { linux: { apparmor: { enabled: apparmor }, selinux: { enabled: selinux } } };
}
