/**
 * Options that apply to every runtime operation: the CLI's global flags in
 * library form. The CLI builds one from `--root`, `--log`, `--log-format`,
 * `--debug` and `--rootless` and hands it to each command.
 *
 * @example
 * ```ts
 * import { defaultRuntimeOptions, rootlessCgroups } from "./runtime_options.ts";
 * const opts = { ...defaultRuntimeOptions(), root: "/run/containerd/runc/default" };
 * if (rootlessCgroups(opts.rootless)) {
 *   // cgroup permission errors are warnings, not failures
 * }
 * ```
 */
import { readFileSync } from "node:fs";
import type { LogFormat } from "./log.ts";

export type RootlessSetting = "true" | "false" | "auto";

export interface RuntimeOptions {
  /** directory holding container state (should be on tmpfs) */
  root: string;
  /** debug records are logged */
  debug: boolean;
  /** log file, or undefined for standard error */
  log: string | undefined;
  logFormat: LogFormat;
  /** whether cgroup permission errors are ignored (see {@link rootlessCgroups}) */
  rootless: RootlessSetting;
}

/** Where container state lives unless `--root` says otherwise. */
export const DEFAULT_ROOT = "/run/rongqi";

export function defaultRuntimeOptions(): RuntimeOptions {
  return { root: DEFAULT_ROOT, debug: false, log: undefined, logFormat: "text", rootless: "auto" };
}

/**
 * Resolves `--rootless`: "true"/"false" as given; "auto" means rootless when
 * not running as root, or when running inside a user namespace (whose uid map
 * is not the whole identity range), where cgroup writes usually fail.
 */
export function rootlessCgroups(setting: RootlessSetting, uidMap?: string): boolean {
  if (setting !== "auto") return setting === "true";
  if (process.geteuid?.() !== 0) return true;
  return inUserNamespace(uidMap);
}

function inUserNamespace(uidMap?: string): boolean {
  let map = uidMap;
  if (map === undefined) {
    try {
      map = readFileSync("/proc/self/uid_map", "utf8");
    } catch {
      return false;
    }
  }
  const fields = map.trim().split(/\s+/);
  return !(fields.length === 3 && fields[0] === "0" && fields[1] === "0" && fields[2] === "4294967295");
}
