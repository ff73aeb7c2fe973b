/**
 * The plan of a container's creation: config.json turned into the ordered
 * list of operations the native helper carries out (see native/PROTOCOL.md).
 * Reading this file top to bottom tells what `rongqi create` does to the
 * kernel, and in which order:
 *
 *  1. join namespaces given by path (user first), create a user namespace
 *     and wait while the runtime writes its uid/gid maps;
 *  2. create the other namespaces, set time namespace offsets, fork so the
 *     child is pid 1 of a new pid namespace;
 *  3. wait while the runtime puts the child in its cgroup, then create the
 *     cgroup namespace;
 *  4. prepare the rootfs: propagation, bind the rootfs onto itself, the
 *     mounts in order, devices, sysctls, oom_score_adj;
 *  5. let the runtime run prestart and createRuntime hooks, then run
 *     createContainer hooks;
 *  6. pivot_root (or chroot with --no-pivot), the terminal (process.terminal),
 *     masked and read-only paths, a read-only root, rootfs propagation,
 *     hostname and domainname;
 *  7. the process (process_ops.ts): rlimits, cwd, security labels, bounding
 *     set, user and groups, capabilities, no_new_privs, umask, resolve the
 *     executable;
 *     (before them: personality, I/O priority, scheduler; with a seccomp
 *     filter and no no_new_privs, CAP_SYS_ADMIN is kept until the filter);
 *  8. tell the runtime the container is created and wait for `start`;
 *  9. startContainer hooks, close every fd but stdio and preserved ones,
 *     load the seccomp filter (seccomp/seccomp_ops.ts), execve.
 *  A new session keyring is joined right after the fork, and the seccomp
 *  agent's socket (SCMP_ACT_NOTIFY) is connected before pivot_root.
 *
 * @example
 * ```ts
 * const { ops, warnings } = containerPlan(loaded, { fifoPath, preserveFds: 0, noPivot: false, host });
 * ```
 */
import { isAbsolute } from "node:path";
import { RongqiError } from "../errors.ts";
import type { Op } from "./process/protocol.ts";
import { deviceOps, type DeviceSpec } from "./devices.ts";
import { MS_BIND, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT, MS_SHARED, MS_SLAVE, MS_UNBINDABLE } from "./mount_options.ts";
import { classifyNamespaces, CLONE_NEWCGROUP, CLONE_NEWUSER, createsNamespace, hasNamespace } from "./namespaces.ts";
import { processOps } from "./process_ops.ts";
import { parentMount } from "./rootfs/parent_mount.ts";
import { memoryPolicyOp, type MemoryPolicySpec } from "./memory_policy.ts";
import { mountDestination, mountOps, type MountSpec } from "./rootfs/mount_ops.ts";
import { unmaskedKernelMounts } from "./rootfs/proc_mount_check.ts";
import { unownedNamespaces } from "./rootfs/unowned_namespace_mount.ts";
import { dumpableDuring } from "./dumpable_during.ts";
import { consoleOp } from "./terminal_ops.ts";
import type { IOPriority, Personality, Scheduler, Seccomp } from "../spec/types/config.ts";
import { seccompListenerOp, seccompOps } from "./seccomp/seccomp_ops.ts";
import { checkIntelRdt } from "./security/intel_rdt.ts";
import { applyMountLabel } from "./security/mount_label.ts";
import { personalityOps } from "./security/personality_op.ts";
import { schedulingOps } from "./security/scheduling_ops.ts";
import { sessionKeyringOp } from "./security/session_keyring_op.ts";

/** SYNC and NOTIFY tags shared by the runtime and the plan. */
export const TAG = {
  USERMAP: 1,
  CGROUP: 2,
  HOOKS: 3,
  CREATED: 10,
} as const;

/** What the plan needs to know about the host (read once by the caller). */
export interface HostFacts {
  /** /proc/sys/kernel/cap_last_cap */
  lastCap: number;
  /** the runtime's own bounding set (CapBnd of /proc/self/status) */
  bounding: bigint;
  /** the runtime itself runs in a user namespace (rootless Podman): no mknod, locked mounts, no fresh sysfs */
  userns?: boolean;
}

