/**
 * What `rongqi features` says about seccomp (features-linux.md), from the
 * tables the compiler itself uses: every action and operator, every
 * architecture name (those this host's kernel cannot run calls in are
 * accepted and need no section), the flags it knows, and of those the ones
 * this kernel supports (by version: LOG 4.14, SPEC_ALLOW 4.17,
 * WAIT_KILLABLE_RECV 5.19; TSYNC needs nothing from the kernel here).
 *
 * @example
 * ```ts
 * seccompFeatures("6.1.0").linux?.seccomp?.supportedFlags; // [..., "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]
 * ```
 */
import { release } from "node:os";
import type { FeatureContribution } from "../../spec/features.ts";
import type { SeccompAction, SeccompFlag } from "../../spec/types/config.ts";
import { ARCH_NAMES } from "./_arch.ts";
import { ACTIONS, FLAGS, OPERATORS } from "./compile_seccomp.ts";

/** The kernel each flag needs, as [major, minor]. */
const SINCE: Readonly<Record<string, [number, number]>> = {
  SECCOMP_FILTER_FLAG_TSYNC: [3, 17],
  SECCOMP_FILTER_FLAG_LOG: [4, 14],
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: [4, 17],
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: [5, 19],
};

export function seccompFeatures(kernel: string = release()): FeatureContribution {
  const [major = 0, minor = 0] = kernel.split(/[.-]/).map(Number);
  const known = Object.keys(FLAGS) as SeccompFlag[];
  const supported = known.filter((f) => {
    const [ma, mi] = SINCE[f]!;
    return major > ma || (major === ma && minor >= mi);
  });
  return {
    linux: {
      seccomp: {
        enabled: true,
        actions: Object.keys(ACTIONS) as SeccompAction[],
        operators: [...OPERATORS],
        archs: [...ARCH_NAMES],
        knownFlags: known,
        supportedFlags: supported,
      },
    },
  };
}
