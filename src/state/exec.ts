/**
 * `exec`: runs a new process inside a created, running (or, with
 * `ignorePaused`, paused) container, as `runc exec` does. The process joins
 * every namespace of the container's init (opened here from
 * /proc/<init>/ns/* and handed to the helper; user first, mount last), its
 * cgroup, and gets its own attributes (exec_process.ts, exec_plan.ts).
 * With `ignorePaused` a paused container's frozen cgroup is joined too, as
 * runc does: the process runs once the container is resumed.
 *
 * In the foreground (the default) the runtime becomes a child subreaper, so
 * the process is re-parented to it when the helper exits; it forwards the
 * signals it receives, proxies the terminal when there is one, and returns
 * the process's exit status (128+N when killed by signal N). With `detach`
 * it returns once the process runs, leaving it to the caller (containerd's
 * shim and conmon are subreapers and reap it); `pidFile` gets its host pid.
 *
 * @example
 * ```ts
 * const status = await exec({ root: "/run/rongqi", id: "web", args: ["ls", "/"] });
 * await exec({ root, id: "web", processFile: "p.json", detach: true, pidFile: "exec.pid" });
 * ```
 */
import { readFileSync, readlinkSync } from "node:fs";
import { constants } from "node:os";
import { resolve } from "node:path";
import { RongqiError, SyscallError } from "../errors.ts";
import { log } from "../log.ts";
import { cgroupManager } from "../linux/cgroups/cgroup_manager.ts";
import { joinContainerCgroup } from "../linux/cgroups/join_container_cgroup.ts";
import { TAG } from "../linux/container_plan.ts";
import { execPlan } from "../linux/exec_plan.ts";
import { NAMESPACE_KINDS, type NamespaceType } from "../linux/namespaces.ts";
import { extraFdNumber, runHelper, type HelperContext } from "../linux/process/run_helper.ts";
import { traced } from "../trace/span.ts";
import { traceHelper } from "../trace/trace_helper.ts";
import { signalName } from "../linux/_signals.ts";
import { exitCodeOf } from "../linux/_wait_status.ts";
import { O_CLOEXEC, O_RDONLY, syscall, type WaitResult } from "../linux/syscall.ts";
import { terminalChannel } from "../linux/terminal_channel.ts";
import { proxyTerminal, terminalSize, type TerminalProxy } from "../linux/terminal_proxy.ts";
import type { Personality, Seccomp } from "../spec/types/config.ts";
import { containerStatus, ociState, readRecord, type ContainerRecord } from "./container_record.ts";
import { helperError } from "./create.ts";
import { faultPoint } from "./_fault.ts";
import { execProcess, type ExecProcessOptions } from "./exec_process.ts";
import { hostFacts } from "./_host_facts.ts";
import { writeFileAtomic } from "./json_file.ts";
import { signalProcess } from "./_kill_and_reap.ts";
import { processStartTime } from "./process_start_time.ts";
import { validateId } from "./validate_id.ts";

const PR_SET_CHILD_SUBREAPER = 36;
const ECHILD = 10;
const FORWARDED: NodeJS.Signals[] = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCONT", "SIGTSTP"];

export interface ExecOptions extends ExecProcessOptions {
  root: string;
  id: string;
  consoleSocket?: string;
  detach?: boolean;
  pidFile?: string;
  /** pass the runtime's fds 3 .. 3+N-1 to the process */
  preserveFds?: number;
  ignorePaused?: boolean;
  /** stdio of the process: the runtime's own by default */
  stdio?: [number, number, number];
}

/** An open namespace of the container's init, to be joined. */
interface NsFd {
  type: NamespaceType;
  fd: number;
}