export interface PlanInput {
  /** config.json, validated */
  config: ContainerConfig;
  bundle: string;
  rootfs: string;
}

export interface PlanOptions {
  /** the container's cgroup directories by host mount point: without a cgroup namespace, a cgroup mount binds them */
  cgroupDirs?: Record<string, string>;
  fifoPath: string;
  preserveFds: number;
  noPivot: boolean;
  host: HostFacts;
  /** process.terminal: the helper's fd of the console socket that gets the pty master */
  consoleFd?: number;
  /** the container's id: its process joins a new session keyring `_ses.<id>` (absent: keeps the runtime's, as --no-new-keyring) */
  sessionKeyring?: string;
  /** the new user namespace's setgroups is "deny" (an unprivileged runtime wrote its gid map): no setgroups call */
  setgroupsDenied?: boolean;
}

/** The parts of config.json the plan reads (the generated Spec type satisfies it). */
export interface ContainerConfig {
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts?: MountSpec[];
  process?: {
    args?: string[];
    env?: string[];
    cwd: string;
    user: { uid: number; gid: number; umask?: number; additionalGids?: number[] };
    capabilities?: Record<string, string[] | undefined>;
    rlimits?: { type: string; soft: number; hard: number }[];
    noNewPrivileges?: boolean;
    oomScoreAdj?: number;
    terminal?: boolean;
    consoleSize?: { height: number; width: number };
    ioPriority?: IOPriority;
    scheduler?: Scheduler;
  };
  hooks?: { createContainer?: Hook[]; startContainer?: Hook[] };
  linux?: {
    namespaces?: { type: string; path?: string }[];
    uidMappings?: unknown[];
    gidMappings?: unknown[];
    timeOffsets?: Record<string, { secs?: number; nanosecs?: number } | undefined>;
    devices?: DeviceSpec[];
    sysctl?: Record<string, string>;
    maskedPaths?: string[];
    readonlyPaths?: string[];
    rootfsPropagation?: string;
    seccomp?: Seccomp;
    personality?: Personality;
    mountLabel?: string;
    intelRdt?: object;
    memoryPolicy?: MemoryPolicySpec;
  };
}

export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

const PROPAGATION: Record<string, number> = {
  shared: MS_SHARED, slave: MS_SLAVE, private: MS_PRIVATE, unbindable: MS_UNBINDABLE,
  rshared: MS_SHARED | MS_REC, rslave: MS_SLAVE | MS_REC, rprivate: MS_PRIVATE | MS_REC, runbindable: MS_UNBINDABLE | MS_REC,
};

function hookOps(hooks: Hook[] | undefined, kind: string): Op[] {
  return (hooks ?? []).map((h, i) => ({
    op: "runHook", path: h.path, state: "", args: h.args?.length ? h.args : [h.path], env: h.env ?? [], timeoutS: h.timeout ?? 0,
    desc: { step: `run ${kind} hook ${h.path}`, field: `hooks.${kind}[${i}]`, path: h.path, syscall: "execve" },
  } satisfies Op));
}

/** The sysctl's file under /proc/sys (dots become slashes, as sysctl(8) does). */
function sysctlPath(key: string): string {
  return "/proc/sys/" + key.replace(/\./g, "/");
}

