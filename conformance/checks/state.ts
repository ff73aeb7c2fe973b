// The state operation and the State structure: fields, statuses through the
// lifecycle, the pid, the bundle path, annotations, errors.
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { check, type T } from "../_check.ts";
import { created, nsOf } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { waitFor, type State } from "../_workspace.ts";

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The rules of schema/state-schema.json. */
function schemaProblems(s: Record<string, unknown>): string[] {
  const p: string[] = [];
  for (const k of ["ociVersion", "id", "status", "bundle"]) if (!(k in s)) p.push(`${k} is missing`);
  if ("ociVersion" in s && (typeof s.ociVersion !== "string" || !SEMVER.test(s.ociVersion))) p.push(`ociVersion ${JSON.stringify(s.ociVersion)} is not SemVer`);
  if ("id" in s && typeof s.id !== "string") p.push("id is not a string");
  if ("status" in s && !["creating", "created", "running", "stopped"].includes(s.status as string)) {
    // other values are allowed for new states only; the suite never asks for one
    p.push(`status ${JSON.stringify(s.status)} is not one of creating, created, running, stopped`);
  }
  if ("pid" in s && (!Number.isInteger(s.pid) || (s.pid as number) < 0)) p.push("pid is not a non-negative integer");
  if ("bundle" in s && typeof s.bundle !== "string") p.push("bundle is not a string");
  if ("annotations" in s && s.annotations !== null) {
    if (typeof s.annotations !== "object" || Array.isArray(s.annotations)) p.push("annotations is not an object");
    else for (const [k, v] of Object.entries(s.annotations as object)) if (typeof v !== "string" || k === "") p.push(`annotation ${k} is not a non-empty key with a string value`);
  }
  return p;
}

async function stateOf(t: T, b: { state(id?: string): Promise<{ state?: State; error?: string }> }): Promise<State> {
  const s = await b.state();
  if (!s.state) t.fatal("state failed", s.error);
  return s.state;
}

