/**
 * The process `exec` runs, as runc builds it: the `--process` file, or the
 * container's own process (config.json as it was at create) with the
 * command line as its args and no terminal; then the flags on top:
 * `--tty` gives a terminal, `--cwd` replaces the working directory, `--env`
 * adds variables, `--user uid[:gid]` replaces the ids, `--additional-gids`
 * adds groups, `--cap` adds a capability to the bounding, effective,
 * permitted, inheritable and ambient sets (inheritable too, so that the
 * ambient raise is allowed and a non-root user keeps it across execve),
 * `--no-new-privs` sets no_new_privs, `--process-label` and `--apparmor`
 * set the SELinux label and AppArmor profile.
 *
 * @example
 * ```ts
 * const proc = execProcess(record.config.process, { args: ["sh"], tty: true, env: ["A=1"] }, warnings);
 * ```
 */
import { isAbsolute } from "node:path";
import { RongqiError } from "../errors.ts";
import { capabilityNumber } from "../linux/capabilities_list.ts";
import type { ExecProcess } from "../linux/exec_plan.ts";
import { loadProcess } from "../spec/load_process.ts";

export interface ExecProcessOptions {
  /** --process: a process.json (config.json's `process` on its own) */
  processFile?: string;
  /** the command and its arguments */
  args?: readonly string[];
  tty?: boolean;
  cwd?: string;
  env?: readonly string[];
  /** "uid" or "uid:gid" */
  user?: string;
  additionalGids?: readonly number[];
  caps?: readonly string[];
  noNewPrivs?: boolean;
  processLabel?: string;
  apparmor?: string;
}

const ID_MAX = 0xfffffffe; // (uid_t)-1 means "unchanged" to the kernel

function parseId(text: string, what: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) > ID_MAX) throw new RongqiError(`${flag}: "${text}" is not a valid ${what} (a number from 0 to ${ID_MAX})`);
  return Number(text);
}

/** Parses `--user uid[:gid]`. */
export function parseUser(spec: string): { uid: number; gid?: number } {
  const [uid, gid, ...rest] = spec.split(":");
  if (rest.length > 0 || uid === undefined) throw new RongqiError(`--user: "${spec}" is not uid[:gid]`);
  return gid === undefined ? { uid: parseId(uid, "uid", "--user") } : { uid: parseId(uid, "uid", "--user"), gid: parseId(gid, "gid", "--user") };
}

/** Parses one `--additional-gids` value. */
export function parseGid(text: string): number {
  return parseId(text, "gid", "--additional-gids");
}

/** The process to exec; `base` is the container's own process (config.json's at create). */
export function execProcess(base: ExecProcess | undefined, opts: ExecProcessOptions, warnings: string[] = []): ExecProcess {
  let proc: ExecProcess;
  if (opts.processFile !== undefined) {
    if (opts.args?.length) throw new RongqiError("exec: give either --process FILE or a command, not both");
    proc = loadProcess(opts.processFile, warnings) as unknown as ExecProcess;
  } else {
    if (!opts.args?.length) throw new RongqiError("exec: no command to run: give one after the container id, or --process FILE");
    if (!base) throw new RongqiError("exec: the container has no process in its config to start from; use --process FILE");
    proc = structuredClone(base);
    proc.args = [...opts.args];
    proc.terminal = false;
  }
  if (opts.tty) proc.terminal = true;
  if (opts.cwd !== undefined) {
    if (!isAbsolute(opts.cwd)) throw new RongqiError(`--cwd: "${opts.cwd}" must be an absolute path in the container`);
    proc.cwd = opts.cwd;
  }
  if (opts.env?.length) {
    for (const e of opts.env) if (!e.includes("=")) throw new RongqiError(`--env: "${e}" is not NAME=VALUE`);
    proc.env = [...(proc.env ?? []), ...opts.env];
  }
  // process.user is optional in the schema: absent (or partial), uid and gid are 0, as in runc
  proc.user = { ...proc.user, uid: proc.user?.uid ?? 0, gid: proc.user?.gid ?? 0 };
  if (opts.user !== undefined) {
    const u = parseUser(opts.user);
    proc.user.uid = u.uid;
    if (u.gid !== undefined) proc.user.gid = u.gid;
  }
  if (opts.additionalGids?.length) proc.user.additionalGids = [...(proc.user.additionalGids ?? []), ...opts.additionalGids];
  if (opts.caps?.length) {
    const sets = { ...proc.capabilities };
    for (const name of opts.caps) {
      if (capabilityNumber(name) === undefined) throw new RongqiError(`--cap: unknown capability "${name}" (names look like CAP_NET_ADMIN)`);
      for (const set of ["bounding", "effective", "permitted", "inheritable", "ambient"] as const) {
        const list = sets[set] ?? [];
        sets[set] = list.includes(name) ? list : [...list, name];
      }
    }
    proc.capabilities = sets;
  }
  if (opts.noNewPrivs) proc.noNewPrivileges = true;
  if (opts.processLabel) proc.selinuxLabel = opts.processLabel;
  if (opts.apparmor) proc.apparmorProfile = opts.apparmor;
  return proc;
}
