/**
 * The attributes of a container's process (`process` of config.json, or of
 * `exec --process`) as helper operations, in the order the kernel needs
 * them. `create` (container_plan.ts) and `exec` (exec_plan.ts) share it:
 *
 *  1. rlimits, then the working directory (inside the container: the
 *     helper checks the result is under the root);
 *  2. the SELinux exec label (`selinuxLabel`);
 *  3. bounding set, user and groups, capabilities, umask (user.ts);
 *  4. no_new_privs;
 *  5. the AppArmor profile for the next exec (`apparmorProfile`);
 *  6. the executable, looked up with the process's PATH.
 *
 * A label or profile on a host without SELinux or AppArmor is an error, as
 * in runc (which refuses an SELinux label and fails writing the AppArmor
 * attribute): the process would run unconfined otherwise.
 *
 * @example
 * ```ts
 * const { ops, warnings } = processOps(config.process, { lastCap: 40, grantable: host.bounding, setgroups: true });
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { RongqiError } from "../errors.ts";
import { capabilityMasks, PR_SET_NO_NEW_PRIVS, type CapabilitySets } from "./capabilities.ts";
import type { Op } from "./process/protocol.ts";
import { rlimitOps, type Rlimit } from "./rlimits.ts";
import { identityOps, type ProcessUser } from "./user.ts";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The parts of a process the operations read (the spec's Process type satisfies it). */
export interface ProcessSpec {
  args?: string[];
  env?: string[];
  cwd: string;
  user: ProcessUser;
  capabilities?: CapabilitySets;
  rlimits?: Rlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  selinuxLabel?: string;
}

/** Which Linux security modules the host has, and where AppArmor takes its exec profile. */
export interface LsmFacts {
  selinux: boolean;
  apparmor: boolean;
  /** the attribute AppArmor reads ("exec <profile>"): attr/apparmor/exec on Linux 5.8+, else attr/exec */
  apparmorExecAttr: string;
}

export interface ProcessOpsOptions {
  /** /proc/sys/kernel/cap_last_cap */
  lastCap: number;
  /** the capabilities that can be handed out (all in the container's own user namespace) */
  grantable: bigint;
  /** call setgroups (not allowed in a user namespace whose setgroups is "deny") */
  setgroups: boolean;
  /** the host's security modules; read from the host when a label asks and this is absent */
  lsm?: LsmFacts;
}

/** Reads which security modules are active, as runc and go-selinux decide it. */
export function lsmFacts(): LsmFacts {
  let apparmor = false;
  try {
    apparmor = existsSync("/sys/kernel/security/apparmor") && readFileSync("/sys/module/apparmor/parameters/enabled", "utf8").startsWith("Y");
  } catch {
    // no AppArmor module
  }
  let selinux = false;
  try {
    selinux = readFileSync("/proc/filesystems", "utf8").includes("\tselinuxfs\n") && existsSync("/sys/fs/selinux/enforce");
  } catch {
    // no /proc
  }
  const apparmorExecAttr = existsSync("/proc/self/attr/apparmor") ? "/proc/thread-self/attr/apparmor/exec" : "/proc/thread-self/attr/exec";
  return { selinux, apparmor, apparmorExecAttr };
}

export function processOps(proc: ProcessSpec, opts: ProcessOpsOptions): { ops: Op[]; warnings: string[] } {
  if (!proc.args?.length) throw new RongqiError("process.args: must name the program to run");
  if (!isAbsolute(proc.cwd)) throw new RongqiError(`process.cwd: "${proc.cwd}" must be an absolute path`);
  const ops: Op[] = [];
  const warnings: string[] = [];
  let lsm = opts.lsm;
  const facts = () => (lsm ??= lsmFacts());

  ops.push(...rlimitOps(proc.rlimits));
  ops.push({ op: "chdir", path: proc.cwd, desc: { step: `change to the working directory ${proc.cwd}`, field: "process.cwd", path: proc.cwd, syscall: "chdir" } });
  if (proc.selinuxLabel) {
    if (!facts().selinux) throw new RongqiError(`process.selinuxLabel: "${proc.selinuxLabel}" is set, but SELinux is not enabled on this host`);
    const path = "/proc/thread-self/attr/exec";
    ops.push({ op: "writeFile", path, data: proc.selinuxLabel, desc: { step: `set the SELinux exec label ${proc.selinuxLabel}`, field: "process.selinuxLabel", path, syscall: "write" } });
  }
  const caps = capabilityMasks(proc.capabilities, { grantable: opts.grantable, lastCap: opts.lastCap });
  warnings.push(...caps.warnings);
  // process.user is optional in the schema: absent, the process runs as uid 0, gid 0 (as runc does)
  ops.push(...identityOps(proc.user ?? { uid: 0, gid: 0 }, caps.masks, { lastCap: opts.lastCap, setgroups: opts.setgroups }));
  if (proc.noNewPrivileges) {
    ops.push({ op: "prctl", option: PR_SET_NO_NEW_PRIVS, args: [1], desc: { step: "set no_new_privs", field: "process.noNewPrivileges", syscall: "prctl(PR_SET_NO_NEW_PRIVS)" } });
  }
  if (proc.apparmorProfile) {
    if (!facts().apparmor) throw new RongqiError(`process.apparmorProfile: "${proc.apparmorProfile}" is set, but AppArmor is not enabled on this host`);
    const path = facts().apparmorExecAttr;
    ops.push({ op: "writeFile", path, data: `exec ${proc.apparmorProfile}`, desc: { step: `apply the AppArmor profile ${proc.apparmorProfile} at exec`, field: "process.apparmorProfile", path, syscall: "write" } });
  }
  const env = proc.env ?? [];
  const pathVar = env.findLast((e) => e.startsWith("PATH="))?.slice(5) ?? DEFAULT_PATH;
  ops.push({ op: "resolveExec", file: proc.args[0]!, path: pathVar, desc: { step: `find the executable "${proc.args[0]}" in the container`, field: "process.args[0]", path: proc.args[0]!, syscall: "execve" } });
  return { ops, warnings };
}
