/**
 * Mount options of the runtime spec (`mounts[].options`) and what each does:
 * mount(2) flags to set or clear, a propagation change, recursive
 * mount_setattr(2) attributes, or an extension that other code carries out.
 * Options not in the table are filesystem data (`mode=755`, `size=64k`).
 *
 * This table is the single source of truth: the mount code translates options
 * with {@link parseMountOptions} and `rongqi features` lists the table's names.
 *
 * @example
 * ```ts
 * import { parseMountOptions, MS_NOSUID, MS_RDONLY } from "./mount_options.ts";
 * const p = parseMountOptions(["nosuid", "ro", "mode=755", "rprivate"]);
 * p.flags === (MS_NOSUID | MS_RDONLY); // true
 * p.propagation;                      // [MS_PRIVATE | MS_REC]
 * p.data;                             // ["mode=755"]
 * ```
 */

// mount(2) flags, re-exported for the code that mounts
import {
  MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC, MS_NOSYMFOLLOW, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC, MS_SILENT, MS_POSIXACL, MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME, MS_I_VERSION, MS_STRICTATIME, MS_LAZYTIME,
} from "./_constants.ts";
export {
  MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC, MS_NOSYMFOLLOW, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC, MS_SILENT, MS_POSIXACL, MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME, MS_I_VERSION, MS_STRICTATIME, MS_LAZYTIME,
};

// mount_setattr(2) attributes
export const MOUNT_ATTR_RDONLY = 0x1;
export const MOUNT_ATTR_NOSUID = 0x2;
export const MOUNT_ATTR_NODEV = 0x4;
export const MOUNT_ATTR_NOEXEC = 0x8;
/** The atime mode field; changing the mode needs it in attr_clr. */
export const MOUNT_ATTR__ATIME = 0x70;
export const MOUNT_ATTR_RELATIME = 0x0;
export const MOUNT_ATTR_NOATIME = 0x10;
export const MOUNT_ATTR_STRICTATIME = 0x20;
export const MOUNT_ATTR_NODIRATIME = 0x80;
export const MOUNT_ATTR_IDMAP = 0x100000;
export const MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

/** What one option does. An empty object means "recognized, no effect". */
export interface MountOptionEffect {
  /** mount(2) flags the option sets */
  flags?: number;
  /** mount(2) flags the option clears */
  clearFlags?: number;
  /** propagation flags (MS_PRIVATE, ... with MS_REC) applied after the mount */
  propagation?: number;
  /** mount_setattr(2) attributes set recursively (AT_RECURSIVE) */
  recAttrSet?: number;
  /** mount_setattr(2) attributes cleared recursively */
  recAttrClr?: number;
  /** carried out by code of its own (id-mapped mounts, tmpfs copy-up) */
  extension?: true;
}

const atime = (mode: number): MountOptionEffect => ({ recAttrSet: mode, recAttrClr: MOUNT_ATTR__ATIME });

