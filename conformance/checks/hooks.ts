// Hooks: every kind is called, in order, at its point of the lifecycle, in
// the right namespaces, with the state on stdin, args and env as configured,
// timeouts, and what a failing hook of each kind does.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import type { Config, Hook } from "../_config.ts";
import { nsOf } from "../_helpers.ts";
import { describe, type Result } from "../_runtime.ts";
import type { Bundle } from "../_workspace.ts";
import { exited, shared, waitFor } from "../_workspace.ts";

type Kind = "prestart" | "createRuntime" | "createContainer" | "startContainer" | "poststart" | "poststop";
const KINDS: Kind[] = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];
const NS = ["mnt", "uts", "ipc", "net", "pid"];

/** Records stdin, its own namespaces and (when the state has a pid it can see) the container process's. */
const RECORDER = `#!/bin/sh
kind=$1; dir=$2
cat > "$dir/$kind.state"
echo "$kind" >> "$dir/order"
pid=$(sed -n 's/.*"pid"[[:space:]]*:[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p' "$dir/$kind.state" | head -n 1)
{
  for n in ${NS.join(" ")}; do echo "self $n $(readlink /proc/self/ns/$n)"; done
  if [ -n "$pid" ] && [ -r /proc/$pid/cmdline ]; then echo "cmdline $(tr '\\0' ' ' < /proc/$pid/cmdline)"; fi
} > "$dir/$kind.tmp"
mv "$dir/$kind.tmp" "$dir/$kind.info"
`;

interface Recorded {
  state?: Record<string, unknown>;
  stateRaw?: string;
  ns: Map<string, string>;
  cmdline?: string;
}

interface Scenario {
  b: Bundle;
  dir: string;
  create: Result;
  start?: Result;
  del?: Result;
  /** the order file at each point */
  afterCreate: string[];
  afterStart: string[];
  beforeDelete: string[];
  afterDelete: string[];
  /** namespaces of the container process, seen from the host after create */
  containerNs: Map<string, string>;
  pid?: number;
  poststartDoneAtStartReturn: boolean;
  containerGoneAtPoststop?: boolean;
  rec(kind: string): Recorded | undefined;
}

function readRecorded(dir: string, kind: string): Recorded | undefined {
  const info = join(dir, `${kind}.info`);
  if (!existsSync(info)) return undefined;
  const r: Recorded = { ns: new Map() };
  for (const line of readFileSync(info, "utf8").split("\n")) {
    const m = /^self (\w+) (.*)$/.exec(line);
    if (m) r.ns.set(m[1]!, m[2]!);
    if (line.startsWith("cmdline ")) r.cmdline = line.slice(8).trim();
  }
  try {
    r.stateRaw = readFileSync(join(dir, `${kind}.state`), "utf8");
    r.state = JSON.parse(r.stateRaw) as Record<string, unknown>;
  } catch {
    // reported by the stdin check
  }
  return r;
}

function order(dir: string): string[] {
  const f = join(dir, "order");
  return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean) : [];
}

/** Writes the recorder for the host and for the rootfs; returns the host path. */
function recorder(t: T, b: Bundle): string {
  const path = join(t.ws.dir, "record-hook");
  writeFileSync(path, RECORDER);
  chmodSync(path, 0o755);
  b.file("/conformance/hook", RECORDER, 0o755);
  return path;
}

