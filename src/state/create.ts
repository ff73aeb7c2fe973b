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
import { runHelper, type HelperOutcome } from "../linux/process/run_helper.ts";
import { syscall } from "../linux/syscall.ts";
import { loadConfig } from "../spec/load_config.ts";
import { SPEC_VERSION } from "../version.ts";
import { FIFO_FILE, fileIdentity, ociState, writeRecord, type ContainerRecord } from "./container_record.ts";
import { createContainerDir } from "./create_container_dir.ts";
import { hostFacts } from "./_host_facts.ts";
import { runHooks, runHooksWarn } from "./hooks.ts";
import { writeIdMaps, type IdMapping } from "./_id_maps.ts";
import { lockContainer } from "./lock_container.ts";
import { processStartTime } from "./process_start_time.ts";
import { removeContainerDir } from "./remove_container_dir.ts";
import { validateId } from "./validate_id.ts";
import { writeFileAtomic } from "./json_file.ts";
import { killAndReap } from "./_kill_and_reap.ts";
import { faultPoint } from "./_fault.ts";

export interface CreateOptions {
  root: string;
  id: string;
  bundle: string;
  pidFile?: string;
  preserveFds?: number;
  noPivot?: boolean;
  consoleSocket?: string;
  /** called with each step's timing when tracing */
  onStep?: (desc: Op["desc"], startNs: bigint, endNs: bigint) => void;
  /** stdio of the container: the runtime's own by default */
  stdio?: [number, number, number];
}

export interface Created {
  record: ContainerRecord;
  warnings: string[];
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
  const loaded = loadConfig(bundle);
  const config = loaded.config as unknown as ContainerConfig & { annotations?: Record<string, string>; hooks?: Record<string, never> };
  if (config.process?.terminal && !opts.consoleSocket) {
    throw new RongqiError("process.terminal: a terminal needs --console-socket (or `run` in the foreground); terminals are not supported yet");
  }
  if (opts.consoleSocket) throw new RongqiError("--console-socket: terminals are not supported yet");
  const preserveFds = opts.preserveFds ?? 0;
  const dir = createContainerDir(opts.root, opts.id);
  faultPoint("create:dir");
  const lock = lockContainer(opts.root, opts.id);
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
  try {
    writeRecord(opts.root, record);
    const fifo = join(dir, FIFO_FILE);
    syscall.mkfifo(fifo, 0o600);

    const plan = containerPlan({ config, bundle, rootfs: loaded.rootfs }, {
      fifoPath: fifo, preserveFds, noPivot: opts.noPivot ?? false, host: hostFacts(),
    });
    warnings.push(...plan.warnings);
    for (const w of warnings) log.warn(w);
    for (let fd = 3; fd < 3 + preserveFds; fd++) syscall.setCloexec(fd, false);

    const outcome = await runHelper({
      ops: plan.ops,
      stdio: opts.stdio ?? [0, 1, 2],
      preserveFds,
      trace: opts.onStep !== undefined,
      stopAtNotify: [TAG.CREATED],
      onPid: (pid) => {
        containerPid = pid;
        record.pid = pid;
        record.pidStartTime = String(processStartTime(pid) ?? 0);
        writeRecord(opts.root, record);
        faultPoint("create:pid");
      },
      onStep: opts.onStep ? (step) => opts.onStep!(plan.ops[step.opIndex]?.desc, step.startNs, step.endNs) : undefined,
      onSync: async (tag, ctx) => {
        faultPoint(`create:sync${tag}`);
        if (tag === TAG.USERMAP) writeIdMaps(ctx.helperPid, config.linux?.uidMappings as IdMapping[], config.linux?.gidMappings as IdMapping[]);
        else if (tag === TAG.HOOKS) {
          const state = ociState(record, "creating");
          const hooks = loaded.config.hooks as Record<string, never> | undefined;
          runHooks(hooks?.["prestart"], "prestart", state);
          runHooks(hooks?.["createRuntime"], "createRuntime", state);
          // createContainer hooks run next, inside the container, with this state.
          return JSON.stringify(state);
        }
      },
    });
    if (outcome.kind === "error") throw helperError(plan.ops, outcome);
    if (outcome.kind !== "notified") {
      throw new RongqiError(`container process ended during setup (${outcome.kind === "died" ? (outcome.signal ?? `exit ${outcome.code}`) : outcome.kind})`);
    }
    faultPoint("create:created");
    if (opts.pidFile) writeFileAtomic(resolve(opts.pidFile), String(record.pid));
    record.creator = { pid: 0, startTime: "0" };
    writeRecord(opts.root, record);
    return { record, warnings };
  } catch (err) {
    // Undo: kill the process (its mount namespace and mounts go with it),
    // run poststop hooks, remove the state directory.
    if (containerPid) killAndReap(containerPid, record.pidStartTime);
    const hooks = loaded.config.hooks as Record<string, never> | undefined;
    if (hooks?.["poststop"]) runHooksWarn(hooks["poststop"], "poststop", ociState(record, "stopped"), (m) => log.warn(m));
    removeContainerDir(opts.root, opts.id);
    throw err;
  } finally {
    lock.release();
  }
}
