// The bundles the benchmarks run: busybox, with the config `rongqi spec`
// writes (no terminal), running /bin/true or a long sleep.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "../src/spec/default_config.ts";
import { makeRootfs } from "../test/_bundle.ts";

export interface Bundles {
  /** runs /bin/true */
  true: string;
  /** runs `sleep 100000`, for containers that must stay up */
  sleep: string;
}

function bundle(dir: string, args: [string, ...string[]]): string {
  mkdirSync(dir, { recursive: true });
  makeRootfs(join(dir, "rootfs"));
  const config = defaultConfig();
  config.process!.terminal = false;
  config.process!.args = args;
  // The oldest version all three accept: crun 1.8 refuses versions newer than it knows.
  config.ociVersion = "1.0.2";
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  return dir;
}

export function makeBundles(top: string): Bundles {
  chmodSync(top, 0o755);
  return { true: bundle(join(top, "bundle-true"), ["/bin/true"]), sleep: bundle(join(top, "bundle-sleep"), ["sleep", "100000"]) };
}
