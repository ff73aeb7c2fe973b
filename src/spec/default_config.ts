/**
 * The starter config.json that `rongqi spec` writes, like `runc spec`: a
 * container running `sh` on a terminal, in new pid, network, ipc, uts, mount
 * and cgroup namespaces, with a read-only `rootfs`, a minimal capability set,
 * the usual /proc, /dev, /sys mounts, and masked and read-only kernel paths.
 *
 * The rootless variant is for a user without privileges: it adds a user
 * namespace mapping root in the container to the calling user, keeps the
 * host's network namespace (creating one needs privilege over the network),
 * bind-mounts /sys instead of mounting sysfs, drops the cgroup mount and the
 * device rules (both need privilege), and drops `uid=`/`gid=` mount options
 * that name ids the namespace does not map.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "./default_config.ts";
 * const config = defaultConfig({ rootless: true, uid: 1000, gid: 1000 });
 * config.linux?.uidMappings; // [{ containerID: 0, hostID: 1000, size: 1 }]
 * ```
 */
import { SPEC_VERSION } from "../version.ts";
import type { NamespaceType } from "../linux/namespaces.ts";
import type { Config, Mount } from "./types/config.ts";

export interface DefaultConfigOptions {
  rootless?: boolean;
  /** host uid to map to root in the rootless variant (default: the effective uid) */
  uid?: number;
  /** host gid to map to root in the rootless variant (default: the effective gid) */
  gid?: number;
}

type DefaultConfigShape = ReturnType<typeof baseConfig>;

const CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

export function defaultConfig(options: DefaultConfigOptions = {}): Config {
  const config = baseConfig();
  return options.rootless ? toRootless(config, options) : config;
}

function baseConfig() {
  return {
    ociVersion: SPEC_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ["sh"],
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
      cwd: "/",
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS] },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: "rootfs", readonly: true },
    hostname: "rongqi",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      {
        destination: "/dev/pts", type: "devpts", source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
      },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: "rwm" }] },
      namespaces: (["pid", "network", "ipc", "uts", "mount", "cgroup"] as const).map((type) => ({ type })),
      maskedPaths: [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
      ],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  } satisfies Config;
}

function toRootless(config: DefaultConfigShape, options: DefaultConfigOptions): Config {
  const uid = options.uid ?? process.geteuid?.() ?? 0;
  const gid = options.gid ?? process.getegid?.() ?? 0;
  const mounts = config.mounts
    .filter((m) => m.type !== "cgroup")
    .map((m): Mount => {
      if (m.type === "sysfs") return { destination: m.destination, type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"] };
      if (!m.options) return m;
      return { ...m, options: m.options.filter((o) => !o.startsWith("uid=") && !o.startsWith("gid=")) };
    });
  const namespaces: { type: NamespaceType }[] = config.linux.namespaces.filter((n) => n.type !== "network");
  namespaces.push({ type: "user" });
  const { resources: _dropped, ...linux } = config.linux;
  return {
    ...config,
    mounts,
    linux: {
      uidMappings: [{ containerID: 0, hostID: uid, size: 1 }],
      gidMappings: [{ containerID: 0, hostID: gid, size: 1 }],
      ...linux,
      namespaces,
    },
  };
}