/** All six kinds, two hooks each (the second logs KIND#2), run through a whole lifecycle. */
async function scenario(t: T): Promise<Scenario> {
  const b = t.ws.bundle({
    // waits (up to 5 s) for the poststart hook so that it sees the program running
    script: "echo program >> /share/hooks/order\ni=0; while [ ! -e /share/hooks/poststart.info ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done",
  });
  const dir = join(b.share, "hooks");
  const hostHook = recorder(t, b);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  const hooks: Config["hooks"] = {};
  for (const kind of KINDS) {
    const inContainer = kind === "startContainer";
    const path = inContainer ? "/conformance/hook" : hostHook;
    const d = inContainer ? "/share/hooks" : dir;
    hooks[kind] = [
      { path, args: [path, kind, d] },
      { path, args: [path, `${kind}#2`, d] },
    ];
  }
  b.config.hooks = hooks;
  b.save();
  const s: Scenario = {
    b, dir, create: await b.create(), afterCreate: [], afterStart: [], beforeDelete: [], afterDelete: [],
    containerNs: new Map(), poststartDoneAtStartReturn: false,
    rec: (kind) => readRecorded(dir, kind),
  };
  s.afterCreate = order(dir);
  if (s.create.status !== 0) return s;
  const st = await b.state();
  s.pid = st.state?.pid;
  if (s.pid) for (const n of NS) s.containerNs.set(n, nsOf(s.pid, n) ?? "");
  s.start = await b.start();
  s.poststartDoneAtStartReturn = existsSync(join(dir, "poststart.info"));
  s.afterStart = order(dir);
  if (s.start.status !== 0) return s;
  await b.waitStopped(s.pid);
  s.beforeDelete = order(dir);
  s.del = await b.delete();
  s.afterDelete = order(dir);
  const post = s.rec("poststop");
  s.containerGoneAtPoststop = post !== undefined && s.pid !== undefined ? exited(s.pid) : undefined;
  return s;
}

async function ran(t: T): Promise<Scenario> {
  const s = await shared(t, "hooks.scenario", scenario);
  if (s.create.status !== 0) t.fatal("create with hooks failed", describe(s.create));
  if (s.start && s.start.status !== 0) t.fatal("start with hooks failed", describe(s.start));
  return s;
}

const invoked = (kind: Kind) =>
  check({
    id: `hooks.${kind}-invoked`,
    area: "hooks",
    title: `${kind} hooks are invoked`,
    spec: { file: "runtime.md", quote: `The ${kind} hooks MUST be invoked by the runtime.` },
    async run(t: T) {
      const s = await ran(t);
      if (kind === "poststop" && s.del?.status !== 0) t.fatal("delete failed", s.del ? describe(s.del) : "not reached");
      const all = s.afterDelete.length ? s.afterDelete : s.afterStart;
      t.ok(all.includes(kind), `the ${kind} hook ran`, `hooks that ran: ${all.join(", ") || "none"}`);
    },
  });

const inRuntimeNs = (kind: "prestart" | "createRuntime" | "poststart" | "poststop") =>
  check({
    id: `hooks.${kind}-runtime-namespace`,
    area: "hooks",
    title: `${kind} hooks run in the runtime's namespaces (uts, ipc, net, pid)`,
    spec: { file: "config.md", quote: `The ${kind} hooks MUST be executed in the runtime namespace.` },
    async run(t: T) {
      const s = await ran(t);
      const r = s.rec(kind);
      if (!r) t.fatal(`the ${kind} hook did not run`);
      // mnt is left out: a runtime may run from a mount namespace of its own
      for (const n of ["uts", "ipc", "net", "pid"]) t.eq(r.ns.get(n), nsOf("self", n), `${n} namespace of the hook`);
    },
  });

const inContainerNs = (kind: "createContainer" | "startContainer") =>
  check({
    id: `hooks.${kind}-container-namespace`,
    area: "hooks",
    title: `${kind} hooks run in the container's namespaces (mnt, uts, ipc, net)`,
    spec: { file: "config.md", quote: `The ${kind} hooks MUST be executed in the container namespace.` },
    async run(t: T) {
      const s = await ran(t);
      const r = s.rec(kind);
      if (!r) t.fatal(`the ${kind} hook did not run`);
      for (const n of ["mnt", "uts", "ipc", "net"]) t.eq(r.ns.get(n), s.containerNs.get(n), `${n} namespace of the hook`);
    },
  });

