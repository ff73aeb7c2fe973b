/**
 * rongqi's contribution to `features` for cgroups: both drivers exist
 * (v1, hybrid included, and v2), rdma is applied by both, and there is no
 * systemd driver (`--systemd-cgroup` is refused).
 *
 * @example
 * ```ts
 * cgroupFeatures(); // { linux: { cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true } } }
 * ```
 */
import type { FeatureContribution } from "../../spec/features.ts";
import { V1_CONTROLLERS } from "./v1/v1_manager.ts";
import { V2_CONTROLLERS } from "./v2/v2_manager.ts";

export function cgroupFeatures(): FeatureContribution {
  const rdma = V1_CONTROLLERS.some((c) => c.name === "rdma") && V2_CONTROLLERS.some((c) => c.name === "rdma");
  return {
    linux: {
      cgroup: { v1: V1_CONTROLLERS.length > 0, v2: V2_CONTROLLERS.length > 0, systemd: false, systemdUser: false, rdma },
    },
  };
}
