/**
 * `kill`: sends a signal to the container process (runtime.md "Kill"), or
 * with `all` to every process of the container. Only a created or running
 * container can be signalled. The signal goes through a pidfd checked
 * against the process's start time, so a reused pid is never signalled.
 *
 * @example
 * ```ts
 * kill({ root: "/run/rongqi", id: "web", signal: "TERM" });
 * ```
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { RongqiError } from "../errors.ts";
import { parseSignal } from "../linux/_signals.ts";
import { containerStatus, readRecord, type ContainerRecord } from "./container_record.ts";
import { signalProcess } from "./_kill_and_reap.ts";
import { processStartTime } from "./process_start_time.ts";
import { validateId } from "./validate_id.ts";
import { containerCgroupPids, signalContainerCgroup, thawAfterKill } from "../linux/cgroups/signal_container_cgroup.ts";

export interface KillOptions {
  root: string;
  id: string;
  /** a name (TERM, SIGTERM, RTMIN+1) or number; default SIGTERM */
  signal?: string | number;
  /** every process of the container, not only its init */
  all?: boolean;
}

function nsOf(pid: number | "self", kind: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

/**
 * Every process of the container: the processes in its cgroup; without
 * one (rootless), with its own pid namespace, the processes in that
 * namespace, otherwise the container process and its descendants.
 */
export function containerPids(record: ContainerRecord): number[] {
  const inCgroup = containerCgroupPids(record);
  if (inCgroup) return inCgroup;
  const pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
  const pidns = nsOf(record.pid, "pid");
  if (pidns && pidns !== nsOf("self", "pid")) return pids.filter((p) => nsOf(p, "pid") === pidns);
  const parent = new Map<number, number>();
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      parent.set(p, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const out = [record.pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i] && !out.includes(p)) out.push(p);
  return out;
}

export function kill(opts: KillOptions): void {
  validateId(opts.id);
  const signal = parseSignal(opts.signal ?? "SIGTERM");
  const record = readRecord(opts.root, opts.id);
  const status = containerStatus(record);
  if (status !== "created" && status !== "running" && status !== "paused") {
    throw new RongqiError(`cannot kill container "${opts.id}": it is ${status}`);
  }
  if (opts.all && record.cgroup) {
    signalContainerCgroup(record, signal);
    return;
  }
  if (opts.all) {
    for (const pid of containerPids(record)) {
      const startTime = pid === record.pid ? record.pidStartTime : String(processStartTime(pid) ?? "");
      if (startTime) signalProcess(pid, startTime, signal);
    }
    return;
  }
  if (!signalProcess(record.pid, record.pidStartTime, signal)) {
    throw new RongqiError(`cannot kill container "${opts.id}": its process has exited`);
  }
  thawAfterKill(record, signal);
}
