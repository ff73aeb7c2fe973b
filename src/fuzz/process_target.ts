/**
 * Fuzz target `process`: random and mutated process.json files (what
 * `rongqi exec --process FILE` reads), with random exec flags, go through
 * everything `exec` does before it starts the helper: loading and
 * validating the file, applying the flags (execProcess) and the exec plan
 * (execPlan) and its wire encoding. Each input must end in a plan or a
 * RongqiError.
 *
 * @example
 * ```ts
 * const t = processTarget();
 * await t.setup!();
 * await t.run(t.generate(new Rng(1)));
 * ```
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { execPlan } from "../linux/exec_plan.ts";
import { encodePlan } from "../linux/process/protocol.ts";
import { defaultConfig } from "../spec/default_config.ts";
import { execProcess, parseGid, type ExecProcessOptions } from "../state/exec_process.ts";
import { hostFacts } from "../state/_host_facts.ts";
import { CONFIG_DICT } from "./config_target.ts";
import { EDGE_STRINGS, mutateBytes, mutateJson, type Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";
import { outcomeOfThrow, type Outcome, type Target } from "./_target.ts";

export interface ProcessInput {
  /** the process.json text, or null to use a command instead */
  text: string | null;
  /** exec's flags (the strings as the command line gives them) */
  flags: { args?: string[]; cwd?: string; env?: string[]; user?: string; gids?: string[]; caps?: string[]; tty?: boolean; noNewPrivs?: boolean; preserveFds?: number };
}

const FLAG_STRINGS = [...EDGE_STRINGS, "0", "1000", "1000:1000", "0:0", ":", "1:", ":1", "x:y", "4294967295", "4294967294:4294967294",
  "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_FOO", "NAME=VALUE", "NOEQUALS", "=x", "/tmp", "sh", "-c", "true"];

export function processTarget(): Target<ProcessInput> {
  let dir = "";
  const pool: Json[] = [];
  const host = hostFacts();
  return {
    name: "process",
    weight: 1,
    setup() {
      dir = mkdtempSync(join(tmpdir(), "rongqi-fuzz-process-"));
      pool.length = 0;
      pool.push(defaultConfig().process as unknown as Json, { cwd: "/", args: ["true"], user: { uid: 0, gid: 0 } });
    },
    teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
    generate(rng: Rng): ProcessInput {
      const s = () => rng.pick(FLAG_STRINGS);
      const list = () => Array.from({ length: rng.int(4) }, s);
      const flags: ProcessInput["flags"] = {};
      if (rng.chance(0.3)) flags.cwd = s();
      if (rng.chance(0.3)) flags.env = list();
      if (rng.chance(0.3)) flags.user = s();
      if (rng.chance(0.2)) flags.gids = list();
      if (rng.chance(0.3)) flags.caps = list();
      if (rng.chance(0.1)) flags.tty = true;
      if (rng.chance(0.2)) flags.noNewPrivs = true;
      if (rng.chance(0.2)) flags.preserveFds = rng.pick([0, 1, 3, 100, 2 ** 31, -1]);
      if (rng.chance(0.2)) return { text: null, flags: { ...flags, args: list() } };
      const text = JSON.stringify(mutateJson(rng.pick(pool), rng, CONFIG_DICT)) ?? "";
      return { text: rng.chance(0.1) ? mutateBytes(Buffer.from(text), rng).toString("latin1") : text, flags };
    },
    async run(input: ProcessInput): Promise<Outcome> {
      const f = input.flags;
      try {
        const opts: ExecProcessOptions = {
          args: f.args, cwd: f.cwd, env: f.env, user: f.user, additionalGids: f.gids?.map(parseGid), caps: f.caps, tty: f.tty, noNewPrivs: f.noNewPrivs,
        };
        if (input.text !== null) {
          const file = join(dir, "process.json");
          writeFileSync(file, input.text, "latin1");
          opts.processFile = file;
        }
        const base = defaultConfig().process as unknown as Parameters<typeof execProcess>[0];
        const proc = execProcess(base, opts);
        const preserveFds = f.preserveFds ?? 0;
        if (!Number.isSafeInteger(preserveFds) || preserveFds < 0) throw new RongqiError("--preserve-fds: not a count"); // the CLI's parser refuses these
        const plan = execPlan(proc, {
          namespaces: [{ type: "mount", fd: 4 }, { type: "pid", fd: 5 }], userRoot: false, consoleFd: proc.terminal ? 6 : undefined,
          preserveFds, lastCap: host.lastCap, grantable: host.bounding, setgroups: true,
        });
        encodePlan(plan.ops, { trace: false });
        return { kind: "ok" };
      } catch (err) {
        return outcomeOfThrow(err, (e) => e instanceof RongqiError);
      }
    },
    feedback(input, outcome) {
      if (outcome.kind !== "ok" || input.text === null || input.text.length > 50_000 || pool.length > 300) return;
      try {
        pool.push(JSON.parse(input.text) as Json);
      } catch {
        // not JSON
      }
    },
    save: (input) => input as unknown as Json,
    load: (saved) => saved as unknown as ProcessInput,
  };
}
