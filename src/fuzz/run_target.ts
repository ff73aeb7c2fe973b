/**
 * Fuzz target `run`: mutated config.json files run for real. The config
 * target covers everything before a process exists; this one creates,
 * starts and deletes real containers from mutated configs, so the helper
 * meets odd mounts, devices, rlimits, seccomp filters, users, cgroup
 * resources and namespaces. Every input must end with the container
 * running (and then deleted) or a clear error, in time, and leave no state,
 * process, mount or cgroup behind.
 *
 * The mutants are made safe to run on the host first: no hooks, no
 * namespace joined by path, no network device moved, no sysctl, the root
 * filesystem and every bind source inside the sandbox, the cgroup path the
 * default one, and a program from a short list (true, exit 3, ...).
 *
 * @example
 * ```ts
 * const t = runTarget();
 * await t.setup!();
 * await t.run(t.generate(new Rng(1)));
 * await t.teardown!();
 * ```
 */
import { fileIdentity } from "../state/container_record.ts";
import { spawn } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../spec/default_config.ts";
import { CONFIG_DICT } from "./config_target.ts";
import { mutateJson, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import type { Outcome, Target } from "./_target.ts";

const TOP = join(dirname(fileURLToPath(import.meta.url)), "../..");
const RONGQI = join(TOP, "bin/rongqi");
const PROGRAMS: readonly string[][] = [["true"], ["sh", "-c", "exit 3"], ["sleep", "0.2"], ["cat", "/proc/self/status"], ["ls", "/", "/dev", "/proc/self/fd"]];
const SAFE_TYPES = new Set(["proc", "tmpfs", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2", "bind", ""]);

export interface RunInput {
  config: Json;
}

type Obj = Record<string, Json>;
const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Makes a mutant safe to run on this host (see the module comment). */
export function sanitize(doc: Json, rng: Rng): Json {
  if (!isObj(doc)) return doc;
  const c = doc;
  delete c["hooks"];
  c["root"] = isObj(c["root"]) ? { ...c["root"], path: "rootfs" } : { path: "rootfs" };
  if (isObj(c["process"])) {
    c["process"]["args"] = [...rng.pick(PROGRAMS)];
    if (rng.chance(0.9)) c["process"]["terminal"] = false;
  }
  const linux = c["linux"];
  if (isObj(linux)) {
    delete linux["netDevices"];
    delete linux["sysctl"];
    delete linux["cgroupsPath"];
    if (Array.isArray(linux["namespaces"])) {
      linux["namespaces"] = linux["namespaces"].filter((n) => !isObj(n) || n["path"] === undefined);
    }
  }
  if (Array.isArray(c["mounts"])) {
    for (const m of c["mounts"]) {
      if (!isObj(m)) continue;
      const type = typeof m["type"] === "string" ? m["type"] : "";
      const opts = Array.isArray(m["options"]) ? m["options"] : [];
      if (!SAFE_TYPES.has(type)) m["type"] = "tmpfs";
      if (type === "bind" || opts.includes("bind") || opts.includes("rbind")) m["source"] = rng.pick(["data", "data/file", "rootfs/tmp"]);
      else if (typeof m["source"] === "string" && m["source"].startsWith("/")) m["source"] = m["type"] as string;
    }
  }
  return c;
}

/** dev:ino of a path, "" when it is gone. */
function identity(path: string): string {
  return fileIdentity(path) ?? "";
}

export function runTarget(): Target<RunInput> {
  let sandbox = "";
  let bundle = "";
  let root = "";
  let rootfsId = "";
  let n = 0;
  const prefix = `fzr${process.pid}`;
  const seeds: Json[] = [];

  function rongqi(args: string[], timeoutMs = 30_000): Promise<{ status: number | null; signal: string | null; stderr: string; timedOut: boolean }> {
    const errFile = join(sandbox, "stderr");
    const err = openSync(errFile, "w+");
    const out = openSync("/dev/null", "w");
    // cwd in the sandbox: a mutated input naming a relative path must not write into the checkout
    const child = spawn(RONGQI, ["--root", root, ...args], { cwd: sandbox, stdio: ["ignore", out, err], env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
    closeSync(err);
    closeSync(out);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    return new Promise((resolve) => child.on("exit", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stderr: readFileSync(errFile, "utf8") });
    }));
  }

  function cgroupsOf(id: string): string[] {
    const out: string[] = [];
    for (const ctl of readdirSync("/sys/fs/cgroup")) {
      try {
        for (const parent of readdirSync(join("/sys/fs/cgroup", ctl))) {
          if (parent.startsWith("rongqi") && readdirSync(join("/sys/fs/cgroup", ctl, parent)).includes(id)) out.push(join(ctl, parent, id));
        }
      } catch {
        // not a directory
      }
    }
    return out;
  }

  async function leftovers(id: string): Promise<string[]> {
    for (let tries = 0; ; tries++) {
      const left: string[] = [];
      try {
        left.push(...readdirSync(root).map((e) => `state ${e}`));
      } catch {
        // no root yet
      }
      for (const p of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        if (identity(`/proc/${p}/root`) !== rootfsId) continue;
        try {
          if (!readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z ")) left.push(`process ${p}`);
        } catch {
          // gone
        }
      }
      left.push(...readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(sandbox)).map((m) => `mount ${m}`));
      left.push(...cgroupsOf(id).map((c) => `cgroup ${c}`));
      if (!left.length || tries >= 50) return left;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return {
    name: "run",
    weight: 2,
    setup() {
      sandbox = mkdtempSync(join(tmpdir(), "rongqi-fuzz-run-"));
      chmodSync(sandbox, 0o755);
      bundle = join(sandbox, "bundle");
      root = join(sandbox, "root");
      const rootfs = join(bundle, "rootfs");
      for (const d of ["bin", "proc", "sys", "dev", "tmp", "etc"]) mkdirSync(join(rootfs, d), { recursive: true });
      copyFileSync("/bin/busybox", join(rootfs, "bin/busybox"));
      chmodSync(join(rootfs, "bin/busybox"), 0o755);
      for (const a of ["sh", "true", "sleep", "cat", "ls"]) symlinkSync("busybox", join(rootfs, "bin", a));
      writeFileSync(join(rootfs, "etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
      mkdirSync(join(bundle, "data"));
      writeFileSync(join(bundle, "data/file"), "data\n");
      rootfsId = identity(rootfs);
      const c = defaultConfig();
      c.process!.terminal = false;
      c.root = { path: "rootfs", readonly: false };
      seeds.length = 0;
      seeds.push(c as unknown as Json);
      const u = structuredClone(c);
      u.linux!.namespaces!.push({ type: "user" });
      u.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      u.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      u.mounts = u.mounts!.filter((m) => m.type !== "cgroup" && m.destination !== "/sys");
      seeds.push(u as unknown as Json);
    },
    async teardown() {
      for (const id of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) await rongqi(["delete", "--force", id]);
      rmSync(sandbox, { recursive: true, force: true });
    },
    generate(rng: Rng): RunInput {
      return { config: sanitize(mutateJson(rng.pick(seeds), rng, CONFIG_DICT), rng) };
    },
    async run(input: RunInput): Promise<Outcome> {
      writeFileSync(join(bundle, "config.json"), JSON.stringify(input.config));
      // the rootfs belongs to the bundle: a mutant may chmod or fill it; give each run a sane one
      chmodSync(join(bundle, "rootfs"), 0o755);
      const id = `${prefix}-${++n}`;
      const r = await rongqi(["run", "-d", "-b", bundle, id]);
      let outcome: Outcome;
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      if (r.timedOut) outcome = { kind: "hang", detail: "run -d did not end in 30 s" };
      else if (r.signal) outcome = { kind: "crash", detail: `killed by ${r.signal}` };
      else if (lines.some((l) => !l.startsWith("rongqi: ") && !/^(time=|\{")/.test(l))) outcome = { kind: "crash", detail: `unexpected stderr: ${lines.slice(0, 4).join(" | ").slice(0, 400)}` };
      else if (r.status !== 0) outcome = { kind: "error", detail: lines[0] ?? `exit ${r.status}` };
      else outcome = { kind: "ok" };
      const st = await rongqi(["state", id]);
      if (st.status === 0 || !/does not exist/.test(st.stderr)) {
        const d = await rongqi(["delete", "--force", id]);
        if (d.status !== 0) return { kind: "leak", detail: `delete --force failed: ${d.stderr.trim()}` };
      }
      const left = await leftovers(id);
      if (left.length) {
        return { kind: "leak", detail: left.join(", ") };
      }
      return outcome;
    },
    feedback(input, outcome) {
      // configs that ran become seeds: their mutants get past validation more often
      if (outcome.kind === "ok" && seeds.length < 100) seeds.push(input.config);
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as RunInput,
  };
}