/** A config whose hook of `kind` exits 1; the first poststop hook records. */
function failing(t: T, kind: Kind, script = "echo program > /share/ran\nexec sleep 1000"): { b: Bundle; dir: string } {
  const b = t.ws.bundle({ script });
  const dir = join(b.share, "hooks");
  const host = recorder(t, b);
  b.config.hooks = {
    [kind]: [{ path: "/bin/sh", args: ["sh", "-c", "exit 1"] }],
    ...(kind === "poststop" ? {} : { poststop: [{ path: host, args: [host, "poststop", dir] }] }),
  };
  b.save();
  return { b, dir };
}

async function mkHookDir(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  chmodSync(dir, 0o777);
}

const createHookFails = (kind: "prestart" | "createRuntime" | "createContainer") =>
  check({
    id: `hooks.${kind}-fails`,
    area: "hooks",
    title: `a failing ${kind} hook makes create fail and leaves no container`,
    spec: { file: "runtime.md", quote: `If any ${kind} hook fails, the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12.` },
    async run(t: T) {
      const { b, dir } = failing(t, kind);
      await mkHookDir(dir);
      const c = await b.create();
      t.ok(c.status !== 0, "create fails");
      if (c.status === 0) return;
      const st = await b.state();
      t.ok(st.res.status !== 0, "the container was destroyed (state fails)", st.state ? `state says ${st.state.status}` : undefined);
      t.ok(!existsSync(join(b.share, "ran")), "the program never ran");
    },
  });

const startHookFails = (kind: "startContainer" | "poststart") =>
  check({
    id: `hooks.${kind}-fails`,
    area: "hooks",
    title: `a failing ${kind} hook makes start fail and stops the container`,
    spec: { file: "runtime.md", quote: `If any ${kind} hook fails, the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12.` },
    async run(t: T) {
      const { b, dir } = failing(t, kind);
      await mkHookDir(dir);
      const c = await b.create();
      if (c.status !== 0) t.fatal("create failed", describe(c));
      const pid = (await b.state()).state?.pid;
      const s = await b.start();
      t.ok(s.status !== 0, "start fails");
      if (pid) t.ok(await waitFor(() => exited(pid), 10_000), "the container process was stopped");
      const st = await b.state();
      t.ok(st.res.status !== 0 || st.state?.status === "stopped", "the container is stopped or destroyed", `state says ${st.state?.status}`);
      if (kind === "startContainer") t.ok(!existsSync(join(b.share, "ran")), "the program never ran");
    },
  });

