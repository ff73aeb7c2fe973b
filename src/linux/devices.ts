/**
 * Device nodes in the container's /dev: the spec's default devices
 * (config-linux.md "Default Devices") and `linux.devices`, created with
 * mknod, or bind-mounted from the host where a user namespace forbids mknod.
 * Also the /dev symlinks every Linux program expects (/dev/fd, stdin, ...).
 *
 * @example
 * ```ts
 * deviceOps([], { userns: false }); // mknod /dev/null, zero, full, random, urandom, tty; symlinks
 * ```
 */
import { RongqiError } from "../errors.ts";
import type { Op } from "./process/protocol.ts";
import { MS_BIND } from "./_constants.ts";

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const S_IFREG = 0o100000;

export interface DeviceSpec {
  path: string;
  type: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** The default devices every container gets (config-linux.md). */
export const DEFAULT_DEVICES: readonly DeviceSpec[] = [
  { path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/zero", type: "c", major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/full", type: "c", major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/random", type: "c", major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/urandom", type: "c", major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: "/dev/tty", type: "c", major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const DEV_LINKS: ReadonlyArray<[string, string]> = [
  ["/proc/self/fd", "/dev/fd"],
  ["/proc/self/fd/0", "/dev/stdin"],
  ["/proc/self/fd/1", "/dev/stdout"],
  ["/proc/self/fd/2", "/dev/stderr"],
];

function typeBits(d: DeviceSpec, field: string): number {
  switch (d.type) {
    case "c": case "u": return S_IFCHR;
    case "b": return S_IFBLK;
    case "p": return S_IFIFO;
    default: throw new RongqiError(`${field}.type: "${d.type}" is not one of c, b, u, p`);
  }
}

export interface DeviceContext {
  /** in a user namespace mknod is forbidden: devices are bind-mounted from the host */
  userns: boolean;
  /** /dev/pts is mounted, so /dev/ptmx links to pts/ptmx */
  devpts: boolean;
}

/**
 * A default device replaces whatever the image put at its path (never
 * following it); a device of linux.devices is `strict`: config-linux.md
 * wants an error when a file that does not match it is in the way.
 */
function oneDevice(d: DeviceSpec, field: string, ctx: DeviceContext, strict = false): Op[] {
  const mode = typeBits(d, field) | ((d.fileMode ?? 0o666) & 0o7777);
  if (d.type !== "p" && (d.major === undefined || d.minor === undefined)) {
    throw new RongqiError(`${field}: major and minor are required for device type "${d.type}"`);
  }
  if (ctx.userns && d.type !== "p") {
    // An empty regular file to bind onto, replacing whatever the image put
    // there: the bind must never follow a symlink planted at a device's path.
    return [{
      op: "mknod", path: d.path, mode: S_IFREG | 0o644, major: 0, minor: 0, uid: -1, gid: -1,
      desc: { step: `make the mount point of device ${d.path}`, field, path: d.path, syscall: "mknod" },
    }, {
      op: "mount", source: d.path, target: d.path, fstype: "", data: "", flags: MS_BIND, create: 0, inRoot: true, keepFlags: false,
      desc: { step: `bind-mount device ${d.path} from the host (user namespace)`, field, path: d.path, syscall: "mount" },
    }];
  }
  return [{
    op: "mknod", path: d.path, mode, major: d.major ?? 0, minor: d.minor ?? 0, uid: d.uid ?? 0, gid: d.gid ?? 0,
    ...(strict ? { strict: true } : {}),
    desc: { step: `create device ${d.path}`, field, path: d.path, syscall: "mknod" },
  }];
}

/** Operations that populate /dev: default devices, linux.devices and the standard links. */
export function deviceOps(devices: readonly DeviceSpec[] | undefined, ctx: DeviceContext): Op[] {
  const ops: Op[] = [];
  const configured = new Set((devices ?? []).map((d) => d.path));
  for (const d of DEFAULT_DEVICES) if (!configured.has(d.path)) ops.push(...oneDevice(d, "default devices", ctx));
  (devices ?? []).forEach((d, i) => {
    // The spec allows device nodes anywhere in the container; the path is resolved inside the rootfs.
    if (!d.path.startsWith("/")) throw new RongqiError(`linux.devices[${i}].path: "${d.path}" must be an absolute path`);
    ops.push(...oneDevice(d, `linux.devices[${i}]`, ctx, true));
  });
  for (const [target, path] of DEV_LINKS) {
    ops.push({ op: "symlink", target, path, desc: { step: `link ${path} -> ${target}`, path, syscall: "symlink" } });
  }
  if (ctx.devpts) ops.push({ op: "symlink", target: "pts/ptmx", path: "/dev/ptmx", desc: { step: "link /dev/ptmx -> pts/ptmx", path: "/dev/ptmx", syscall: "symlink" } });
  return ops;
}
