/**
 * `mounts` of config.json turned into helper operations, in order.
 *
 * Every destination is resolved inside the rootfs by the helper
 * (openat2 RESOLVE_IN_ROOT), so `..` and symlinks cannot lead a mount
 * outside the container. Bind mounts are made first and then remounted to
 * apply ro/nosuid/nodev/noexec and atime flags, since the kernel ignores
 * those on the initial MS_BIND; propagation flags and recursive attributes
 * (rro, rnosuid, ...) follow as separate steps.
 *
 * @example
 * ```ts
 * mountOps([{ destination: "/proc", type: "proc", source: "proc" }], ctx);
 * ```
 */
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { RongqiError } from "../../errors.ts";
import type { Op } from "../process/protocol.ts";
import { MS_BIND, MS_REC, MS_REMOUNT, parseMountOptions } from "../mount_options.ts";
import { cgroupMountOps } from "./cgroup_mount.ts";
import { procMountCheck } from "./proc_mount_check.ts";
import { unownedNamespaceMount, type UnownedNamespaces } from "./unowned_namespace_mount.ts";

/** The `procTarget` field for a mount op: present only when true. */
const procTargetOf = (c: { procTarget: boolean }) => (c.procTarget ? { procTarget: true } : {});

/** Mount option extensions carried out by code of their own (see mount_options.ts). */
export const IMPLEMENTED_EXTENSIONS: readonly string[] = ["tmpcopyup"];

export interface MountSpec {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface MountContext {
  bundle: string;
  /** a new user namespace: remounts must keep the locked flags of the source */
  userns: boolean;
  /** warnings for the user (deprecated relative destinations, ...) */
  warnings: string[];
  /** without a cgroup namespace: the container's cgroup directories by host mount point (cgroupMountOps' `own`) */
  cgroupDirs?: Record<string, string>;
  /** in a user namespace: namespaces it does not own, whose sysfs/mqueue become binds of the host's (unowned_namespace_mount.ts) */
  unowned?: UnownedNamespaces;
}

/** Flags that take effect only on a remount of a bind mount. */
const MS_BIND_REMOUNT_FLAGS = 0x1 | 0x2 | 0x4 | 0x8 | 0x400 | 0x800 | 0x200000 | 0x1000000 | 0x100;

/** Normalizes a destination: relative ones are deprecated and taken relative to "/". */
export function mountDestination(m: MountSpec, field: string, warnings: string[]): string {
  if (!m.destination) throw new RongqiError(`${field}.destination: must not be empty`);
  if (isAbsolute(m.destination)) return m.destination;
  warnings.push(`${field}.destination: relative destination "${m.destination}" is deprecated; taken as "/${m.destination}"`);
  return "/" + m.destination;
}

export function mountOps(mounts: readonly MountSpec[] | undefined, ctx: MountContext): Op[] {
  const ops: Op[] = [];
  (mounts ?? []).map((m) => unownedNamespaceMount(m, ctx.unowned)).forEach((m, i) => {
    const field = `mounts[${i}]`;
    const dest = mountDestination(m, field, ctx.warnings);
    const opts = parseMountOptions(m.options);
    const type = m.type ?? "";
    const what = `${type || "bind"} on ${dest} (${field})`;
    const unsupported = opts.extensions.filter((e) => !IMPLEMENTED_EXTENSIONS.includes(e));
    if (unsupported.length) {
      throw new RongqiError(`${field}.options: ${unsupported.join(", ")} not supported yet`);
    }
    if (opts.extensions.includes("tmpcopyup")) {
      if (type !== "tmpfs") throw new RongqiError(`${field}.options: tmpcopyup applies to tmpfs mounts only, not "${type || "bind"}"`);
      ops.push({
        op: "tmpcopyup", target: dest, flags: opts.flags & ~MS_REC, data: opts.data.join(","),
        desc: { step: `mount tmpfs on ${dest} with a copy of its contents (${field})`, field, path: dest, syscall: "mount" },
      });
      for (const p of opts.propagation) {
        ops.push({
          op: "mount", source: "", target: dest, fstype: "", data: "", flags: p, create: 0, inRoot: true, keepFlags: false,
          desc: { step: `set propagation of ${dest}`, field, path: dest, syscall: "mount" },
        });
      }
      return;
    }
    if (type === "cgroup" || type === "cgroup2") {
      ops.push(...cgroupMountOps(dest, opts, field, undefined, ctx.cgroupDirs));
      return;
    }
    const bind = (opts.flags & MS_BIND) !== 0;
    if (bind) {
      if (!m.source) throw new RongqiError(`${field}.source: a bind mount needs a source`);
      const source = isAbsolute(m.source) ? m.source : resolve(ctx.bundle, m.source);
      let isDir: boolean;
      try {
        isDir = statSync(source).isDirectory();
      } catch (err) {
        throw new RongqiError(`${field}.source: cannot bind-mount "${source}": ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
      ops.push({
        op: "mount", source, target: dest, fstype: "", data: "", flags: MS_BIND | (opts.flags & MS_REC),
        create: isDir ? 1 : 2, inRoot: true, keepFlags: false, ...procTargetOf(procMountCheck(dest, m, field, true, source)),
        desc: { step: `bind-mount ${source} on ${dest}`, field, path: dest, syscall: "mount" },
      });
      const remountFlags = opts.flags & MS_BIND_REMOUNT_FLAGS;
      if (remountFlags || opts.flags & MS_REMOUNT) {
        ops.push({
          op: "mount", source: "", target: dest, fstype: "", data: "", flags: MS_BIND | MS_REMOUNT | remountFlags,
          create: 0, inRoot: true, keepFlags: ctx.userns,
          desc: { step: `apply options ${(m.options ?? []).join(",")} to ${dest}`, field, path: dest, syscall: "mount(MS_REMOUNT)" },
        });
      }
    } else {
      ops.push({
        op: "mount", source: m.source ?? type, target: dest, fstype: type, data: opts.data.join(","),
        flags: opts.flags & ~MS_REC, create: 1, inRoot: true, keepFlags: false, ...procTargetOf(procMountCheck(dest, m, field, false)),
        desc: { step: `mount ${what}`, field, path: dest, syscall: "mount" },
      });
    }
    for (const p of opts.propagation) {
      ops.push({
        op: "mount", source: "", target: dest, fstype: "", data: "", flags: p, create: 0, inRoot: true, keepFlags: false,
        desc: { step: `set propagation of ${dest}`, field, path: dest, syscall: "mount" },
      });
    }
    if (opts.recAttrSet || opts.recAttrClr) {
      ops.push({
        op: "mountSetattr", target: dest, inRoot: true, attrSet: opts.recAttrSet, attrClr: opts.recAttrClr,
        desc: { step: `set recursive attributes of ${dest}`, field, path: dest, syscall: "mount_setattr" },
      });
    }
  });
  return ops;
}