function nsLink(pid: number | "self", kind: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

/**
 * Opens the namespaces in which the container's init differs from the
 * runtime, then checks the init is still the container's process, so the
 * fds cannot belong to a process that reused its pid.
 */
function openNamespaces(record: ContainerRecord): NsFd[] {
  const out: NsFd[] = [];
  try {
    for (const [type, kind] of Object.entries(NAMESPACE_KINDS) as [NamespaceType, (typeof NAMESPACE_KINDS)[NamespaceType]][]) {
      const theirs = nsLink(record.pid, kind.proc);
      if (theirs === undefined || theirs === nsLink("self", kind.proc)) continue;
      out.push({ type, fd: syscall.open(`/proc/${record.pid}/ns/${kind.proc}`, O_RDONLY | O_CLOEXEC) });
    }
    if (String(processStartTime(record.pid) ?? "") !== record.pidStartTime) {
      throw new RongqiError(`cannot exec in container "${record.id}": its process has exited`);
    }
    return out;
  } catch (err) {
    for (const n of out) syscall.close(n.fd);
    throw err;
  }
}

/** True when container id 0 is mapped in every line set of `/proc/PID/{uid,gid}_map`. */
function rootMapped(pid: number): boolean {
  const maps = ["uid_map", "gid_map"].map((f) => readFileSync(`/proc/${pid}/${f}`, "utf8"));
  return maps.every((text) =>
    text.split("\n").some((line) => {
      const [inside, , count] = line.trim().split(/\s+/).map(Number);
      return inside !== undefined && count !== undefined && inside <= 0 && 0 < inside + count;
    }));
}

/** waitpid for a process that becomes our child when the helper that forked it exits. */
async function waitReparented(pid: number): Promise<WaitResult> {
  for (let tries = 0; ; tries++) {
    try {
      return await syscall.waitpidAsync(pid);
    } catch (err) {
      if (!(err instanceof SyscallError && err.errno === ECHILD) || tries >= 200) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Returns the process's exit status in the foreground, 0 when detached. */
export async function exec(opts: ExecOptions): Promise<number> {
  validateId(opts.id);
  const record = readRecord(opts.root, opts.id);
  const status = containerStatus(record);
  if (status === "stopped") throw new RongqiError(`cannot exec in container "${opts.id}": it is stopped`);
  if (status === "creating") throw new RongqiError(`cannot exec in container "${opts.id}": it is still being created`);
  if (status === "paused" && !opts.ignorePaused) {
    throw new RongqiError(`cannot exec in container "${opts.id}": it is paused (use --ignore-paused to exec anyway; the process stays frozen until resume)`);
  }
  const warnings: string[] = [];
  const config = record.config as { process?: Parameters<typeof execProcess>[0]; linux?: { seccomp?: Seccomp; personality?: Personality } };
  const proc = execProcess(config.process, opts, warnings);
  const preserveFds = opts.preserveFds ?? 0;
  const detach = opts.detach === true;

  const channel = terminalChannel(proc.terminal === true, { consoleSocket: opts.consoleSocket, foreground: !detach, what: "exec" });
  if (channel?.proxied) {
    // The pty follows the runtime's terminal (as runc resizes it); sized in
    // the helper already, the process never sees another size first.
    const size = terminalSize([0, 1, 2]);
    if (size) proc.consoleSize = { height: size.rows, width: size.cols };
  }
  let namespaces: NsFd[] = [];
  let proxy: TerminalProxy | undefined;
  try {
    namespaces = openNamespaces(record);
    const joinsUser = namespaces.some((n) => n.type === "user");
    const host = hostFacts();
    const setgroupsDenied = joinsUser && readFileSync(`/proc/${record.pid}/setgroups`, "utf8").trim() === "deny";
    if (setgroupsDenied && proc.user.additionalGids?.length) {
      throw new RongqiError("process.user.additionalGids: the container's user namespace denies setgroups (/proc/<init>/setgroups is \"deny\")");
    }
    const extra = [...(channel ? [channel.helperEnd] : []), ...namespaces.map((n) => n.fd)];
    const helperFd = (fd: number) => extraFdNumber(preserveFds, extra.indexOf(fd));
    const plan = execPlan(proc, {
      namespaces: namespaces.map((n) => ({ type: n.type, fd: helperFd(n.fd) })),
      userRoot: joinsUser && rootMapped(record.pid),
      consoleFd: channel ? helperFd(channel.helperEnd) : undefined,
      preserveFds,
      lastCap: host.lastCap,
      grantable: joinsUser ? (1n << BigInt(host.lastCap + 1)) - 1n : host.bounding,
      setgroups: !setgroupsDenied,
      seccomp: config.linux?.seccomp,
      personality: config.linux?.personality,
    });
    // A seccomp agent gets the container's state with the listener fd: the ACK carries it.
    const stateForAgent = plan.ops.some((o) => o.op === "seccompListener") ? JSON.stringify(ociState(record, status)) : undefined;
    warnings.push(...plan.warnings);
    for (const w of warnings) log.warn(w);
    for (let fd = 3; fd < 3 + preserveFds; fd++) syscall.setCloexec(fd, false);
    if (!detach) syscall.prctl(PR_SET_CHILD_SUBREAPER, 1);

    let pid = 0;
    let startTime = "";
    const ht = traceHelper(plan.ops, { processLabel: "exec'd process" });
    const outcome = await traced("run the plan in rongqi-init", () => runHelper({
      ops: plan.ops,
      stdio: opts.stdio ?? [0, 1, 2],
      preserveFds,
      extraFds: extra,
      trace: ht.enabled,
      onStep: (step, ctx) => ht.onStep(step, ctx),
      onPid: (p) => {
        pid = p;
        startTime = String(processStartTime(p) ?? "");
        faultPoint("exec:pid");
      },
      onSync: ht.sync((tag: number, ctx: HelperContext) => {
        if (tag !== TAG.CGROUP) return;
        faultPoint("exec:cgroup");
        // The helper joins; its fork inherits the cgroup. With --ignore-paused
        // it joins the frozen cgroup, as in runc: the process runs on resume
        // (and rongqi waits until it has).
        if (status === "paused" && record.cgroup) cgroupManager(record.cgroup).addProcess(ctx.helperPid);
        else joinContainerCgroup(record, ctx.helperPid);
        return stateForAgent;
      }),
    }), { cat: "helper", args: { ops: plan.ops.length } });
    for (const n of namespaces.splice(0)) syscall.close(n.fd);
    channel?.closeHelperEnd();
    if (outcome.kind === "error") {
      const err = helperError(plan.ops, outcome);
      ht.failed(outcome, err.message);
      throw err;
    }
    if (outcome.kind !== "exec") {
      throw new RongqiError(`exec: the process ended before it ran ${JSON.stringify(proc.args![0])}${outcome.kind === "died" && outcome.signal ? ` (${outcome.signal})` : ""}`);
    }
    faultPoint("exec:ran");
    if (opts.pidFile) writeFileAtomic(resolve(opts.pidFile), String(pid));
    if (detach) return 0;

    if (channel?.proxied) proxy = proxyTerminal(channel.receiveMaster());
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const sig of FORWARDED) {
      if (sig === "SIGWINCH" && proxy) continue; // the proxy resizes the pty, and the kernel signals the process
      const h = () => {
        signalProcess(pid, startTime, constants.signals[sig]);
      };
      handlers.set(sig, h);
      process.on(sig, h);
    }
    try {
      const ended = (await waitReparented(pid)).status;
      if (ended.kind === "signaled") log.debug(`exec'd process killed by ${signalName(ended.signal)}`);
      return exitCodeOf(ended);
    } finally {
      for (const [sig, h] of handlers) process.off(sig, h);
    }
  } finally {
    for (const n of namespaces) syscall.close(n.fd);
    await proxy?.finish();
    channel?.close();
  }
}
