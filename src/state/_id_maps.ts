/**
 * The uid and gid maps of a container's new user namespace
 * (linux.uidMappings, linux.gidMappings), written by the runtime at the
 * USERMAP sync point.
 *
 * A privileged runtime (euid 0: CAP_SETUID and CAP_SETGID over its own user
 * namespace) writes /proc/PID/uid_map and gid_map itself. An unprivileged
 * one may write only a map of its own id (kernel rule, user_namespaces(7)),
 * and for the gid map only once /proc/PID/setgroups is "deny"; anything
 * more goes through the setuid tools newuidmap/newgidmap (package uidmap),
 * which allow the caller's own id and the ranges /etc/subuid and
 * /etc/subgid give it. {@link idMapMethod} decides this before anything is
 * made, checks each mapping against those ranges for a clear error, and
 * tells the plan whether setgroups will be denied (then the container
 * process keeps the runtime's supplementary groups, as with runc).
 *
 * @example
 * ```ts
 * const method = idMapMethod(config.linux);   // before the plan: may throw
 * writeIdMaps(helperPid, config.linux.uidMappings, config.linux.gidMappings, method);
 * ```
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { classifyNamespaces, createsNamespace, type NamespaceEntry } from "../linux/namespaces.ts";
import { subordinateIds, withinRanges, type IdRange } from "../linux/subordinate_ids.ts";

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface IdMapMethod {
  /** the uid map: written directly, or by `newuidmap` at this path */
  uid: { tool?: string };
  /** the gid map: written directly, or by `newgidmap` at this path */
  gid: { tool?: string };
  /** "deny" goes to /proc/PID/setgroups before the gid map: the plan must not call setgroups */
  denySetgroups: boolean;
}

/** Who the runtime is, for the choice of method (tests pass their own). */
export interface IdMapContext {
  euid: number;
  egid: number;
  /** real uid and gid: newuidmap/newgidmap allow these, and the user's /etc/subuid lines */
  uid: number;
  gid: number;
  /** the user's name, if it has one (/etc/subuid lines may name it) */
  name?: string;
  /** contents of /etc/subuid and /etc/subgid ("" when missing) */
  subuid: string;
  subgid: string;
  /** the path of an executable found on PATH (or in the usual directories), if any */
  findTool(name: string): string | undefined;
}

export function idMapText(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join("");
}

const readOr = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

function findTool(name: string): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(":").filter((d) => d.startsWith("/")), "/usr/bin", "/usr/sbin", "/bin", "/sbin"];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The running process's identity, /etc/subuid and /etc/subgid. */
export function hostIdContext(): IdMapContext {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // a uid without a passwd entry: only numeric /etc/subuid lines can name it
  }
  return {
    euid: process.geteuid!(), egid: process.getegid!(), uid: process.getuid!(), gid: process.getgid!(), name,
    subuid: readOr("/etc/subuid"), subgid: readOr("/etc/subgid"), findTool,
  };
}

/** Checks one kind of map for an unprivileged runtime; returns the tool to use, if one is needed. */
function unprivilegedMap(kind: "uid" | "gid", maps: readonly IdMapping[], ctx: IdMapContext, ranges: readonly IdRange[]): { tool?: string; allInRanges: boolean } {
  const field = kind === "uid" ? "linux.uidMappings" : "linux.gidMappings";
  const own = kind === "uid" ? ctx.euid : ctx.egid;
  const real = kind === "uid" ? ctx.uid : ctx.gid;
  const file = kind === "uid" ? "/etc/subuid" : "/etc/subgid";
  const allInRanges = maps.every((m) => withinRanges(m.hostID, m.size, ranges));
  // The kernel lets a process map its own id, alone.
  if (maps.length === 0 || (maps.length === 1 && maps[0]!.hostID === own && maps[0]!.size === 1)) return { allInRanges };
  maps.forEach((m, i) => {
    if (m.size === 1 && m.hostID === real) return;
    if (withinRanges(m.hostID, m.size, ranges)) return;
    const given = ranges.length ? ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(", ") : "none";
    throw new RongqiError(
      `${field}[${i}]: host ${kind}s ${m.hostID}-${m.hostID + m.size - 1} cannot be mapped by ${ctx.name ?? `${kind} ${real}`}: ` +
      `an unprivileged user maps its own ${kind} (${real}) and the ranges ${file} gives it (${given})`,
    );
  });
  const toolName = kind === "uid" ? "newuidmap" : "newgidmap";
  const tool = ctx.findTool(toolName);
  if (!tool) {
    throw new RongqiError(`${field}: mapping more than ${kind} ${own} as an unprivileged user needs ${toolName} (package "uidmap"), which is not installed`);
  }
  return { tool, allInRanges };
}

/**
 * How the maps of a new user namespace will be written, or undefined when
 * the config makes no user namespace. Throws a clear error for a mapping an
 * unprivileged runtime cannot make.
 */
export function idMapMethod(
  linux: { namespaces?: readonly NamespaceEntry[]; uidMappings?: unknown[]; gidMappings?: unknown[] } | undefined,
  ctx: IdMapContext = hostIdContext(),
): IdMapMethod | undefined {
  if (!createsNamespace(classifyNamespaces(linux?.namespaces), "user")) return undefined;
  if (ctx.euid === 0) return { uid: {}, gid: {}, denySetgroups: false };
  const uids = (linux?.uidMappings ?? []) as IdMapping[];
  const gids = (linux?.gidMappings ?? []) as IdMapping[];
  const user = { name: ctx.name, uid: ctx.uid };
  const uid = unprivilegedMap("uid", uids, ctx, subordinateIds(ctx.subuid, user));
  const gid = unprivilegedMap("gid", gids, ctx, subordinateIds(ctx.subgid, user));
  // A direct write needs setgroups denied; newgidmap denies it itself when a
  // mapping is allowed only as the caller's own gid (not from /etc/subgid).
  const denySetgroups = gids.length > 0 && (gid.tool === undefined || !gid.allInRanges);
  return { uid: { tool: uid.tool }, gid: { tool: gid.tool }, denySetgroups };
}

function writeProc(pid: number, file: string, text: string, field: string): void {
  try {
    writeFileSync(`/proc/${pid}/${file}`, text);
  } catch (err) {
    throw new RongqiError(`${field}: writing /proc/${pid}/${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

function runTool(tool: string, pid: number, maps: readonly IdMapping[], field: string): void {
  const args = [String(pid), ...maps.flatMap((m) => [String(m.containerID), String(m.hostID), String(m.size)])];
  try {
    execFileSync(tool, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const why = e.stderr?.trim().split("\n").join("; ") || e.message;
    throw new RongqiError(`${field}: ${tool} ${args.join(" ")} failed: ${why}`);
  }
}

export function writeIdMaps(
  pid: number, uids: readonly IdMapping[] | undefined, gids: readonly IdMapping[] | undefined,
  method: IdMapMethod = { uid: {}, gid: {}, denySetgroups: false },
): void {
  if (uids?.length) {
    if (method.uid.tool) runTool(method.uid.tool, pid, uids, "linux.uidMappings");
    else writeProc(pid, "uid_map", idMapText(uids), "linux.uidMappings");
  }
  if (method.denySetgroups) writeProc(pid, "setgroups", "deny", "linux.gidMappings");
  if (gids?.length) {
    if (method.gid.tool) runTool(method.gid.tool, pid, gids, "linux.gidMappings");
    else writeProc(pid, "gid_map", idMapText(gids), "linux.gidMappings");
  }
}
