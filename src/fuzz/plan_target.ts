/**
 * Fuzz target `plan`: the native helper's wire protocol. Random plans of
 * harmless ops are encoded (protocol.ts) and then damaged byte by byte
 * (counts, lengths, opcodes, strings, the frame header) and sent to a real
 * build/rongqi-init, which must answer every input with an ERROR naming the
 * op, or run it to its EXEC, and never die of a signal, hang, or leave a
 * process behind once the runtime's end of the socket is closed.
 *
 * The C parser is where a memory-safety bug would hide, so this target is
 * its main tester. The helper runs as the unprivileged user nobody (65534)
 * with no capabilities, in the fuzzer's scratch directory: a damaged plan
 * can only do what nobody can.
 *
 * @example
 * ```ts
 * const t = planTarget();
 * await t.setup!();
 * await t.run(t.generate(new Rng(1)));
 * ```
 */
import { spawn } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import { findHelper } from "../linux/process/find_helper.ts";
import { encodeAck, encodePlan, HelperMessageDecoder, type Op } from "../linux/process/protocol.ts";
import { mutateBytes, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import type { Outcome, Target } from "./_target.ts";

const NOBODY = 65534;
const CLONE_NEWNS = 0x20000, CLONE_NEWUTS = 0x4000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWIPC = 0x8000000;
const PR_SET_NO_NEW_PRIVS = 38, PR_SET_NAME = 15;
/** A filter of one instruction: SECCOMP_RET_ALLOW. */
const ALLOW_ALL = Buffer.from([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]);

export interface PlanInput {
  /** the bytes sent on the control socket, hex */
  hex: string;
}

function randomOps(rng: Rng, scratch: string): Op[] {
  const path = () => rng.pick(["/", "/nonexistent", scratch, `${scratch}/d`, `${scratch}/a/b/c`, "relative", "/proc/self", "/dev/null", ".."]);
  const inRoot = () => rng.pick(["/x", "/a/b", "/../../etc/y", "/link/z", "/", "/dev/null"]);
  const vocabulary: (() => Op)[] = [
    () => ({ op: "umask", mask: rng.int(0o1000) }),
    () => ({ op: "notify", tag: rng.int(20) }),
    () => ({ op: "sync", tag: rng.int(20) }),
    () => ({ op: "setsid" }),
    () => ({ op: "chdir", path: path() }),
    () => ({ op: "openRoot", path: scratch }),
    () => ({ op: "mkdir", mode: 0o755, path: inRoot() }),
    () => ({ op: "symlink", target: rng.pick(["/", "..", "/etc/passwd", "x"]), path: inRoot() }),
    () => ({ op: "mknod", mode: rng.pick([0o100644, 0o010644]), major: 0, minor: 0, uid: -1, gid: -1, path: inRoot() }),
    () => ({ op: "writeFile", path: "/dev/null", data: "x" }),
    () => ({ op: "setrlimit", resource: 7, soft: 1024, hard: 1024 }),
    () => ({ op: "prctl", option: PR_SET_NAME, args: [0] }),
    () => ({ op: "prctl", option: PR_SET_NO_NEW_PRIVS, args: [1] }),
    () => ({ op: "unshare", flags: CLONE_NEWUSER | rng.pick([0, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC]) }),
    () => ({ op: "mount", source: "tmpfs", target: scratch, fstype: "tmpfs", data: "size=1m", flags: 0, create: 0, inRoot: false, keepFlags: false }),
    () => ({ op: "mount", source: "tmpfs", target: inRoot(), fstype: "tmpfs", data: "", flags: 0, create: 1, inRoot: true, keepFlags: false }),
    () => ({ op: "sethostname", name: "fuzz" }),
    () => ({ op: "closeFrom", first: 3 }),
    () => ({ op: "capset", effective: 0n, permitted: 0n, inheritable: 0n }),
    () => ({ op: "setresuid", ruid: -1, euid: -1, suid: -1 }),
    () => ({ op: "fork" }),
    () => ({ op: "seccomp", flags: 0, filter: ALLOW_ALL }),
    () => ({ op: "runHook", timeoutS: 2, path: "/bin/true", state: "{}", args: ["true"], env: [] }),
    () => ({ op: "resolveExec", file: rng.pick(["true", "/bin/true", "sh", "nope"]), path: rng.pick(["", "/bin", "/usr/bin:/bin"]) }),
  ];
  const ops: Op[] = [];
  for (let i = rng.int(12); i > 0; i--) ops.push(rng.pick(vocabulary)());
  ops.push({ op: "resolveExec", file: "/bin/true", path: "" });
  ops.push({ op: "exec", argv: ["true"], env: [] });
  return ops;
}

export function planTarget(): Target<PlanInput> {
  let dir = "";
  let scratch = "";
  const helper = findHelper();

  /** Processes of nobody still running the helper: a helper that outlived its runtime. */
  function strayHelpers(): number[] {
    return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
      try {
        const status = readFileSync(`/proc/${p}/status`, "utf8");
        return /^Uid:\s+65534\b/m.test(status) && /^Name:\s+rongqi-init$/m.test(status) && !/^State:\s+Z/m.test(status);
      } catch {
        return false;
      }
    });
  }

  function send(bytes: Buffer): Promise<Outcome> {
    return new Promise((resolve) => {
      const child = spawn(helper, ["3"], { stdio: ["ignore", "ignore", "ignore", "pipe"], uid: NOBODY, gid: NOBODY, cwd: scratch, env: {}, argv0: "rongqi-init" });
      const socket = child.stdio[3] as Socket;
      const decoder = new HelperMessageDecoder();
      let error: string | undefined, exec = false, pid = false, ended = false, malformedReply = "";
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let quiet: NodeJS.Timeout;
      const hard = setTimeout(() => {
        child.kill("SIGKILL");
        finish({ kind: "hang", detail: `still running 10 s after the plan${ended ? ", with the runtime's end closed" : ""}` });
      }, 10_000);
      // The runtime goes away after 300 ms of silence: the helper must then end by itself.
      const arm = () => {
        clearTimeout(quiet);
        quiet = setTimeout(() => {
          ended = true;
          socket.end();
        }, 300);
      };
      let done = false;
      const finish = (o: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(hard);
        clearTimeout(quiet);
        resolve(o);
      };
      child.on("exit", (code, signal) => {
        exit = { code, signal };
      });
      socket.on("error", () => {});
      socket.on("data", (chunk: Buffer) => {
        arm();
        try {
          for (const m of decoder.push(chunk)) {
            if (m.type === "sync") socket.write(encodeAck(m.tag));
            else if (m.type === "error") error = `op ${m.opIndex === 0xffffffff ? "-" : m.opIndex}: errno ${m.errno}: ${m.detail}`;
            else if (m.type === "exec") exec = true;
            else if (m.type === "pid") pid = true;
          }
        } catch (err) {
          malformedReply = (err as Error).message;
        }
      });
      socket.on("close", () => {
        // every copy of the helper's end is closed; the direct child's exit may come a moment later
        const settle = () => {
          if (malformedReply) return finish({ kind: "crash", detail: `the helper sent a malformed message: ${malformedReply}` });
          if (exit?.signal && exit.signal !== "SIGKILL") return finish({ kind: "crash", detail: `the helper died of ${exit.signal}` });
          if (error) return finish({ kind: "error", detail: error });
          if (exec) return finish({ kind: "ok" });
          if (ended) return finish({ kind: "ok", detail: "ended when the runtime went away" });
          if (exit && exit.code === 2 && !pid) return finish({ kind: "error", detail: "refused its argument" });
          finish({ kind: "crash", detail: `the helper ended without ERROR or EXEC (exit ${exit?.code ?? "?"}${pid ? ", after FORK" : ""})` });
        };
        if (exit || pid) setTimeout(settle, 20);
        else child.once("exit", () => setTimeout(settle, 0));
      });
      socket.write(bytes);
      arm();
    });
  }

  return {
    name: "plan",
    weight: 2,
    setup() {
      dir = mkdtempSync(join(tmpdir(), "rongqi-fuzz-plan-"));
      chmodSync(dir, 0o755);
      scratch = join(dir, "scratch");
      mkdirSync(scratch);
      chownSync(scratch, NOBODY, NOBODY);
    },
    teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
    generate(rng: Rng): PlanInput {
      const plan = encodePlan(randomOps(rng, scratch), { trace: rng.chance(0.2) });
      let bytes = plan;
      if (rng.chance(0.85)) {
        // damage the payload and keep the frame's length true, or damage all of it
        bytes = rng.chance(0.7) ? mutateBytes(plan.subarray(8), rng, [Buffer.from([0xff, 0xff, 0xff, 0xff])]) : mutateBytes(plan, rng);
        if (bytes !== plan && rng.chance(0.7)) {
          const head = Buffer.alloc(8);
          head.writeUInt32LE(bytes.length + 4, 0);
          head.writeUInt32LE(1, 4);
          bytes = Buffer.concat([head, bytes]);
        }
      }
      return { hex: bytes.toString("hex") };
    },
    async run(input: PlanInput): Promise<Outcome> {
      const outcome = await send(Buffer.from(input.hex, "hex"));
      if (outcome.kind === "hang") return outcome;
      // a helper whose runtime is gone must not linger (it would hold a container's setup forever)
      for (let tries = 0; tries < 100; tries++) {
        const stray = strayHelpers();
        if (!stray.length) return outcome;
        if (tries === 99) {
          for (const p of stray) process.kill(p, "SIGKILL");
          return { kind: "leak", detail: `helper processes left running: ${stray.join(" ")}` };
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return outcome;
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as PlanInput,
  };
}