/** Every option name rongqi recognizes. */
export const MOUNT_OPTIONS: Readonly<Record<string, MountOptionEffect>> = {
  defaults: {},
  ro: { flags: MS_RDONLY }, rw: { clearFlags: MS_RDONLY },
  nosuid: { flags: MS_NOSUID }, suid: { clearFlags: MS_NOSUID },
  nodev: { flags: MS_NODEV }, dev: { clearFlags: MS_NODEV },
  noexec: { flags: MS_NOEXEC }, exec: { clearFlags: MS_NOEXEC },
  sync: { flags: MS_SYNCHRONOUS }, async: { clearFlags: MS_SYNCHRONOUS },
  dirsync: { flags: MS_DIRSYNC },
  remount: { flags: MS_REMOUNT },
  mand: { flags: MS_MANDLOCK }, nomand: { clearFlags: MS_MANDLOCK },
  noatime: { flags: MS_NOATIME }, atime: { clearFlags: MS_NOATIME },
  nodiratime: { flags: MS_NODIRATIME }, diratime: { clearFlags: MS_NODIRATIME },
  relatime: { flags: MS_RELATIME }, norelatime: { clearFlags: MS_RELATIME },
  strictatime: { flags: MS_STRICTATIME }, nostrictatime: { clearFlags: MS_STRICTATIME },
  lazytime: { flags: MS_LAZYTIME }, nolazytime: { clearFlags: MS_LAZYTIME },
  nosymfollow: { flags: MS_NOSYMFOLLOW }, symfollow: { clearFlags: MS_NOSYMFOLLOW },
  iversion: { flags: MS_I_VERSION }, noiversion: { clearFlags: MS_I_VERSION },
  acl: { flags: MS_POSIXACL }, noacl: { clearFlags: MS_POSIXACL },
  silent: { flags: MS_SILENT }, loud: { clearFlags: MS_SILENT },
  bind: { flags: MS_BIND }, rbind: { flags: MS_BIND | MS_REC },

  private: { propagation: MS_PRIVATE }, rprivate: { propagation: MS_PRIVATE | MS_REC },
  shared: { propagation: MS_SHARED }, rshared: { propagation: MS_SHARED | MS_REC },
  slave: { propagation: MS_SLAVE }, rslave: { propagation: MS_SLAVE | MS_REC },
  unbindable: { propagation: MS_UNBINDABLE }, runbindable: { propagation: MS_UNBINDABLE | MS_REC },

  rro: { recAttrSet: MOUNT_ATTR_RDONLY }, rrw: { recAttrClr: MOUNT_ATTR_RDONLY },
  rnosuid: { recAttrSet: MOUNT_ATTR_NOSUID }, rsuid: { recAttrClr: MOUNT_ATTR_NOSUID },
  rnodev: { recAttrSet: MOUNT_ATTR_NODEV }, rdev: { recAttrClr: MOUNT_ATTR_NODEV },
  rnoexec: { recAttrSet: MOUNT_ATTR_NOEXEC }, rexec: { recAttrClr: MOUNT_ATTR_NOEXEC },
  rnodiratime: { recAttrSet: MOUNT_ATTR_NODIRATIME }, rdiratime: { recAttrClr: MOUNT_ATTR_NODIRATIME },
  rnosymfollow: { recAttrSet: MOUNT_ATTR_NOSYMFOLLOW }, rsymfollow: { recAttrClr: MOUNT_ATTR_NOSYMFOLLOW },
  // The atime options pick one mode of the atime field. Undoing noatime or
  // strictatime ("ratime", "rnostrictatime") returns to the kernel's default,
  // relatime; "rnorelatime" asks for the only mode that updates every access.
  rnoatime: atime(MOUNT_ATTR_NOATIME), ratime: atime(MOUNT_ATTR_RELATIME),
  rrelatime: atime(MOUNT_ATTR_RELATIME), rnorelatime: atime(MOUNT_ATTR_STRICTATIME),
  rstrictatime: atime(MOUNT_ATTR_STRICTATIME), rnostrictatime: atime(MOUNT_ATTR_RELATIME),

  idmap: { extension: true }, ridmap: { extension: true },
  tmpcopyup: { extension: true },
};

export interface ParsedMountOptions {
  /** mount(2) flags to pass */
  flags: number;
  /** flags the options explicitly cleared (a bind remount must clear them, not inherit them) */
  clearFlags: number;
  /** propagation changes, in the order given */
  propagation: number[];
  /** mount_setattr(2) attr_set, applied with AT_RECURSIVE */
  recAttrSet: number;
  /** mount_setattr(2) attr_clr, applied with AT_RECURSIVE */
  recAttrClr: number;
  /** filesystem-specific options, for mount(2)'s data argument (join with ",") */
  data: string[];
  /** extension options present (idmap, ridmap, tmpcopyup) */
  extensions: string[];
}

/** Translates `mounts[].options`; a later option overrides an earlier one. */
export function parseMountOptions(options: readonly string[] | undefined): ParsedMountOptions {
  const out: ParsedMountOptions = {
    flags: 0, clearFlags: 0, propagation: [], recAttrSet: 0, recAttrClr: 0, data: [], extensions: [],
  };
  for (const option of options ?? []) {
    const effect = Object.hasOwn(MOUNT_OPTIONS, option) ? MOUNT_OPTIONS[option]! : undefined;
    if (!effect) {
      out.data.push(option);
      continue;
    }
    if (effect.flags) {
      out.flags |= effect.flags;
      out.clearFlags &= ~effect.flags;
    }
    if (effect.clearFlags) {
      out.flags &= ~effect.clearFlags;
      out.clearFlags |= effect.clearFlags;
    }
    if (effect.propagation) out.propagation.push(effect.propagation);
    if (effect.recAttrSet !== undefined || effect.recAttrClr !== undefined) {
      const set = effect.recAttrSet ?? 0;
      const clr = effect.recAttrClr ?? 0;
      out.recAttrSet = (out.recAttrSet & ~clr) | set;
      out.recAttrClr = (out.recAttrClr & ~set) | clr;
    }
    if (effect.extension && !out.extensions.includes(option)) out.extensions.push(option);
  }
  return out;
}

/**
 * Option names for the features document: every name the translation
 * handles. Extensions are listed only once the code that carries them out
 * says so (pass their names).
 */
export function mountOptionNames(implementedExtensions: readonly string[] = []): string[] {
  return Object.entries(MOUNT_OPTIONS)
    .filter(([name, e]) => !e.extension || implementedExtensions.includes(name))
    .map(([name]) => name)
    .sort();
}