export function containerPlan(input: PlanInput, opts: PlanOptions): { ops: Op[]; warnings: string[] } {
  const { config, bundle, rootfs } = input;
  const proc = config.process;
  if (!proc) throw new RongqiError("process: config.json has no process; one is required to create a container");
  if (!proc.args?.length) throw new RongqiError("process.args: must name the program to run");
  if (!isAbsolute(proc.cwd)) throw new RongqiError(`process.cwd: "${proc.cwd}" must be an absolute path`);
  const linux = config.linux ?? {};
  const ns = classifyNamespaces(linux.namespaces);
  if (!createsNamespace(ns, "mount")) {
    throw new RongqiError("linux.namespaces: rongqi needs a new mount namespace to set up the rootfs (add {\"type\": \"mount\"})");
  }
  const newUserns = createsNamespace(ns, "user");
  const userns = newUserns || opts.host.userns === true;
  if (opts.setgroupsDenied && proc.user?.additionalGids?.length) throw new RongqiError("process.user.additionalGids: the user namespace denies setgroups (an unprivileged runtime can map its own gid only that way); map the groups through /etc/subgid");
  checkIntelRdt(linux.intelRdt);
  const warnings: string[] = [];
  const ops: Op[] = [];

  // The exec fifo is opened first, with the runtime's own credentials: the
  // state directory is not reachable by a user namespace's root.
  ops.push({ op: "openFifo", path: opts.fifoPath, desc: { step: "open the exec fifo", path: opts.fifoPath, syscall: "open" } });

  // 1. user namespace first: joined, or created and mapped by the runtime.
  for (const j of ns.join) {
    ops.push({ op: "setns", path: j.path, nstype: j.flag, desc: { step: `join ${j.type} namespace ${j.path}`, field: `linux.namespaces[${j.index}].path`, path: j.path, syscall: "setns" } });
  }
  if (newUserns) {
    ops.push({ op: "unshare", flags: CLONE_NEWUSER, desc: { step: "create user namespace", field: "linux.namespaces", syscall: "unshare(CLONE_NEWUSER)" } });
    ops.push(...dumpableDuring({ op: "sync", tag: TAG.USERMAP, desc: { step: "write uid and gid maps", field: "linux.uidMappings" } }));
    ops.push({ op: "setresgid", rgid: 0, egid: 0, sgid: 0, desc: { step: "become gid 0 in the user namespace", syscall: "setresgid" } });
    ops.push({ op: "setresuid", ruid: 0, euid: 0, suid: 0, desc: { step: "become uid 0 in the user namespace", syscall: "setresuid" } });
  }
  // 2. the other namespaces; the fork makes pid 1 of a new pid namespace.
  const others = ns.create & ~CLONE_NEWUSER & ~CLONE_NEWCGROUP;
  if (others) ops.push({ op: "unshare", flags: others, desc: { step: "create namespaces", field: "linux.namespaces", syscall: "unshare" } });
  if (createsNamespace(ns, "time") && linux.timeOffsets) {
    const lines = Object.entries(linux.timeOffsets)
      .filter(([, v]) => v)
      .map(([clock, v]) => `${clock} ${v?.secs ?? 0} ${v?.nanosecs ?? 0}`);
    if (lines.length) ops.push({ op: "writeFile", path: "/proc/self/timens_offsets", data: lines.join("\n") + "\n", desc: { step: "set time namespace offsets", field: "linux.timeOffsets", path: "/proc/self/timens_offsets", syscall: "write" } });
  }
  ops.push({ op: "fork", desc: { step: "fork the container process", syscall: "fork" } });
  // 3. the cgroup: the runtime moves the container process in after the
  // fork (so even pids.max 0 lets it exist, as with runc), then a cgroup
  // namespace is made with that cgroup as its root.
  ops.push({ op: "sync", tag: TAG.CGROUP, desc: { step: "join the container's cgroup" } });
  if (createsNamespace(ns, "cgroup")) ops.push({ op: "unshare", flags: CLONE_NEWCGROUP, desc: { step: "create cgroup namespace", field: "linux.namespaces", syscall: "unshare(CLONE_NEWCGROUP)" } });
  ops.push({ op: "setsid", desc: { step: "start a new session", syscall: "setsid" } });
  if (opts.sessionKeyring !== undefined) ops.push(sessionKeyringOp(opts.sessionKeyring, { userns: newUserns }));
  if (config.hostname !== undefined) {
    if (!hasNamespace(ns, "uts")) throw new RongqiError("hostname: setting a hostname needs a uts namespace");
    ops.push({ op: "sethostname", name: config.hostname, desc: { step: `set hostname ${config.hostname}`, field: "hostname", syscall: "sethostname" } });
  }
  if (config.domainname !== undefined) {
    if (!hasNamespace(ns, "uts")) throw new RongqiError("domainname: setting a domainname needs a uts namespace");
    ops.push({ op: "setdomainname", name: config.domainname, desc: { step: `set domainname ${config.domainname}`, field: "domainname", syscall: "setdomainname" } });
  }
  if (proc.oomScoreAdj !== undefined) {
    ops.push({ op: "writeFile", path: "/proc/self/oom_score_adj", data: String(proc.oomScoreAdj), desc: { step: `set oom_score_adj ${proc.oomScoreAdj}`, field: "process.oomScoreAdj", path: "/proc/self/oom_score_adj", syscall: "write" } });
  }

  // 4. the rootfs.
  const rootProp = linux.rootfsPropagation;
  if (rootProp !== undefined && PROPAGATION[rootProp] === undefined) {
    throw new RongqiError(`linux.rootfsPropagation: "${rootProp}" is not one of ${Object.keys(PROPAGATION).join(", ")}`);
  }
  if (rootProp === "shared" || rootProp === "rshared") {
    // As runc: the tree keeps the propagation the config asks for, so rshared
    // binds of shared host mounts still carry mounts both ways; the rootfs's
    // parent mount is made private so binding the rootfs does not propagate
    // and pivot_root accepts it.
    ops.push({ op: "mount", source: "", target: "/", fstype: "", data: "", flags: PROPAGATION[rootProp]!, create: 0, inRoot: false, keepFlags: false, desc: { step: `set rootfs propagation ${rootProp}`, field: "linux.rootfsPropagation", path: "/", syscall: "mount" } });
    const parent = parentMount(rootfs);
    ops.push({ op: "mount", source: "", target: parent, fstype: "", data: "", flags: MS_PRIVATE, create: 0, inRoot: false, keepFlags: false, desc: { step: "make the rootfs's parent mount private", field: "linux.rootfsPropagation", path: parent, syscall: "mount(MS_PRIVATE)" } });
  } else {
    ops.push({ op: "mount", source: "", target: "/", fstype: "", data: "", flags: MS_SLAVE | MS_REC, create: 0, inRoot: false, keepFlags: false, desc: { step: "stop mount events reaching the host", path: "/", syscall: "mount(MS_SLAVE|MS_REC)" } });
  }
  ops.push({ op: "mount", source: rootfs, target: rootfs, fstype: "", data: "", flags: MS_BIND | MS_REC, create: 0, inRoot: false, keepFlags: false, desc: { step: "bind the rootfs onto itself", field: "root.path", path: rootfs, syscall: "mount(MS_BIND)" } });
  ops.push({ op: "openRoot", path: rootfs, desc: { step: "open the rootfs", field: "root.path", path: rootfs, syscall: "open" } });
  ops.push(...applyMountLabel(mountOps(config.mounts, { bundle, userns, unowned: unownedNamespaces(ns, opts.host.userns === true), warnings, cgroupDirs: createsNamespace(ns, "cgroup") ? undefined : opts.cgroupDirs }), linux.mountLabel));
  const dests = (config.mounts ?? []).map((m, i) => ({ dest: mountDestination(m, `mounts[${i}]`, []), m }));
  unmaskedKernelMounts(config.mounts, linux);
  const devBound = dests.some(({ dest, m }) => dest === "/dev" && (m.options ?? []).some((o) => o === "bind" || o === "rbind"));
  if (!devBound) {
    ops.push(...deviceOps(linux.devices, { userns, devpts: dests.some(({ dest }) => dest === "/dev/pts") }));
  } else if (linux.devices?.length) {
    warnings.push("linux.devices: /dev is bind-mounted from the host; devices are not created");
  }
  for (const [key, value] of Object.entries(linux.sysctl ?? {})) {
    ops.push({ op: "writeFile", path: sysctlPath(key), data: value, desc: { step: `set sysctl ${key}=${value}`, field: `linux.sysctl.${key}`, path: sysctlPath(key), syscall: "write" } });
  }

  // 5. hooks in the runtime namespace (run by the runtime), then in the container's.
  ops.push({ op: "sync", tag: TAG.HOOKS, desc: { step: "run prestart and createRuntime hooks" } });
  ops.push(...hookOps(config.hooks?.createContainer, "createContainer"));

  // 6. switch root and lock it down (the seccomp agent's socket is a host path: connected first).
  const listener = seccompListenerOp(linux.seccomp);
  if (listener) ops.push(listener);
  ops.push(opts.noPivot
    ? { op: "chroot", desc: { step: "move the rootfs to / and chroot (--no-pivot)", path: rootfs, syscall: "chroot" } }
    : { op: "pivotRoot", desc: { step: "pivot_root into the rootfs", path: rootfs, syscall: "pivot_root" } });
  // The terminal comes from the container's devpts, now at /dev/pts.
  if (opts.consoleFd !== undefined) ops.push(consoleOp(opts.consoleFd, proc.consoleSize, { devConsole: true }));
  for (const [i, p] of (linux.maskedPaths ?? []).entries()) {
    ops.push({ op: "mask", path: p, desc: { step: `mask ${p}`, field: `linux.maskedPaths[${i}]`, path: p, syscall: "mount" } });
  }
  for (const [i, p] of (linux.readonlyPaths ?? []).entries()) {
    ops.push({ op: "readonly", path: p, desc: { step: `make ${p} read-only`, field: `linux.readonlyPaths[${i}]`, path: p, syscall: "mount" } });
  }
  if (config.root?.readonly) {
    ops.push({ op: "mount", source: "", target: "/", fstype: "", data: "", flags: MS_BIND | MS_REMOUNT | MS_RDONLY, create: 0, inRoot: false, keepFlags: true, desc: { step: "make the root read-only", field: "root.readonly", path: "/", syscall: "mount(MS_REMOUNT|MS_RDONLY)" } });
  }
  if (rootProp !== undefined) {
    ops.push({ op: "mount", source: "", target: "/", fstype: "", data: "", flags: PROPAGATION[rootProp]!, create: 0, inRoot: false, keepFlags: false, desc: { step: `set rootfs propagation ${rootProp}`, field: "linux.rootfsPropagation", path: "/", syscall: "mount" } });
  }

  // 7. the process (process_ops.ts, shared with exec).
  const grantable = newUserns ? (1n << BigInt(opts.host.lastCap + 1)) - 1n : opts.host.bounding;
  const procOps = processOps(proc, { lastCap: opts.host.lastCap, grantable, setgroups: !opts.setgroupsDenied });
  warnings.push(...procOps.warnings);
  ops.push(...personalityOps(linux.personality), ...schedulingOps(proc));
  if (linux.memoryPolicy) ops.push(memoryPolicyOp(linux.memoryPolicy));
  const filter = linux.seccomp ? seccompOps(linux.seccomp, procOps.ops, { noNewPrivileges: proc.noNewPrivileges === true }) : undefined;
  ops.push(...(filter?.process ?? procOps.ops));
  const env = proc.env ?? [];

  // 8. created: wait for start.
  ops.push({ op: "notify", tag: TAG.CREATED, desc: { step: "report created" } });
  ops.push({ op: "waitStart", desc: { step: "wait for start", syscall: "read" } });

  // 9. start.
  ops.push(...hookOps(config.hooks?.startContainer, "startContainer"));
  ops.push({ op: "closeFrom", first: 3 + opts.preserveFds, desc: { step: "close the runtime's fds", syscall: "close_range" } });
  ops.push(...(filter?.load ?? []));
  ops.push({ op: "exec", argv: proc.args, env, desc: { step: `execute ${proc.args[0]}`, field: "process.args", path: proc.args[0]!, syscall: "execve" } });
  return { ops, warnings };
}
