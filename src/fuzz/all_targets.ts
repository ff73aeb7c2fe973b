/**
 * Every fuzz target, in the order a run visits them.
 *
 * @example
 * ```ts
 * await fuzz({ targets: allTargets(["config", "plan"]), seconds: 60 });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { cliTarget } from "./cli_target.ts";
import { configTarget } from "./config_target.ts";
import { imageTarget } from "./image_target.ts";
import { planTarget } from "./plan_target.ts";
import { processTarget } from "./process_target.ts";
import { runTarget } from "./run_target.ts";
import type { Target } from "./_target.ts";

const MAKERS: Record<string, () => Target<never>> = {
  config: configTarget as () => Target<never>,
  process: processTarget as () => Target<never>,
  plan: planTarget as () => Target<never>,
  image: imageTarget as () => Target<never>,
  cli: cliTarget as () => Target<never>,
  run: runTarget as () => Target<never>,
};

export const TARGET_NAMES: readonly string[] = Object.keys(MAKERS);

export function allTargets(names: readonly string[] = TARGET_NAMES): Target<unknown>[] {
  return names.map((n) => {
    const make = MAKERS[n];
    if (!make) throw new RongqiError(`unknown fuzz target "${n}" (targets: ${TARGET_NAMES.join(", ")})`);
    return make() as Target<unknown>;
  });
}
