/**
 * `explain`: the ordered list of steps `create` would take for a bundle,
 * each with the config.json field it comes from, computed without doing
 * anything: no state directory, no fifo, no process. The kernel steps are
 * the plan that create sends to rongqi-init (src/linux/container_plan.ts),
 * so the list is what create really does; the runtime's own steps (state,
 * uid/gid maps, hooks) are placed at the SYNC points where create does them.
 * Steps of the `start` phase (after the process is released) are listed too,
 * marked as such.
 *
 * @example
 * ```ts
 * const { steps } = explain({ bundle: "/srv/web", root: "/run/rongqi" });
 * steps[0]; // { n: 1, by: "runtime", phase: "create", step: "load and validate config.json", path: "/srv/web/config.json" }
 * ```
 */
import { join, resolve } from "node:path";
import { containerPlan, TAG, type ContainerConfig } from "../linux/container_plan.ts";
import { planCgroup } from "../linux/cgroups/plan_cgroup.ts";
import { UNIFIED } from "../linux/cgroups/types.ts";
import { findHelper } from "../linux/process/find_helper.ts";
import { extraFdNumber } from "../linux/process/run_helper.ts";
import type { Op } from "../linux/process/protocol.ts";
import { loadConfig } from "../spec/load_config.ts";
import { FIFO_FILE, STATE_FILE } from "./container_record.ts";
import { hostFacts } from "./_host_facts.ts";
import { validateId } from "./validate_id.ts";

export interface ExplainedStep {
  /** position, from 1 */
  n: number;
  /** who takes it: rongqi itself, the rongqi-init helper (until FORK), or the container process */
  by: "runtime" | "helper" | "container";
  /** "start": taken when `rongqi start` releases the process */
  phase: "create" | "start";
  step: string;
  /** the config.json field it comes from */
  field?: string;
  syscall?: string;
  path?: string;
}

export interface ExplainOptions {
  bundle: string;
  /** the state root, to show where create would write */
  root: string;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  preserveFds?: number;
  /** shown in paths instead of a container id */
  id?: string;
}

interface HookLike {
  path: string;
}

type ExplainConfig = ContainerConfig & {
  hooks?: Record<string, HookLike[] | undefined>;
  linux?: { cgroupsPath?: string; resources?: Record<string, unknown> };
};

/** The v1 hierarchy each linux.resources group is written to (v2: the one unified directory). */
const HIERARCHY: Record<string, string> = {
  memory: "memory", cpu: "cpu", pids: "pids", devices: "devices", blockIO: "blkio", hugepageLimits: "hugetlb",
  network: "net_cls", rdma: "rdma", unified: UNIFIED,
};

