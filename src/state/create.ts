/**
 * `create`: makes a container from a bundle and leaves its process waiting
 * for `start` (runtime.md "Create"). On any failure everything made so far
 * is undone (process killed, state directory removed) and poststop hooks
 * run, so a failed create leaves nothing behind.
 *
 * @example
 * ```ts
 * await create({ root: "/run/rongqi", id: "web", bundle: "/srv/web" });
 * ```
 */
import { join, resolve } from "node:path";
import { RongqiError, SyscallError } from "../errors.ts";
import { log } from "../log.ts";
import { containerPlan, TAG, type ContainerConfig } from "../linux/container_plan.ts";
import type { Op } from "../linux/process/protocol.ts";
import { findHelper } from "../linux/process/find_helper.ts";
import { extraFdNumber, runHelper, type HelperContext, type HelperOutcome } from "../linux/process/run_helper.ts";
import { terminalChannel } from "../linux/terminal_channel.ts";
import { syscall } from "../linux/syscall.ts";
import { loadConfig } from "../spec/load_config.ts";
import { SPEC_VERSION } from "../version.ts";
import { FIFO_FILE, fileIdentity, ociState, writeRecord, type ContainerRecord } from "./container_record.ts";
import { createContainerDir } from "./create_container_dir.ts";
import { hostFacts } from "./_host_facts.ts";
import { runHooks, runHooksWarn } from "./hooks.ts";
import { idMapMethod, writeIdMaps, type IdMapping } from "./_id_maps.ts";
import { lockContainer } from "./lock_container.ts";
import { processStartTime } from "./process_start_time.ts";
import { removeContainerDir } from "./remove_container_dir.ts";
import { validateId } from "./validate_id.ts";
import { moveNetDevices } from "../linux/netdev/move_net_devices.ts";
import { writeFileAtomic } from "./json_file.ts";
import { killAndReap } from "./_kill_and_reap.ts";
import { traced } from "../trace/span.ts";
import { traceHelper } from "../trace/trace_helper.ts";
import { faultPoint } from "./_fault.ts";
import { removeContainerCgroup } from "../linux/cgroups/remove_container_cgroup.ts";
import { cgroupMountSources, planCgroup } from "../linux/cgroups/plan_cgroup.ts";
import { setupContainerCgroup, type SetupCgroupOptions } from "../linux/cgroups/setup_container_cgroup.ts";
import { rootlessCgroups } from "../runtime_options.ts";
import { rootlessMountSources } from "../linux/cgroups/rootless_mount_sources.ts";

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  preserveFds?: number;
  noPivot?: boolean;
  /** keep the runtime's session keyring instead of a new `_ses.<id>` one (runc --no-new-keyring) */
  noNewKeyring?: boolean;
  consoleSocket?: string;
  /** the caller stays attached (foreground `run`): a terminal's master comes back in `Created.terminal` */
  foreground?: boolean;
  /** cgroup permission errors are skipped when no limit is asked for (default: rootlessCgroups("auto")) */
  rootless?: boolean;
  /** called with each step's timing when tracing */
  onStep?: (desc: Op["desc"], startNs: bigint, endNs: bigint) => void;
  /** stdio of the container: the runtime's own by default */
  stdio?: [number, number, number];
}

export interface Created {
  record: ContainerRecord;
  warnings: string[];
  /** with `foreground` and process.terminal: the pty master, for the caller to proxy (it owns the fd) */
  terminal?: number;
}

/** Turns a helper ERROR into one clear line naming the step, field, call, path and errno. */
export function helperError(ops: readonly Op[], outcome: Extract<HelperOutcome, { kind: "error" }>): RongqiError {
  const desc = ops[outcome.opIndex]?.desc;
  if (!desc) return new RongqiError(`container setup failed: ${outcome.detail || `errno ${outcome.errno}`}`);
  const step = desc.field ? `${desc.step} (${desc.field})` : desc.step;
  const err = new SyscallError({ syscall: desc.syscall ?? "setup", errno: outcome.errno, path: desc.path, step });
  if (outcome.detail) err.message += `: ${outcome.detail}`;
  return err;
}

