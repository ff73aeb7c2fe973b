/**
 * What rongqi remembers about a container: `<root>/<id>/state.json`,
 * written atomically, and the container's status derived from the real
 * process (its pid plus its start time, so a reused pid is never mistaken
 * for the container).
 *
 * @example
 * ```ts
 * const record = readRecord("/run/rongqi", "web");
 * containerStatus(record); // "running"
 * ociState(record);        // the spec's state JSON
 * ```
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { SPEC_VERSION } from "../version.ts";
import { cgroupPaused } from "../linux/cgroups/cgroup_paused.ts";
import type { CgroupRecord } from "../linux/cgroups/types.ts";
import { readJson, writeJsonAtomic } from "./json_file.ts";
import { isProcessAlive } from "./process_start_time.ts";

export type ContainerStatus = "creating" | "created" | "running" | "paused" | "stopped";

export interface ContainerRecord {
  ociVersion: string;
  id: string;
  bundle: string;
  rootfs: string;
  /** host pid of the container process; 0 until it exists */
  pid: number;
  /** its start time in clock ticks since boot (/proc/PID/stat field 22), as a decimal string */
  pidStartTime: string;
  /** the `create` call while it runs: pid and start time */
  creator: { pid: number; startTime: string };
  /** ISO time of creation */
  created: string;
  owner: string;
  annotations: Record<string, string>;
  /** the config as it was at create: later edits to config.json must not affect the container */
  config: Record<string, unknown>;
  /** dev:ino of the helper binary, to tell a process still waiting in `created` from one that exec'd */
  helper: string;
  /** the container process has been released by `start` */
  started: boolean;
  /** the container's cgroup: directories, which rongqi made, resources in force (absent: none, e.g. rootless) */
  cgroup?: CgroupRecord;
}

export const STATE_FILE = "state.json";
export const FIFO_FILE = "exec.fifo";

export function recordPath(root: string, id: string): string {
  return join(root, id, STATE_FILE);
}

export function readRecord(root: string, id: string): ContainerRecord {
  const path = recordPath(root, id);
  try {
    statSync(path);
  } catch {
    throw new RongqiError(`container "${id}" does not exist`);
  }
  return readJson(path) as ContainerRecord;
}

export function writeRecord(root: string, record: ContainerRecord): void {
  writeJsonAtomic(recordPath(root, record.id), record);
}

/** The process is still the one that started at startTime, and has not exited (a zombie has). */
function alive(pid: number, startTime: string): boolean {
  return pid > 0 && /^\d+$/.test(startTime) && isProcessAlive(pid, BigInt(startTime));
}

/** dev:ino of a file, following links (for /proc/PID/exe: the executable). */
export function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The container's status, from the real process. */
export function containerStatus(record: ContainerRecord, isPaused: (r: ContainerRecord) => boolean = (r) => cgroupPaused(r.cgroup)): ContainerStatus {
  if (!record.pid) return alive(record.creator.pid, record.creator.startTime) ? "creating" : "stopped";
  if (!alive(record.pid, record.pidStartTime)) return "stopped";
  // Until it execs, the container process is the helper waiting for `start`.
  // An unprivileged runtime cannot see the exe of the helper (not dumpable):
  // then a process never started is still the helper.
  const exe = fileIdentity(`/proc/${record.pid}/exe`);
  if (exe === record.helper || (exe === undefined && !record.started)) {
    return alive(record.creator.pid, record.creator.startTime) ? "creating" : "created";
  }
  return isPaused(record) ? "paused" : "running";
}

/** The runtime spec's state (runtime.md "State"), with runc's extra fields. */
export function ociState(record: ContainerRecord, status: ContainerStatus = containerStatus(record)) {
  return {
    ociVersion: SPEC_VERSION,
    id: record.id,
    status,
    pid: status === "stopped" ? 0 : record.pid,
    bundle: record.bundle,
    rootfs: record.rootfs,
    created: record.created,
    owner: record.owner,
    annotations: record.annotations,
  };
}
