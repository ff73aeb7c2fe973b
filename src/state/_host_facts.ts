// Facts about the host that the plan needs, read once per call.
import { readFileSync } from "node:fs";
import { parseStatusMask } from "../linux/capabilities.ts";
import type { HostFacts } from "../linux/container_plan.ts";
import { inUserNamespace } from "../runtime_options.ts";

export function hostFacts(): HostFacts {
  const lastCap = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8").trim());
  const bounding = parseStatusMask(readFileSync("/proc/self/status", "utf8"), "CapBnd");
  return { lastCap, bounding, userns: inUserNamespace() };
}
