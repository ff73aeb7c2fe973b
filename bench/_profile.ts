// A profile of one rongqi call, to say where its time goes: the call's own
// --trace (wall-clock steps of the runtime, the helper and the container,
// from process start) and a V8 CPU profile (--cpu-prof: what the runtime's
// CPU time was spent on).
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { ChromeTrace } from "../src/trace/chrome_trace.ts";
import { TOP } from "../test/_bundle.ts";

export interface Phase {
  name: string;
  ms: number;
  /** nesting under the command (0: top level) */
  depth: number;
}

export interface Profile {
  argv: string[];
  /** wall time of the profiled call (profiling adds to it) */
  wallMs: number;
  /** the runtime's steps from its trace, when the command takes --trace */
  phases: Phase[];
  /** time of Node's start-up and of loading rongqi, before the command ran */
  startupMs?: number;
  /** kernel steps of the helper and the container process */
  kernel?: { steps: number; ms: number; longest: { name: string; ms: number }[] };
  cpu: { totalMs: number; categories: { name: string; ms: number }[]; top: { name: string; where: string; ms: number }[] };
}

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const TRACED = new Set(["create", "run", "delete", "exec"]);

/** Runs `rongqi --root ROOT ...args` once under --cpu-prof (and --trace when the command has it). */
export function profileCall(opts: { install: string; root: string; args: string[]; dir: string }): Profile {
  mkdirSync(opts.dir, { recursive: true });
  const [cmd, ...rest] = opts.args;
  const traceFile = join(opts.dir, "trace.json");
  const traced = TRACED.has(cmd!);
  const argv = [join(TOP, "node_modules/node/bin/node"), "--disable-warning=ExperimentalWarning", "--cpu-prof", "--cpu-prof-dir", opts.dir,
    "--cpu-prof-interval", "100", join(opts.install, "dist/rongqi.mjs"), "--root", opts.root, cmd!, ...(traced ? ["--trace", traceFile] : []), ...rest];
  const t0 = process.hrtime.bigint();
  // stderr goes to a file: a created container inherits it and would hold a pipe open.
  const errFile = join(opts.dir, "stderr.txt");
  const err = openSync(errFile, "w");
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", err] });
  closeSync(err);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`profiling ${opts.args.join(" ")} failed: ${readFileSync(errFile, "utf8").trim()}`);
  const prof = readdirSync(opts.dir).find((f) => f.endsWith(".cpuprofile"));
  if (!prof) throw new Error("no .cpuprofile written");
  const cpu = summarizeCpu(JSON.parse(readFileSync(join(opts.dir, prof), "utf8")) as CpuProfile);
  const out: Profile = { argv: ["rongqi", ...opts.args], wallMs, phases: [], cpu };
  if (traced) Object.assign(out, summarizeTrace(JSON.parse(readFileSync(traceFile, "utf8")) as ChromeTrace));
  return out;
}

function category(node: CpuNode): string {
  const { functionName: fn, url } = node.callFrame;
  if (fn === "(idle)") return "idle: waiting for child processes and I/O";
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(program)") return "V8 and Node native work (parsing, compiling, start-up)";
  if (url.startsWith("node:internal/modules") || url.startsWith("node:internal/bootstrap")) return "Node: loading modules";
  if (url.startsWith("node:")) return "Node: built-in JavaScript";
  if (url.includes("/node_modules/koffi/")) return "koffi (FFI)";
  if (url.includes("/dist/")) return `rongqi code (${basename(url).replace(/-[A-Z0-9]{8}\.mjs$/, "")})`;
  if (url === "") return "native functions called from JavaScript (system calls)";
  return basename(url);
}

export function summarizeCpu(p: CpuProfile): Profile["cpu"] {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    const us = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1]! : Math.max(0, p.endTime - (p.startTime + p.timeDeltas.slice(0, i + 1).reduce((a, b) => a + b, 0)));
    self.set(id, (self.get(id) ?? 0) + us);
  });
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const cats = new Map<string, number>();
  const fns = new Map<string, { name: string; where: string; ms: number }>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(root)") continue;
    const ms = us / 1000;
    total += ms;
    const c = category(node);
    cats.set(c, (cats.get(c) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName.startsWith("(")) continue;
    const where = url ? `${basename(url)}:${lineNumber + 1}` : "native";
    const key = `${functionName}@${where}`;
    const f = fns.get(key) ?? { name: functionName || "(anonymous)", where, ms: 0 };
    f.ms += ms;
    fns.set(key, f);
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    totalMs: round(total),
    categories: [...cats].map(([name, ms]) => ({ name, ms: round(ms) })).sort((a, b) => b.ms - a.ms),
    top: [...fns.values()].sort((a, b) => b.ms - a.ms).slice(0, 12).map((f) => ({ ...f, ms: round(f.ms) })),
  };
}

export function summarizeTrace(trace: ChromeTrace): Pick<Profile, "phases" | "startupMs" | "kernel"> {
  const x = trace.traceEvents.filter((e) => e.ph === "X");
  const runtimePid = trace.traceEvents.find((e) => e.name === "process_sort_index" && e.args?.["sort_index"] === 0)?.pid;
  const own = x.filter((e) => e.pid === runtimePid).sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
  const phases: Phase[] = [];
  const stack: { end: number }[] = [];
  for (const e of own) {
    while (stack.length && e.ts! >= stack.at(-1)!.end - 1e-6) stack.pop();
    phases.push({ name: e.name, ms: e.dur! / 1000, depth: stack.length });
    stack.push({ end: e.ts! + e.dur! });
  }
  const startupMs = own.filter((e) => e.cat === "node").reduce((a, e) => a + e.dur! / 1000, 0);
  const kernel = x.filter((e) => e.pid !== runtimePid);
  return {
    phases,
    startupMs,
    kernel: {
      steps: kernel.length,
      ms: kernel.reduce((a, e) => a + e.dur! / 1000, 0),
      longest: [...kernel].sort((a, b) => b.dur! - a.dur!).slice(0, 5).map((e) => ({ name: e.name, ms: e.dur! / 1000 })),
    },
  };
}
