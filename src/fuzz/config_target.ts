/**
 * Fuzz target `config`: random and mutated config.json files go through
 * everything `create` does before it starts a process: reading and
 * validating the bundle (loadConfig), the cgroup plan, the container plan
 * (mounts, devices, namespaces, capabilities, seccomp, ...) and its wire
 * encoding. Nothing is executed, so thousands of inputs run per second.
 * Each must end in a plan or a RongqiError; any other exception is a crash
 * (the CLI would print something no user can act on).
 *
 * @example
 * ```ts
 * const t = configTarget();
 * await t.setup!();
 * const outcome = await t.run(t.generate(new Rng(1)));
 * ```
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RongqiError } from "../errors.ts";
import { cgroupMountSources, planCgroup } from "../linux/cgroups/plan_cgroup.ts";
import { containerPlan, type ContainerConfig } from "../linux/container_plan.ts";
import { encodePlan } from "../linux/process/protocol.ts";
import { defaultConfig } from "../spec/default_config.ts";
import { loadConfig } from "../spec/load_config.ts";
import { hostFacts } from "../state/_host_facts.ts";
import { mutateBytes, mutateJson, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import { outcomeOfThrow, type Outcome, type Target } from "./_target.ts";

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), "../spec/testdata");

/** Strings of config.json's domain, for the mutator. */
export const CONFIG_DICT: readonly string[] = [
  "ociVersion", "process", "root", "path", "readonly", "mounts", "destination", "type", "source", "options", "hostname", "domainname",
  "linux", "namespaces", "uidMappings", "gidMappings", "containerID", "hostID", "size", "devices", "cgroupsPath", "resources",
  "memory", "limit", "swap", "cpu", "shares", "quota", "period", "cpus", "mems", "pids", "blockIO", "weight", "hugepageLimits",
  "sysctl", "seccomp", "defaultAction", "architectures", "syscalls", "names", "action", "args", "index", "value", "op",
  "maskedPaths", "readonlyPaths", "rootfsPropagation", "mountLabel", "intelRdt", "personality", "domain", "timeOffsets",
  "terminal", "consoleSize", "user", "uid", "gid", "umask", "additionalGids", "env", "cwd", "capabilities", "bounding",
  "effective", "permitted", "inheritable", "ambient", "rlimits", "soft", "hard", "noNewPrivileges", "oomScoreAdj",
  "apparmorProfile", "selinuxLabel", "scheduler", "policy", "nice", "ioPriority", "class", "priority", "execCPUAffinity",
  "hooks", "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", "timeout", "annotations",
  "pid", "network", "mount", "ipc", "uts", "cgroup", "time", "netDevices", "name", "major", "minor", "fileMode", "allow", "access",
  "rwm", "c", "b", "p", "u", "a", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_NOTIFY", "SCMP_CMP_EQ",
  "SCMP_CMP_MASKED_EQ", "net.ipv4.ip_forward", "kernel.shmmax", "fs.mqueue.msg_max", "/proc/kcore", "/proc/sys", "/dev/pts",
  "newinstance", "ptmxmode=0666", "rshared", "rslave", "runbindable", "idmap", "ridmap", "nodev", "noexec", "strictatime",
  "CAP_CHOWN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_AUDIT_WRITE", "RLIMIT_CORE", "RLIMIT_NPROC", "SCHED_FIFO", "SCHED_OTHER",
  "IOPRIO_CLASS_RT", "LINUX32", "monotonic", "boottime", "secs", "nanosecs", "1.0.2", "1.2.0", "0.1.0",
];

function seeds(): Json[] {
  const out: Json[] = [defaultConfig() as unknown as Json, defaultConfig({ rootless: true, uid: 1000, gid: 1000 }) as unknown as Json];
  for (const f of ["full.json", "minimal.json", "runc_spec_default.json"]) {
    try {
      out.push(JSON.parse(readFileSync(join(TESTDATA, f), "utf8")) as Json);
    } catch {
      // a seed less
    }
  }
  return out;
}

/** config.json as text (mostly mutated JSON, sometimes damaged bytes). */
export type ConfigInput = { text: string };

export function configTarget(): Target<ConfigInput> {
  let dir = "";
  let bundle = "";
  let pool: Json[] = [];
  const host = hostFacts();
  return {
    name: "config",
    weight: 3,
    setup() {
      dir = mkdtempSync(join(tmpdir(), "rongqi-fuzz-config-"));
      bundle = join(dir, "bundle");
      mkdirSync(join(bundle, "rootfs"), { recursive: true });
      pool = seeds();
    },
    teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
    generate(rng: Rng): ConfigInput {
      const doc = mutateJson(rng.pick(pool), rng, CONFIG_DICT);
      const text = JSON.stringify(doc);
      if (text === undefined) return { text: "" };
      if (rng.chance(0.01)) {
        // nesting deeper than any object mutation makes: the parser and the validators must cope
        const depth = rng.pick([1000, 10_000, 100_000]);
        const [open, close] = rng.chance(0.5) ? ["[", "]"] : ['{"a":', "}"];
        return { text: text.replace(/"cwd":"[^"]*"/, `"cwd":${open.repeat(depth)}1${close.repeat(depth)}`) };
      }
      return { text: rng.chance(0.1) ? mutateBytes(Buffer.from(text), rng).toString("latin1") : text };
    },
    async run(input: ConfigInput): Promise<Outcome> {
      writeFileSync(join(bundle, "config.json"), input.text, "latin1");
      try {
        const loaded = loadConfig(bundle);
        const linux = loaded.config.linux as { cgroupsPath?: string } | undefined;
        const cgroup = planCgroup({ id: "fuzz", root: dir, cgroupsPath: linux?.cgroupsPath });
        const plan = containerPlan({ config: loaded.config as unknown as ContainerConfig, bundle, rootfs: loaded.rootfs }, {
          fifoPath: join(dir, "exec.fifo"), preserveFds: 0, noPivot: false, host, cgroupDirs: cgroupMountSources(cgroup), sessionKeyring: "fuzz",
        });
        encodePlan(plan.ops, { trace: false });
        return { kind: "ok" };
      } catch (err) {
        return outcomeOfThrow(err, (e) => e instanceof RongqiError);
      }
    },
    feedback(input, outcome) {
      // mutants that made it through become seeds: the next ones go deeper
      if (outcome.kind !== "ok" || input.text.length > 50_000) return;
      try {
        const doc = JSON.parse(input.text) as Json;
        if (pool.length < 500) pool.push(doc);
        else pool[2 + Math.floor(Math.random() * (pool.length - 2))] = doc;
      } catch {
        // not JSON after all
      }
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as ConfigInput,
  };
}
