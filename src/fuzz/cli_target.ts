/**
 * Fuzz target `cli`: random command lines for bin/rongqi, built from the
 * command registry (every command, its flags by type, its arguments) and
 * then damaged (values of the wrong kind, unknown flags, missing values,
 * `--flag=value`, dropped or repeated words). Each runs as a real process
 * against a private state root with real containers (busybox bundles) and
 * must end in time with success or `rongqi: ...` lines and an exit code,
 * never a stack trace or a signal; afterwards every container it made must
 * delete cleanly and leave no process, mount, cgroup or state behind.
 *
 * Every path a command line can name lies in the fuzzer's sandbox directory
 * (the state root, bundles, pid files, logs, the image store), so nothing
 * outside it is touched.
 *
 * @example
 * ```ts
 * const t = cliTarget();
 * await t.setup!();
 * await t.run(t.generate(new Rng(1)));
 * await t.teardown!();
 * ```
 */
import { fileIdentity } from "../state/container_record.ts";
import { spawn } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../cmd/commands/index.ts";
import type { AnyCommand, FlagDef } from "../../cmd/command.ts";
import { GLOBAL_FLAGS } from "../../cmd/_global_flags.ts";
import { defaultConfig } from "../spec/default_config.ts";
import { EDGE_STRINGS, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import type { Outcome, Target } from "./_target.ts";

const TOP = join(dirname(fileURLToPath(import.meta.url)), "../..");
const RONGQI = join(TOP, "bin/rongqi");
const TIMEOUT_MS = 20_000;
/** Commands that only touch the snapshotter's store, given a --store in the sandbox; the rest are the runtime's. */
const SKIPPED = new Set(["snapshot"]);

export interface CliInput {
  /** the arguments after `--root <sandbox root>`; "@S" stands for the sandbox directory */
  argv: string[];
}

/** A busybox root filesystem with the few applets the bundles run. */
function makeRootfs(dir: string): void {
  for (const d of ["bin", "proc", "sys", "dev", "tmp", "etc"]) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync("/bin/busybox", join(dir, "bin/busybox"));
  chmodSync(join(dir, "bin/busybox"), 0o755);
  for (const a of ["sh", "true", "sleep", "cat", "ls"]) symlinkSync("busybox", join(dir, "bin", a));
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
}

function writeBundle(dir: string, args: [string, ...string[]]): void {
  mkdirSync(dir, { recursive: true });
  makeRootfs(join(dir, "rootfs"));
  const c = defaultConfig();
  c.process!.terminal = false;
  c.process!.args = args;
  c.root = { path: "rootfs", readonly: false };
  writeFileSync(join(dir, "config.json"), JSON.stringify(c));
}

/** dev:ino of a path, "" when it is gone. */
function identity(path: string): string {
  return fileIdentity(path) ?? "";
}

export function cliTarget(): Target<CliInput> {
  let sandbox = "";
  let root = "";
  let ids: string[] = [];
  let rootfsIds: string[] = [];
  const commands = COMMANDS.filter((c) => !SKIPPED.has(c.name));
  const prefix = `fz${process.pid}`;

  const values = (rng: Rng): Record<string, () => string> => ({
    id: () => (rng.chance(0.85) ? rng.pick(ids) : rng.pick(EDGE_STRINGS)),
    path: () => rng.pick(["@S/bundle", "@S/sleeper", "@S/broken", "@S/nonexistent", "@S/file", "@S/out/pid", "@S/out/log", "@S/out/x.json",
      "@S/process.json", "@S/process-bad.json", "@S", "/dev/null", "", "@S/out/../bundle", "@S/sock", ...EDGE_STRINGS.filter((s) => !s.startsWith("/"))]),
    number: () => rng.pick(["0", "1", "2", "3", "9", "15", "-1", "1.5", "65", "4294967296", "1e3", "x", "", "0x10", "007"]),
    signal: () => rng.pick(["KILL", "SIGKILL", "TERM", "9", "15", "0", "64", "65", "SIGRTMIN+2", "RTMAX-1", "SIGFOO", "", "-9", "sigterm", "HUP", "CHLD"]),
    word: () => rng.pick(["true", "sh", "-c", "exit 3", "sleep", "0", "ls", "/", "cat", "/proc/self/status", "/nonexistent", "--", "-x", ...EDGE_STRINGS.slice(0, 20)]),
    duration: () => rng.pick(["1s", "500ms", "0", "-1s", "1m", "x", "", "0.001ms"]),
  });

  function flagValue(f: FlagDef, v: Record<string, () => string>, rng: Rng): string {
    if (f.choices && rng.chance(0.7)) return rng.pick(f.choices);
    if (f.type === "uint") return v.number!();
    const n = f.name;
    if (n === "signal") return v.signal!();
    if (n === "interval") return v.duration!();
    if (/file|bundle|log|socket|root|store|process|cwd|dest|b$/.test(n) || n === "bundle") return v.path!();
    if (n === "user" || n === "additional-gids") return rng.pick(["0", "1000", "0:0", "1000:1000", "x", "-1", ":", "4294967295"]);
    if (n === "cap") return rng.pick(["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_FOO", "cap_chown", ""]);
    if (n === "env") return rng.pick(["A=B", "NOEQUALS", "=x", "PATH=/bin", ""]);
    return rng.chance(0.5) ? v.word!() : rng.pick(EDGE_STRINGS);
  }

  function flagWords(f: FlagDef, v: Record<string, () => string>, rng: Rng): string[] {
    const name = f.short && rng.chance(0.3) ? `-${f.short}` : `--${f.name}`;
    if (f.type === "boolean") return rng.chance(0.1) ? [`${name}=${rng.pick(["true", "false", "x"])}`] : [name];
    const value = flagValue(f, v, rng);
    if (rng.chance(0.05)) return [name]; // value missing
    return rng.chance(0.3) && name.startsWith("--") ? [`${name}=${value}`] : [name, value];
  }

  function commandLine(rng: Rng): string[] {
    const v = values(rng);
    const cmd: AnyCommand = rng.pick(commands);
    const words: string[] = [];
    for (const g of GLOBAL_FLAGS) {
      if (g.name === "root" || g.name === "help" || g.name === "version" || !rng.chance(0.08)) continue;
      words.push(...flagWords(g, v, rng));
    }
    let name = [cmd.name];
    let flags: readonly FlagDef[] = cmd.flags;
    let args = cmd.args;
    const actions = (cmd as { actions?: readonly AnyCommand[] }).actions;
    if (actions?.length) {
      const action = rng.pick(actions);
      name = action.name.split(" ");
      flags = action.flags;
      args = action.args;
    }
    words.push(...name);
    const rest: string[] = [];
    for (const f of flags) if (rng.chance(f.name === "store" ? 1 : 0.35)) rest.push(...flagWords(f, v, rng));
    for (const a of args) {
      if (a.optional && rng.chance(0.5)) continue;
      const n = a.variadic ? 1 + rng.int(3) : 1;
      for (let i = 0; i < n; i++) {
        rest.push(/id|name|image/.test(a.name) ? v.id!() : /bundle|source|dest|path/.test(a.name) ? v.path!() : /signal/.test(a.name) ? v.signal!() : v.word!());
      }
    }
    words.push(...rest);
    // damage
    for (let i = rng.int(3); i > 0; i--) {
      const at = rng.int(words.length + 1);
      switch (rng.int(5)) {
        case 0: words.splice(at, 1); break;
        case 1: words.splice(at, 0, words[at] ?? "--"); break;
        case 2: words.splice(at, 0, rng.pick(["--nope", "-z", "--", "-", "---x", "--help", "--root", "--debug", "-h"])); break;
        case 3: words.splice(at, 0, rng.pick(EDGE_STRINGS.filter((s) => !s.startsWith("/")))); break;
        default: if (words.length > 1) { const j = rng.int(words.length); [words[at % words.length], words[j]] = [words[j]!, words[at % words.length]!]; }
      }
    }
    return words;
  }

  /** Runs rongqi; resolves with its status, signal, stderr and whether it timed out. */
  function runRongqi(argv: string[], timeoutMs = TIMEOUT_MS): Promise<{ status: number | null; signal: string | null; stderr: string; stdout: string; timedOut: boolean }> {
    const out = openSync(join(sandbox, "out/.stdout"), "w+");
    const err = openSync(join(sandbox, "out/.stderr"), "w+");
    const child = spawn(RONGQI, ["--root", root, ...argv], { cwd: join(sandbox, "cwd"), stdio: ["ignore", out, err], env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
    closeSync(out);
    closeSync(err);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    return new Promise((resolve) => {
      child.on("exit", (status, signal) => {
        clearTimeout(timer);
        resolve({ status, signal, timedOut, stdout: readFileSync(join(sandbox, "out/.stdout"), "utf8"), stderr: readFileSync(join(sandbox, "out/.stderr"), "utf8") });
      });
    });
  }

  /** Deletes every container of the sandbox root; returns what could not be cleaned. */
  async function clean(): Promise<string[]> {
    const problems: string[] = [];
    let entries: string[] = [];
    try {
      entries = readdirSync(root);
    } catch {
      return problems;
    }
    for (const id of entries) {
      const d = await runRongqi(["delete", "--force", id]);
      if (d.status !== 0) problems.push(`delete --force ${JSON.stringify(id)}: ${d.stderr.trim() || `exit ${d.status}`}`);
    }
    // still-running processes of the sandbox's containers (their root is a sandbox rootfs)
    for (let tries = 0; tries < 50; tries++) {
      const left = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && rootfsIds.includes(identity(`/proc/${p}/root`)));
      const alive = left.filter((p) => {
        try {
          return !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z ");
        } catch {
          return false;
        }
      });
      if (!alive.length) break;
      if (tries === 49) problems.push(`processes left: ${alive.join(" ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const mounts = readFileSync("/proc/self/mountinfo", "utf8").split("\n").map((l) => l.split(" ")[4] ?? "").filter((m) => m.startsWith(sandbox));
    if (mounts.length) problems.push(`mounts left: ${mounts.join(" ")}`);
    try {
      const rest = readdirSync(root);
      if (rest.length) problems.push(`state left: ${rest.join(" ")}`);
    } catch {
      // no root
    }
    return problems;
  }

  return {
    name: "cli",
    weight: 2,
    async setup() {
      sandbox = mkdtempSync(join(tmpdir(), "rongqi-fuzz-cli-"));
      chmodSync(sandbox, 0o755);
      root = join(sandbox, "root");
      for (const d of ["out", "cwd", "store"]) mkdirSync(join(sandbox, d));
      writeBundle(join(sandbox, "bundle"), ["true"]);
      writeBundle(join(sandbox, "sleeper"), ["sleep", "1000"]);
      mkdirSync(join(sandbox, "broken"));
      writeFileSync(join(sandbox, "broken/config.json"), '{"ociVersion": "1.0.0", "process": ');
      writeFileSync(join(sandbox, "file"), "not a directory\n");
      writeFileSync(join(sandbox, "process.json"), JSON.stringify({ cwd: "/", args: ["true"], user: { uid: 0, gid: 0 } }));
      writeFileSync(join(sandbox, "process-bad.json"), '{"cwd": 1}');
      rootfsIds = [identity(join(sandbox, "bundle/rootfs")), identity(join(sandbox, "sleeper/rootfs"))];
      ids = Array.from({ length: 4 }, (_, i) => `${prefix}-${i}`);
    },
    async teardown() {
      await clean();
      rmSync(sandbox, { recursive: true, force: true });
    },
    generate(rng: Rng): CliInput {
      // the sandbox path is replaced at run time, so saved inputs replay anywhere
      // (a command line cannot hold a NUL byte: execve ends each word there)
      const argv = commandLine(rng).map((w) => w.replaceAll(sandbox, "@S").replaceAll("\0", ""));
      return { argv };
    },
    async run(input: CliInput): Promise<Outcome> {
      const argv = input.argv.map((w) => w.replaceAll("@S", sandbox));
      // a container to act on, half the time
      if (argv.some((w) => ids.includes(w)) && Math.random() < 0.5 && !existsSync(join(root, ids[0]!))) {
        await runRongqi(["run", "-d", "-b", join(sandbox, "sleeper"), ids[0]!]);
      }
      const events = argv.includes("events") && !argv.includes("--stats");
      const r = await runRongqi(argv, events ? 3000 : TIMEOUT_MS);
      const problems = await clean();
      if (r.timedOut && !events) return { kind: "hang", detail: `no end after ${TIMEOUT_MS / 1000}s` };
      if (r.signal && !r.timedOut) return { kind: "crash", detail: `killed by ${r.signal}: ${r.stderr.slice(0, 500)}` };
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      // a log record (--debug, --log-format) is one line; a raw stack trace is not
      const unexpected = lines.filter((l) => !l.startsWith("rongqi: ") && !/^(time=|\{")/.test(l));
      const isRunOrExec = argv.includes("run") || argv.includes("exec");
      if (unexpected.length && !(isRunOrExec && r.status !== 0 && !lines.some((l) => /^\s+at |node:internal/.test(l)))) {
        return { kind: "crash", detail: `unexpected output on stderr: ${unexpected.slice(0, 5).join(" | ").slice(0, 500)}` };
      }
      if (problems.length) return { kind: "leak", detail: problems.join("; ") };
      if (r.status === 0 || r.timedOut) return { kind: "ok" };
      if (!lines.length && !isRunOrExec) return { kind: "crash", detail: `exit ${r.status} without a word` };
      return { kind: "error", detail: lines.find((l) => l.startsWith("rongqi: ")) ?? `exit ${r.status}` };
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as CliInput,
  };
}