export default [
  check({
    id: "state.schema",
    area: "state",
    title: "state output follows schema/state-schema.json while created, running and stopped",
    spec: { file: "runtime.md", quote: "When serialized in JSON, the format MUST adhere to the JSON Schema schema/state-schema.json." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "while [ ! -e /share/go ]; do sleep 0.05; done" });
      const st = await created(t, b);
      for (const p of schemaProblems(st)) t.ok(false, "created", p);
      await b.start();
      for (const p of schemaProblems(await stateOf(t, b))) t.ok(false, "running", p);
      writeFileSync(`${b.share}/go`, "");
      await b.waitStopped(st.pid);
      for (const p of schemaProblems(await stateOf(t, b))) t.ok(false, "stopped", p);
    },
  }),
  check({
    id: "state.fields",
    area: "state",
    title: "state gives the container's id, its bundle, the config's annotations and a pid",
    spec: { file: "runtime.md", quote: "This operation MUST return the state of a container as specified in the State section." },
    async run(t: T) {
      const annotations = { "org.example.cf.key": "value", "org.example.cf.empty": "" };
      const b = t.ws.bundle({ script: "exec sleep 1000", edit: (c) => { c.annotations = annotations; } });
      const st = await created(t, b);
      t.eq(st.id, b.id, "id");
      t.eq(st.bundle, realpathSync(b.dir), "bundle");
      t.eq(st.annotations, annotations, "annotations");
      t.ok(Number.isInteger(st.pid) && st.pid! > 0, "pid is a positive integer", String(st.pid));
      t.ok(typeof st.ociVersion === "string" && SEMVER.test(st.ociVersion), "ociVersion is a SemVer string", String(st.ociVersion));
    },
  }),
  check({
    id: "state.created",
    area: "state",
    title: "status is created after create, with the pid of a live container process",
    spec: { file: "runtime.md", quote: "pid (int, REQUIRED when status is created or running on Linux, OPTIONAL on other platforms) is the ID of the container process." },
    about: "runtime.md#state status created",
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000" });
      const st = await created(t, b);
      t.eq(st.status, "created", "status");
      if (!st.pid) t.fatal("no pid in the created state");
      const ns = nsOf(st.pid, "pid");
      t.ok(ns !== undefined && ns !== nsOf("self", "pid"), "the pid is a process in the container's new pid namespace", ns);
    },
  }),
  check({
    id: "state.running",
    area: "state",
    title: "status is running after start, and the pid is the program",
    spec: { file: "runtime.md", quote: "pid (int, REQUIRED when status is created or running on Linux, OPTIONAL on other platforms) is the ID of the container process." },
    about: "runtime.md#state status running",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.args = ["sleep", "1000"]; } });
      const st = await created(t, b);
      const s = await b.start();
      if (s.status !== 0) t.fatal("start failed", describe(s));
      const after = await stateOf(t, b);
      t.eq(after.status, "running", "status");
      t.eq(after.pid, st.pid, "the pid did not change at start");
      let cmdline = "";
      await waitFor(() => {
        try {
          cmdline = readFileSync(`/proc/${after.pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        } catch {
          cmdline = "(gone)";
        }
        return cmdline === "sleep 1000";
      }, 3000);
      t.eq(cmdline, "sleep 1000", "the process at pid runs process.args");
    },
  }),
  check({
    id: "state.stopped",
    area: "state",
    title: "status is stopped once the program has exited",
    spec: { file: "runtime.md", quote: "This operation MUST return the state of a container as specified in the State section." },
    about: "runtime.md#state status stopped",
    async run(t: T) {
      const b = t.ws.bundle({ script: "exit 3" });
      const st = await created(t, b);
      await b.start();
      t.ok(await b.waitStopped(st.pid), "state says stopped after the program exits");
    },
  }),
  check({
    id: "state.bundle-absolute",
    area: "state",
    title: "bundle is an absolute path even when create was given a relative one",
    spec: { file: "runtime.md", quote: "bundle (string, REQUIRED) is the absolute path to the container's bundle directory." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000" });
      const r = await b.create({ bundle: basename(b.dir), call: { cwd: dirname(b.dir) } });
      if (r.status !== 0) t.fatal("create with a relative bundle path failed", describe(r));
      const st = await stateOf(t, b);
      t.eq(st.bundle, realpathSync(b.dir), "bundle");
    },
  }),
  check({
    id: "state.annotations",
    area: "state",
    title: "state carries the annotations of config.json",
    spec: { file: "runtime.md", quote: "This operation MUST return the state of a container as specified in the State section." },
    about: "runtime.md#state: annotations (map, OPTIONAL) contains the list of annotations associated with the container",
    async run(t: T) {
      const annotations = { "com.example.cf": "1", "com.example.cf.text": "a b c" };
      const b = t.ws.bundle({ script: "exec sleep 1000", edit: (c) => { c.annotations = annotations; } });
      const st = await created(t, b);
      t.eq(st.annotations, annotations, "annotations");
    },
  }),
  check({
    id: "state.unknown-container",
    area: "state",
    title: "state of a container that does not exist fails",
    spec: { file: "runtime.md", quote: "Attempting to query a container that does not exist MUST generate an error." },
    async run(t: T) {
      const r = await t.ws.call(["state", t.ws.id()]);
      t.ok(r.status !== 0, "state of an unknown id fails", describe(r));
    },
  }),
  check({
    id: "state.needs-id",
    area: "state",
    title: "state without an id fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if it is not provided the ID of a container." },
    async run(t: T) {
      const r = await t.ws.call(["state"]);
      t.ok(r.status !== 0, "state without an id fails", describe(r));
    },
  }),
  check({
    id: "state.deleted",
    area: "state",
    title: "state of a deleted container fails",
    spec: { file: "runtime.md", quote: "Attempting to query a container that does not exist MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle();
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      t.ok((await b.state()).res.status !== 0, "state after delete fails");
    },
  }),
];