export async function create(opts: CreateOptions): Promise<Created> {
  validateId(opts.id);
  const bundle = resolve(opts.bundle);
  const loaded = traced("load and validate config.json", () => loadConfig(bundle), { cat: "config", args: { bundle } });
  const config = loaded.config as unknown as ContainerConfig & { annotations?: Record<string, string>; hooks?: Record<string, never> };
  const preserveFds = opts.preserveFds ?? 0;
  // process.terminal: the pty master goes to --console-socket, or back to a foreground caller.
  const console = terminalChannel(config.process?.terminal === true, { consoleSocket: opts.consoleSocket, foreground: opts.foreground === true, what: opts.foreground ? "run" : "create" });
  const dir = traced("create the state directory", () => createContainerDir(opts.root, opts.id), { cat: "state" });
  faultPoint("create:dir");
  const lock = traced("lock the container", () => lockContainer(opts.root, opts.id), { cat: "state" });
  const warnings = [...loaded.warnings];
  const self = processStartTime(process.pid);
  const record: ContainerRecord = {
    ociVersion: SPEC_VERSION,
    id: opts.id,
    bundle,
    rootfs: loaded.rootfs,
    pid: 0,
    pidStartTime: "0",
    creator: { pid: process.pid, startTime: String(self ?? 0) },
    created: new Date().toISOString(),
    owner: "",
    annotations: (config.annotations as Record<string, string> | undefined) ?? {},
    config: loaded.config as unknown as Record<string, unknown>,
    helper: fileIdentity(findHelper()) ?? "",
    started: false,
  };
  let containerPid = 0;
  const save = (why: string) => traced(`write state.json (${why})`, () => writeRecord(opts.root, record), { cat: "state" });
  try {
    save("creating");
    faultPoint("create:record");
    const fifo = join(dir, FIFO_FILE);
    traced("make the exec fifo", () => syscall.mkfifo(fifo, 0o600), { cat: "state", args: { path: fifo } });
    faultPoint("create:fifo");

    const idMaps = idMapMethod(config.linux);
    const plan = traced("build the plan", () => containerPlan({ config, bundle, rootfs: loaded.rootfs }, {
      fifoPath: fifo, preserveFds, noPivot: opts.noPivot ?? false, host: hostFacts(),
      consoleFd: console ? extraFdNumber(preserveFds, 0) : undefined,
      sessionKeyring: opts.noNewKeyring ? undefined : opts.id, setgroupsDenied: idMaps?.denySetgroups,
      cgroupDirs: rootlessMountSources(cgroupMountSources(planCgroup({ id: opts.id, root: opts.root, cgroupsPath: loaded.config.linux?.cgroupsPath })), { rootless: opts.rootless ?? rootlessCgroups("auto") }),
    }), { cat: "config" });
    const ht = traceHelper(plan.ops);
    warnings.push(...plan.warnings);
    for (const w of warnings) log.warn(w);
    for (let fd = 3; fd < 3 + preserveFds; fd++) syscall.setCloexec(fd, false);

    const outcome = await traced("run the plan in rongqi-init", () => runHelper({
      ops: plan.ops,
      stdio: opts.stdio ?? [0, 1, 2],
      preserveFds,
      extraFds: console ? [console.helperEnd] : undefined,
      trace: opts.onStep !== undefined || ht.enabled,
      stopAtNotify: [TAG.CREATED],
      onPid: (pid) => {
        containerPid = pid;
        record.pid = pid;
        record.pidStartTime = String(processStartTime(pid) ?? 0);
        // The helper runs from a sealed memfd copy of itself (CVE-2019-5736):
        // that copy, not build/rongqi-init, is what a waiting process runs.
        record.helper = fileIdentity(`/proc/${pid}/exe`) ?? record.helper;
        save(`pid ${pid}`);
        faultPoint("create:pid");
      },
      onStep: (step, ctx) => {
        ht.onStep(step, ctx);
        opts.onStep?.(plan.ops[step.opIndex]?.desc, step.startNs, step.endNs);
      },
      onSync: ht.sync(async (tag: number, ctx: HelperContext) => {
        faultPoint(`create:sync${tag}`);
        if (tag === TAG.USERMAP) writeIdMaps(ctx.helperPid, config.linux?.uidMappings as IdMapping[], config.linux?.gidMappings as IdMapping[], idMaps);
        else if (tag === TAG.CGROUP) {
          record.cgroup = setupContainerCgroup({
            id: opts.id, root: opts.root, linux: loaded.config.linux as SetupCgroupOptions["linux"], pid: ctx.pid,
            rootless: opts.rootless ?? rootlessCgroups("auto"), save: (c) => { record.cgroup = c; save("cgroup"); },
          });
          faultPoint("create:cgroup");
        } else if (tag === TAG.HOOKS) {
          const state = ociState(record, "creating");
          const hooks = loaded.config.hooks as Record<string, never> | undefined;
          const netDevices = (loaded.config.linux as { netDevices?: Record<string, { name?: string }> } | undefined)?.netDevices;
          if (netDevices) traced("move network devices", () => moveNetDevices(record.pid, netDevices));
          runHooks(hooks?.["prestart"], "prestart", state);
          runHooks(hooks?.["createRuntime"], "createRuntime", state);
          // createContainer hooks run next, inside the container, with this state.
          return JSON.stringify(state);
        }
      }),
    }), { cat: "helper", args: { ops: plan.ops.length } });
    if (outcome.kind === "error") {
      const err = helperError(plan.ops, outcome);
      ht.failed(outcome, err.message);
      throw err;
    }
    if (outcome.kind !== "notified") {
      throw new RongqiError(`container process ended during setup (${outcome.kind === "died" ? (outcome.signal ?? `exit ${outcome.code}`) : outcome.kind})`);
    }
    faultPoint("create:created");
    if (opts.pidFile) traced("write the pid file", () => writeFileAtomic(resolve(opts.pidFile!), String(record.pid)), { cat: "state" });
    faultPoint("create:pidfile");
    record.creator = { pid: 0, startTime: "0" };
    save("created");
    return { record, warnings, terminal: console?.proxied ? console.receiveMaster() : undefined };
  } catch (err) {
    // Undo: kill the process (its mount namespace and mounts go with it),
    // run poststop hooks, remove the state directory.
    if (containerPid) traced(`undo: kill and reap pid ${containerPid}`, () => killAndReap(containerPid, record.pidStartTime), { cat: "state" });
    try {
      removeContainerCgroup(record);
    } catch (e) {
      log.warn(`undo: ${(e as Error).message}`);
    }
    const hooks = loaded.config.hooks as Record<string, never> | undefined;
    if (hooks?.["poststop"]) runHooksWarn(hooks["poststop"], "poststop", ociState(record, "stopped"), (m) => log.warn(m));
    traced("undo: remove the state directory", () => removeContainerDir(opts.root, opts.id), { cat: "state" });
    throw err;
  } finally {
    console?.close();
    lock.release();
  }
}
