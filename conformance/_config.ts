// The suite's own starting config.json: what `runc spec` and `crun spec`
// produce in spirit (namespaces, the usual /proc, /dev, /sys mounts, masked
// and read-only /proc paths, a small capability set), without a terminal,
// plus a bind mount of the bundle's share/ directory at /share where the
// checker writes what it finds.

type Obj = Record<string, unknown>;

export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
}
export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}
export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}
export interface Process {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask?: number; additionalGids?: number[] };
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: { bounding?: string[]; effective?: string[]; permitted?: string[]; inheritable?: string[]; ambient?: string[] };
  rlimits?: { type: string; soft: number; hard: number }[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  [k: string]: unknown;
}
export interface Namespace {
  type: string;
  path?: string;
}
export interface Linux {
  namespaces?: Namespace[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  devices?: Obj[];
  cgroupsPath?: string;
  resources?: Obj & { devices?: Obj[] };
  sysctl?: Record<string, string>;
  seccomp?: Obj;
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  [k: string]: unknown;
}
export interface Config {
  ociVersion: string;
  process?: Process;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts: Mount[];
  hooks?: Partial<Record<"prestart" | "createRuntime" | "createContainer" | "startContainer" | "poststart" | "poststop", Hook[]>>;
  linux: Linux;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/** The capabilities `runc spec` gives a container. */
export const DEFAULT_CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

export const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The starting config of every bundle; `cgroupsPath` is `/<container id>`. */
export function baseConfig(id: string): Config {
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ["/conformance/check"],
      env: [PATH_ENV, "TERM=xterm"],
      cwd: "/",
      capabilities: {
        bounding: [...DEFAULT_CAPS],
        effective: [...DEFAULT_CAPS],
        permitted: [...DEFAULT_CAPS],
      },
      noNewPrivileges: true,
    },
    root: { path: "rootfs", readonly: false },
    hostname: "conformance",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/share", type: "bind", source: "share", options: ["rbind", "rw"] },
    ],
    linux: {
      namespaces: [{ type: "pid" }, { type: "network" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }],
      cgroupsPath: `/${id}`,
      resources: { devices: [{ allow: false, access: "rwm" }] },
      maskedPaths: [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
      ],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  };
}

/** Removes one namespace type from the config's list. */
export function withoutNamespace(c: Config, type: string): void {
  c.linux.namespaces = (c.linux.namespaces ?? []).filter((n) => n.type !== type);
}

/** Adds (or replaces) a namespace entry. */
export function withNamespace(c: Config, type: string, path?: string): void {
  withoutNamespace(c, type);
  c.linux.namespaces!.push(path === undefined ? { type } : { type, path });
}

/** A user namespace mapping container root to host ids 100000-165535. */
export const USERNS_MAP: IdMapping[] = [{ containerID: 0, hostID: 100000, size: 65536 }];

/** Gives the container process every capability the host can grant (for checks that mount or mknod inside). */
export function withAllCaps(c: Config, caps: string[]): void {
  c.process!.capabilities = { bounding: [...caps], effective: [...caps], permitted: [...caps] };
}
