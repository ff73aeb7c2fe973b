/**
 * Hooks the runtime runs in its own namespaces (prestart, createRuntime,
 * poststart, poststop): each gets the container's state JSON on stdin, its
 * own `env` (nothing inherited) and `args` (args[0] is argv[0]), and is
 * killed when its `timeout` (seconds) runs out.
 *
 * @example
 * ```ts
 * runHooks(config.hooks?.poststart, "poststart", state); // throws on the first failure
 * ```
 */
import { spawnSync } from "node:child_process";
import { RongqiError } from "../errors.ts";
import { traced } from "../trace/span.ts";

export interface HookSpec {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export type HookKind = "prestart" | "createRuntime" | "createContainer" | "startContainer" | "poststart" | "poststop";

function envObject(env: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const eq = e.indexOf("=");
    if (eq > 0) out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

/** Runs one hook; throws a RongqiError naming the hook when it fails or times out. */
export function runHook(hook: HookSpec, field: string, state: unknown): void {
  const argv = hook.args?.length ? hook.args : [hook.path];
  const res = spawnSync(hook.path, argv.slice(1), {
    argv0: argv[0],
    env: envObject(hook.env),
    input: JSON.stringify(state),
    stdio: ["pipe", "inherit", "inherit"],
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    killSignal: "SIGKILL",
  });
  // A hook may exit without reading its stdin: EPIPE on the state is no failure.
  if (res.error && (res.error as NodeJS.ErrnoException).code !== "EPIPE") {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === "ETIMEDOUT") throw new RongqiError(`${field}: hook ${hook.path} timed out after ${hook.timeout}s`);
    throw new RongqiError(`${field}: hook ${hook.path} could not run: ${code ?? res.error.message}`);
  }
  if (res.status === null && res.signal === null) throw new RongqiError(`${field}: hook ${hook.path} could not run: ${res.error?.message}`);
  if (res.signal) {
    const why = res.signal === "SIGKILL" && hook.timeout ? `timed out after ${hook.timeout}s` : `was killed by ${res.signal}`;
    throw new RongqiError(`${field}: hook ${hook.path} ${why}`);
  }
  if (res.status !== 0) throw new RongqiError(`${field}: hook ${hook.path} failed with exit status ${res.status}`);
}

/** Runs hooks of one kind in order, stopping at the first failure. */
export function runHooks(hooks: HookSpec[] | undefined, kind: HookKind, state: unknown): void {
  (hooks ?? []).forEach((h, i) => tracedHook(h, kind, i, state));
}

/** Runs every hook of one kind; failures become warnings (poststop). */
export function runHooksWarn(hooks: HookSpec[] | undefined, kind: HookKind, state: unknown, warn: (msg: string) => void): void {
  (hooks ?? []).forEach((h, i) => {
    try {
      tracedHook(h, kind, i, state);
    } catch (err) {
      warn((err as Error).message);
    }
  });
}

/** runHook as one step of a --trace. */
function tracedHook(h: HookSpec, kind: HookKind, i: number, state: unknown): void {
  const field = `hooks.${kind}[${i}]`;
  traced(`run ${kind} hook ${h.path}`, () => runHook(h, field, state), { cat: "hook", args: { field, path: h.path } });
}
