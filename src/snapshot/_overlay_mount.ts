/**
 * Mounts a container's overlay: the image's layers as lowerdirs (top layer
 * first, as overlayfs lists them), the snapshot's upper and work directories.
 *
 * Paths are escaped for the option string (`\`, `,` and `:` get a
 * backslash). When the options do not fit in the page that mount(2) copies
 * (about 35 layers with store paths of ~115 characters), the layers are
 * given one at a time through the new mount API (`fsconfig(lowerdir+)`,
 * Linux 6.8), up to overlayfs's limit of 500 layers. A read-only overlay of a
 * one-layer image gets the store's empty directory as a second lower layer:
 * overlayfs needs two lowerdirs when there is no upperdir.
 *
 * @example
 * ```ts
 * mountOverlay({ lowers: [top, base], upper, work, target: "/b/rootfs" }); // "mount" or "fsconfig"
 * unmountOverlay("/b/rootfs");
 * ```
 */
import { readFileSync } from "node:fs";
import { RongqiError, SyscallError } from "../errors.ts";
import { AT_FDCWD, close, fsconfig, fsmount, fsopen, moveMount, MS_RDONLY, mount, read, umount2 } from "../linux/syscall.ts";

export interface OverlaySpec {
  /** lower directories, top layer first */
  lowers: readonly string[];
  upper?: string;
  work?: string;
  target: string;
  readonly?: boolean;
}

/** overlayfs's maximum number of lower layers (OVL_MAX_STACK). */
export const MAX_LAYERS = 500;
/** mount(2) copies at most one page of options, NUL included. */
const PAGE = 4096;
/** Options that keep the upper directory a plain diff of the image (what `diff` and `commit` read). */
const RW_OPTIONS = ["index=off", "redirect_dir=off", "metacopy=off"];

const FSOPEN_CLOEXEC = 1;
const FSCONFIG_SET_STRING = 1;
const FSCONFIG_SET_FLAG = 0;
const FSCONFIG_CMD_CREATE = 6;
const FSMOUNT_CLOEXEC = 1;
const MOUNT_ATTR_RDONLY = 1;
const MOVE_MOUNT_F_EMPTY_PATH = 4;

export function escapeOverlayPath(path: string, colon = true): string {
  return path.replace(colon ? /[\\,:]/g : /[\\,]/g, (c) => `\\${c}`);
}

/** The mount(2) option string for `spec`. */
export function overlayOptions(spec: OverlaySpec): string {
  const parts = [`lowerdir=${spec.lowers.map((l) => escapeOverlayPath(l)).join(":")}`];
  if (spec.upper !== undefined) {
    parts.push(`upperdir=${escapeOverlayPath(spec.upper, false)}`, `workdir=${escapeOverlayPath(spec.work!, false)}`, ...RW_OPTIONS);
  }
  return parts.join(",");
}

/** Mounts the overlay; returns how: one mount(2) call, or the new mount API for long layer lists. */
export function mountOverlay(spec: OverlaySpec): "mount" | "fsconfig" {
  if (spec.lowers.length > MAX_LAYERS) {
    throw new RongqiError(`the image has ${spec.lowers.length} layers; overlayfs stacks at most ${MAX_LAYERS}`);
  }
  if ((spec.upper === undefined) !== (spec.work === undefined)) throw new RongqiError("an overlay needs both upperdir and workdir, or neither");
  const options = overlayOptions(spec);
  const flags = spec.readonly ? MS_RDONLY : 0;
  if (Buffer.byteLength(options) < PAGE) {
    mount("overlay", spec.target, "overlay", flags, options);
    return "mount";
  }
  mountWithFsconfig(spec);
  return "fsconfig";
}

function mountWithFsconfig(spec: OverlaySpec): void {
  const fd = fsopen("overlay", FSOPEN_CLOEXEC);
  try {
    const set = (key: string, value: string | null) => {
      try {
        fsconfig(fd, value === null ? FSCONFIG_SET_FLAG : FSCONFIG_SET_STRING, key, value);
      } catch (err) {
        throw explain(err, fd, key);
      }
    };
    set("source", "overlay");
    for (const lower of spec.lowers) set("lowerdir+", lower);
    if (spec.upper !== undefined) {
      set("upperdir", spec.upper);
      set("workdir", spec.work!);
      for (const o of RW_OPTIONS) {
        const [k, v] = o.split("=");
        set(k!, v!);
      }
    }
    try {
      fsconfig(fd, FSCONFIG_CMD_CREATE, null, null);
    } catch (err) {
      throw explain(err, fd, "create");
    }
    const mnt = fsmount(fd, FSMOUNT_CLOEXEC, spec.readonly ? MOUNT_ATTR_RDONLY : 0);
    try {
      moveMount(mnt, "", AT_FDCWD, spec.target, MOVE_MOUNT_F_EMPTY_PATH);
    } finally {
      close(mnt);
    }
  } finally {
    close(fd);
  }
}

/** Adds the kernel's own message (read from the fs context) to a failed fsconfig. */
function explain(err: unknown, fd: number, key: string): Error {
  let msg = "";
  try {
    msg = read(fd, 1024).toString().trim();
  } catch {
    // no message queued
  }
  if (key === "lowerdir+" && err instanceof SyscallError && err.code === "EINVAL" && msg === "") {
    return new RongqiError(`this image's layer paths do not fit in one mount option page, and this kernel has no overlay "lowerdir+" option (Linux 6.8 and later)`, { cause: err });
  }
  if (msg && err instanceof RongqiError) return err.wrap(`overlay: ${msg.replace(/^[ewi] /, "")}`);
  return err as Error;
}

/** Whether `path` is a mount point (listed in /proc/self/mountinfo). */
export function isMountPoint(path: string): boolean {
  const info = readFileSync("/proc/self/mountinfo", "utf8");
  for (const line of info.split("\n")) {
    const field = line.split(" ")[4];
    if (field !== undefined && unescapeMountinfo(field) === path) return true;
  }
  return false;
}

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Unmounts `target`; a busy mount gets an error that says what to do. */
export function unmountOverlay(target: string): void {
  try {
    umount2(target, 0);
  } catch (err) {
    if (err instanceof SyscallError && err.code === "EBUSY") {
      throw new RongqiError(`${target} is busy: a container or process is still using it (stop and delete the container first)`, { cause: err });
    }
    throw err;
  }
}