export function explain(opts: ExplainOptions): { steps: ExplainedStep[]; warnings: string[] } {
  if (opts.id !== undefined) validateId(opts.id);
  const bundle = resolve(opts.bundle);
  const dir = join(resolve(opts.root), opts.id ?? "<id>");
  const loaded = loadConfig(bundle);
  const config = loaded.config as unknown as ExplainConfig;
  const id = opts.id ?? "<id>";
  const preserveFds = opts.preserveFds ?? 0;
  // The same plan options as create (src/state/create.ts); test/trace_test.ts checks that the two agree.
  const plan = containerPlan({ config, bundle, rootfs: loaded.rootfs }, {
    fifoPath: join(dir, FIFO_FILE), preserveFds, noPivot: opts.noPivot ?? false, host: hostFacts(),
    consoleFd: config.process?.terminal ? extraFdNumber(preserveFds, 0) : undefined,
    sessionKeyring: opts.noNewKeyring ? undefined : id,
  });
  const steps: Omit<ExplainedStep, "n">[] = [];
  const runtime = (phase: ExplainedStep["phase"], step: string, more: Partial<ExplainedStep> = {}) =>
    steps.push({ by: "runtime", phase, step, ...more });
  const hooks = (kind: string, phase: ExplainedStep["phase"]) =>
    (config.hooks?.[kind] ?? []).forEach((h, i) => runtime(phase, `run ${kind} hook ${h.path}`, { field: `hooks.${kind}[${i}]`, syscall: "execve", path: h.path }));

  runtime("create", "load and validate config.json", { path: join(bundle, "config.json") });
  runtime("create", "create the state directory", { syscall: "mkdir", path: dir });
  runtime("create", "lock the container", { syscall: "flock", path: dir });
  runtime("create", "write state.json", { syscall: "write", path: join(dir, STATE_FILE) });
  runtime("create", "make the exec fifo", { syscall: "mknod", path: join(dir, FIFO_FILE) });
  runtime("create", `start rongqi-init and send it the plan (${plan.ops.length} steps)`, { syscall: "execve", path: findHelper() });

  let by: ExplainedStep["by"] = "helper";
  let phase: ExplainedStep["phase"] = "create";
  for (const op of plan.ops) {
    steps.push({ by, phase, step: op.desc?.step ?? op.op, ...descFields(op) });
    if (op.op === "fork") by = "container";
    if (op.op === "waitStart") {
      phase = "start";
      runtime("start", "release the process: write the state into the exec fifo", { syscall: "write", path: join(dir, FIFO_FILE) });
    }
    if (op.op === "sync") runtimeAtSync(op.tag, config, { id, root: opts.root }, runtime, hooks);
    if (op.op === "notify" && op.tag === TAG.CREATED) runtime("create", "write state.json: created", { syscall: "write", path: join(dir, STATE_FILE) });
  }
  // `start` waits until the program runs, then runs poststart hooks.
  hooks("poststart", "start");
  return { steps: steps.map((s, i) => ({ n: i + 1, ...s })), warnings: [...loaded.warnings, ...plan.warnings] };
}

function descFields(op: Op): Partial<ExplainedStep> {
  const d = op.desc;
  return { ...(d?.field ? { field: d.field } : {}), ...(d?.syscall ? { syscall: d.syscall } : {}), ...(d?.path ? { path: d.path } : {}) };
}

/** What create's onSync does at each SYNC tag (keep in step with src/state/create.ts). */
function runtimeAtSync(
  tag: number,
  config: ExplainConfig,
  where: { id: string; root: string },
  runtime: (phase: "create", step: string, more?: Partial<ExplainedStep>) => void,
  hooks: (kind: string, phase: "create") => void,
): void {
  if (tag === TAG.USERMAP) {
    if (config.linux?.uidMappings?.length) runtime("create", "write the uid map", { field: "linux.uidMappings", syscall: "write", path: "/proc/<helper pid>/uid_map" });
    if (config.linux?.gidMappings?.length) runtime("create", "write the gid map", { field: "linux.gidMappings", syscall: "write", path: "/proc/<helper pid>/gid_map" });
  } else if (tag === TAG.CGROUP) {
    // src/linux/cgroups/setup_container_cgroup.ts: make the directories, apply the resources, move the helper in.
    const cg = planCgroup({ id: where.id, root: where.root, cgroupsPath: config.linux?.cgroupsPath });
    const dirs = [...new Set(Object.values(cg.dirs))];
    for (const d of dirs) runtime("create", "make the container's cgroup", { field: "linux.cgroupsPath", syscall: "mkdir", path: d });
    for (const key of Object.keys(config.linux?.resources ?? {})) {
      const dir = cg.dirs[HIERARCHY[key] ?? ""] ?? cg.dirs[UNIFIED];
      runtime("create", `apply linux.resources.${key}`, { field: `linux.resources.${key}`, syscall: "write", ...(dir ? { path: dir } : {}) });
    }
    runtime("create", `move rongqi-init into the cgroup (${dirs.length} ${dirs.length === 1 ? "directory" : "directories"})`, { syscall: "write", path: "cgroup.procs" });
  } else if (tag === TAG.HOOKS) {
    hooks("prestart", "create");
    hooks("createRuntime", "create");
  }
}
