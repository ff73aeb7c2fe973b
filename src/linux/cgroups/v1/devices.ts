/**
 * cgroup v1 devices controller: the container's allow list (computed by
 * device_rules.ts) written as a reset (`a` to devices.deny or
 * devices.allow) followed by the exceptions, one line per write.
 *
 * @example
 * ```ts
 * devicesV1.apply("/sys/fs/cgroup/devices/rongqi/web", { devices: [{ allow: false, access: "rwm" }] }, opts);
 * ```
 */
import { writeCgroupFile } from "../_files.ts";
import { containerDeviceRules, effectiveDevices, v1DeviceLine } from "../device_rules.ts";
import type { Controller } from "../types.ts";

const F = "linux.resources.devices";

export const devicesV1: Controller = {
  name: "devices",
  requested: (r) => (r.devices?.length ? F : undefined),
  apply(dir, r) {
    const rules = containerDeviceRules(r.devices);
    if (!rules.length) return;
    const eff = effectiveDevices(rules);
    writeCgroupFile(dir, eff.defaultAllow ? "devices.allow" : "devices.deny", "a", F);
    const file = eff.defaultAllow ? "devices.deny" : "devices.allow";
    for (const ex of eff.exceptions) writeCgroupFile(dir, file, v1DeviceLine(ex), F);
  },
  stats() {},
};