export default [
  ...KINDS.map(invoked),
  check({
    id: "hooks.listed-order",
    area: "hooks",
    title: "hooks of one kind run in the order listed",
    spec: { file: "config.md", quote: "Hooks MUST be called in the listed order." },
    async run(t: T) {
      const s = await ran(t);
      for (const kind of KINDS) {
        const i = s.afterDelete.indexOf(kind);
        const j = s.afterDelete.indexOf(`${kind}#2`);
        t.ok(i >= 0 && j > i, `${kind}: first then second`, `order: ${s.afterDelete.join(", ")}`);
      }
    },
  }),
  check({
    id: "hooks.prestart-before-createRuntime",
    area: "hooks",
    title: "prestart hooks run before createRuntime hooks",
    spec: { file: "config.md", quote: "The prestart hooks MUST be called before the createRuntime hooks." },
    async run(t: T) {
      const s = await ran(t);
      const o = s.afterCreate;
      t.ok(o.includes("prestart#2") && o.includes("createRuntime") && o.indexOf("prestart#2") < o.indexOf("createRuntime"), "prestart before createRuntime", `order: ${o.join(", ")}`);
    },
  }),
  check({
    id: "hooks.createContainer-after-createRuntime",
    area: "hooks",
    title: "createContainer hooks run after createRuntime hooks",
    spec: { file: "config.md", quote: "The createContainer hooks MUST be called after the createRuntime hooks." },
    async run(t: T) {
      const s = await ran(t);
      const o = s.afterCreate;
      t.ok(o.includes("createRuntime#2") && o.includes("createContainer") && o.indexOf("createRuntime#2") < o.indexOf("createContainer"), "createRuntime before createContainer", `order: ${o.join(", ")}`);
    },
  }),
  check({
    id: "hooks.create-phase",
    area: "hooks",
    title: "prestart, createRuntime and createContainer hooks run during create, startContainer and the program do not",
    spec: { file: "config.md", quote: "The createRuntime hooks MUST be called as part of the create operation after the runtime environment has been created (according to the configuration in config.json) but before the pivot_root or any equivalent operation has been executed." },
    async run(t: T) {
      const s = await ran(t);
      for (const k of ["prestart", "createRuntime", "createContainer"]) t.ok(s.afterCreate.includes(k), `${k} ran before create returned`, `order: ${s.afterCreate.join(", ")}`);
      t.ok(!s.afterCreate.includes("startContainer") && !s.afterCreate.includes("program"), "neither startContainer nor the program ran during create", `order: ${s.afterCreate.join(", ")}`);
      const r = s.rec("createRuntime");
      t.ok(r !== undefined && r.state?.pid !== undefined, "the createRuntime hook got the pid of the created container process", r?.stateRaw);
    },
  }),
  check({
    id: "hooks.startContainer-before-program",
    area: "hooks",
    title: "startContainer hooks run during start, before the program",
    spec: { file: "config.md", quote: "The startContainer hooks MUST be called before the user-specified process is executed as part of the start operation." },
    async run(t: T) {
      const s = await ran(t);
      const o = s.afterDelete;
      t.ok(o.includes("startContainer#2") && o.includes("program") && o.indexOf("startContainer#2") < o.indexOf("program"), "startContainer before the program", `order: ${o.join(", ")}`);
    },
  }),
  check({
    id: "hooks.poststart-after-program",
    area: "hooks",
    title: "poststart hooks run after the program was executed and before start returns",
    spec: { file: "config.md", quote: "The poststart hooks MUST be called after the user-specified process is executed but before the start operation returns." },
    async run(t: T) {
      const s = await ran(t);
      t.ok(s.poststartDoneAtStartReturn, "the poststart hook had finished when start returned");
      const r = s.rec("poststart");
      t.ok(r?.cmdline !== undefined && (r.cmdline.includes("/conformance/check") || r.cmdline.startsWith("sleep")), "at poststart the container process runs the program", `cmdline: ${r?.cmdline ?? "(not seen)"}`);
    },
  }),
  check({
    id: "hooks.poststop-during-delete",
    area: "hooks",
    title: "poststop hooks run after the container is deleted and before delete returns",
    spec: { file: "config.md", quote: "The poststop hooks MUST be called after the container is deleted but before the delete operation returns." },
    async run(t: T) {
      const s = await ran(t);
      if (s.del?.status !== 0) t.fatal("delete failed", s.del ? describe(s.del) : undefined);
      t.ok(!s.beforeDelete.includes("poststop"), "poststop had not run before delete", `order: ${s.beforeDelete.join(", ")}`);
      t.ok(s.afterDelete.includes("poststop") && s.afterDelete.includes("poststop#2"), "poststop had run when delete returned", `order: ${s.afterDelete.join(", ")}`);
      t.ok(s.containerGoneAtPoststop !== false, "the container process was gone when poststop ran");
    },
  }),
  check({
    id: "hooks.state-on-stdin",
    area: "hooks",
    title: "every hook gets the container's state as JSON on stdin",
    spec: { file: "config.md", quote: "The state of the container MUST be passed to hooks over stdin so that they may do work appropriate to the current state of the container." },
    async run(t: T) {
      const s = await ran(t);
      for (const kind of KINDS) {
        const r = s.rec(kind);
        if (!r) {
          t.ok(false, `${kind}: the hook did not run`);
          continue;
        }
        if (!r.state) {
          t.ok(false, `${kind}: stdin is not JSON`, (r.stateRaw ?? "").slice(0, 200));
          continue;
        }
        t.eq(r.state.id, s.b.id, `${kind}: id`);
        t.ok(typeof r.state.ociVersion === "string", `${kind}: ociVersion`);
        t.ok(typeof r.state.status === "string", `${kind}: status`);
        t.ok(typeof r.state.bundle === "string" && (r.state.bundle as string).endsWith(s.b.dir.split("/").pop()!), `${kind}: bundle`, String(r.state.bundle));
      }
      t.eq(s.rec("poststop")?.state?.status, "stopped", "poststop: status");
    },
  }),
  inRuntimeNs("prestart"),
  inRuntimeNs("createRuntime"),
  inRuntimeNs("poststart"),
  inRuntimeNs("poststop"),
  inContainerNs("createContainer"),
  inContainerNs("startContainer"),
  check({
    id: "hooks.createContainer-path-runtime-namespace",
    area: "hooks",
    title: "a createContainer hook path that exists only on the host is found",
    spec: { file: "config.md", quote: "The createContainer hooks' path MUST resolve in the runtime namespace." },
    async run(t: T) {
      const s = await ran(t);
      t.ok(s.rec("createContainer") !== undefined, "the host-only createContainer hook ran");
    },
  }),
  check({
    id: "hooks.startContainer-path-container-namespace",
    area: "hooks",
    title: "a startContainer hook path that exists only in the rootfs is found",
    spec: { file: "config.md", quote: "The startContainer hooks' path MUST resolve in the container namespace." },
    async run(t: T) {
      const s = await ran(t);
      t.ok(s.rec("startContainer") !== undefined, "the rootfs-only startContainer hook (/conformance/hook) ran");
    },
  }),
  check({
    id: "hooks.args",
    area: "hooks",
    title: "a hook gets args as argv, args[0] included",
    spec: { file: "runtime.md", quote: "The createRuntime hooks MUST be invoked by the runtime." },
    about: "config.md#posix-platform-hooks: args (array of strings, OPTIONAL) with the same semantics as IEEE Std 1003.1-2008 execv's argv",
    async run(t: T) {
      const out = join(t.ws.mkdir("hookout", 0o777), "args");
      // busybox chooses its applet from argv[0]: "sh" only if args[0] reaches it
      const b = t.ws.bundle({ edit: (c) => { c.hooks = { createRuntime: [{ path: t.ws.run.busybox, args: ["sh", "-c", `printf '%s|%s|%s' "$0" "$1" "$2" > ${out}`, "zero", "one", "two words"] }] }; } });
      const c = await b.create();
      if (c.status !== 0) t.fatal("create failed", describe(c));
      t.eq(existsSync(out) ? readFileSync(out, "utf8") : "(hook did not run)", "zero|one|two words", "arguments the hook saw");
    },
  }),
  check({
    id: "hooks.env",
    area: "hooks",
    title: "a hook gets env as its environment, not the runtime's",
    spec: { file: "runtime.md", quote: "The createRuntime hooks MUST be invoked by the runtime." },
    about: "config.md#posix-platform-hooks: env (array of strings, OPTIONAL) with the same semantics as IEEE Std 1003.1-2008's environ",
    async run(t: T) {
      const out = join(t.ws.mkdir("hookout", 0o777), "env");
      const b = t.ws.bundle({ edit: (c) => { c.hooks = { createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", `env > ${out}`], env: ["CF_HOOK_ENV=from config", "PATH=/usr/bin:/bin"] }] }; } });
      const c = await b.create({ call: { env: { ...process.env, CF_RUNTIME_ONLY: "leaked" } } });
      if (c.status !== 0) t.fatal("create failed", describe(c));
      const env = existsSync(out) ? readFileSync(out, "utf8").split("\n") : [];
      t.ok(env.includes("CF_HOOK_ENV=from config"), "the configured variable is set", env.join(" "));
      t.ok(!env.some((e) => e.startsWith("CF_RUNTIME_ONLY=")), "the runtime's own environment is not passed on");
    },
  }),
  check({
    id: "hooks.timeout",
    area: "hooks",
    title: "a hook running past its timeout is aborted and create fails",
    spec: { file: "runtime.md", quote: "If any createRuntime hook fails, the runtime MUST generate an error, stop the container, and continue the lifecycle at step 12." },
    about: "config.md#posix-platform-hooks: timeout (int, OPTIONAL) is the number of seconds before aborting the hook",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.hooks = { createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", "exec sleep 20"], timeout: 1 }] }; } });
      const t0 = Date.now();
      const c = await b.create({ call: { timeoutMs: 25_000 } });
      const secs = (Date.now() - t0) / 1000;
      t.ok(c.status !== 0 && !c.timedOut, "create fails", describe(c));
      t.ok(secs < 10, "create returned well before the hook would have finished", `${secs.toFixed(1)} s`);
    },
  }),
  check({
    id: "hooks.timeout-positive",
    area: "hooks",
    title: "a hook timeout of 0 is refused",
    spec: { file: "config.md", quote: "If set, timeout MUST be greater than zero." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.hooks = { createRuntime: [{ path: "/bin/true", args: ["true"], timeout: 0 }] }; } });
      const c = await b.create();
      t.ok(c.status !== 0, "create fails");
    },
  }),
  check({
    id: "hooks.path-absolute",
    area: "hooks",
    title: "a relative hook path is refused",
    spec: { file: "config.md", quote: "This specification extends the IEEE standard in that path MUST be absolute." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.hooks = { createRuntime: [{ path: "bin/true", args: ["true"] } as Hook] }; } });
      const c = await b.create({ call: { cwd: "/" } });
      t.ok(c.status !== 0, "create fails");
    },
  }),
  createHookFails("prestart"),
  createHookFails("createRuntime"),
  createHookFails("createContainer"),
  startHookFails("startContainer"),
  startHookFails("poststart"),
  check({
    id: "hooks.poststop-after-failed-create",
    area: "hooks",
    title: "poststop hooks run when a failing prestart hook ends the lifecycle",
    spec: { file: "runtime.md", quote: "The poststop hooks MUST be invoked by the runtime." },
    about: "runtime.md#lifecycle: a prestart failure continues at step 12, then 13 (poststop)",
    async run(t: T) {
      const { b, dir } = failing(t, "prestart");
      await mkHookDir(dir);
      const c = await b.create();
      if (c.status === 0) t.fatal("create succeeded although the prestart hook failed");
      t.ok(existsSync(join(dir, "poststop.info")), "the poststop hook ran");
    },
  }),
  check({
    id: "hooks.poststop-fails",
    area: "hooks",
    title: "a failing poststop hook only warns: the next one runs and delete succeeds",
    spec: { file: "runtime.md", quote: "If any poststop hook fails, the runtime MUST log a warning, but the remaining hooks and lifecycle continue as if the hook had succeeded." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "true" });
      const dir = join(b.share, "hooks");
      await mkHookDir(dir);
      const host = recorder(t, b);
      b.config.hooks = { poststop: [{ path: "/bin/sh", args: ["sh", "-c", "exit 1"] }, { path: host, args: [host, "poststop", dir] }] };
      b.save();
      const c = await b.create();
      if (c.status !== 0) t.fatal("create failed", describe(c));
      const pid = (await b.state()).state?.pid;
      await b.start();
      await b.waitStopped(pid);
      const d = await b.delete();
      t.ok(d.status === 0, "delete succeeds", describe(d));
      t.ok(existsSync(join(dir, "poststop.info")), "the second poststop hook ran");
      t.ok((await b.state()).res.status !== 0, "the container is gone");
    },
  }),
];
