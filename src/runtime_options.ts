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

/** Where the host's root keeps container state unless `--root` says otherwise. */
export const DEFAULT_ROOT = "/run/rongqi";

export function defaultRuntimeOptions(): RuntimeOptions {
  return { root: defaultStateRoot(), debug: false, log: undefined, logFormat: "text", rootless: "auto" };
}

/**
 * The state root when `--root` is absent. The host's root uses
 * {@link DEFAULT_ROOT}. Any other user cannot write there: it gets
 * `$XDG_RUNTIME_DIR/rongqi` (a per-user tmpfs, private to the user), or,
 * without XDG_RUNTIME_DIR, `/tmp/rongqi-<euid>` (which the CLI creates
 * with mode 0700 and refuses when someone else owns it). A process that is
 * uid 0 only inside a user namespace (rootless Podman runs its runtime so)
 * uses XDG_RUNTIME_DIR when it has one and $USER is not root.
 */
export function defaultStateRoot(env: NodeJS.ProcessEnv = process.env, euid = process.geteuid?.() ?? 0, userns?: boolean): string {
  const xdg = env["XDG_RUNTIME_DIR"];
  if (euid !== 0) return xdg?.startsWith("/") ? `${xdg}/rongqi` : `/tmp/rongqi-${euid}`;
  if (xdg?.startsWith("/") && env["USER"] !== "root" && (userns ?? inUserNamespace())) return `${xdg}/rongqi`;
  return DEFAULT_ROOT;
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

/** Whether this process runs in a user namespace other than the initial one (its uid map is not the whole range). */
export function inUserNamespace(uidMap?: string): boolean {
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
