// Lifecycle: create does not run the program, start does, config.json is
// read once, errors for missing bundles, duplicate or invalid ids, start on a
// container that is not created, and a failed create that leaves nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { parseChecker, q } from "../_checker.ts";
import { cgroupPaths, created, expectCreateFails, judge, nsOf, running, runInside, SLEEPER } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { ENV_CREATED, ERROR_NO_TRACE, RUN_AS_SPECIFIED } from "../_spec.ts";
import { host, waitFor } from "../_workspace.ts";


export default [
  check({
    id: "lifecycle.create-does-not-run",
    area: "lifecycle",
    title: "create does not run process.args; start does",
    spec: { file: "runtime.md", quote: "process.args MUST NOT be applied until triggered by the start operation." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo ran > /share/ran\nok started" });
      const st = await created(t, b);
      await new Promise((r) => setTimeout(r, 300));
      t.ok(!existsSync(join(b.share, "ran")), "the program did not run during create");
      t.eq(st.status, "created", "status after create");
      const s = await b.start();
      t.ok(s.status === 0, "start succeeds", describe(s));
      t.ok(await waitFor(() => existsSync(join(b.share, "ran")), 10_000), "the program ran after start");
    },
  }),
  check({
    id: "lifecycle.create-builds-environment",
    area: "lifecycle",
    title: "after create the namespaces, mounts and hostname exist while the program has not run",
    spec: { file: "runtime.md", quote: "While the resources requested in the config.json MUST be created, the user-specified program (from process) MUST NOT be run at this time." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo ran > /share/ran\nok started", edit: (c) => { c.hostname = "cf-created"; } });
      const st = await created(t, b);
      if (!st.pid) t.fatal("state has no pid after create");
      t.ok(!existsSync(join(b.share, "ran")), "the program did not run");
      for (const ns of ["uts", "mnt", "pid", "net", "ipc"]) {
        const c = nsOf(st.pid, ns);
        t.ok(c !== undefined && c !== nsOf("self", ns), `the container process is in a new ${ns} namespace`, c);
      }
      let hostname = "";
      try {
        hostname = host("nsenter", ["--target", String(st.pid), "--uts", "hostname"]).trim();
      } catch (e) {
        t.note((e as Error).message);
      }
      t.eq(hostname, "cf-created", "hostname in the container's UTS namespace");
      let mountinfo = "";
      try {
        mountinfo = readFileSync(`/proc/${st.pid}/mountinfo`, "utf8");
      } catch {
        // checked below
      }
      t.ok(/ \/share /.test(mountinfo) || mountinfo.includes("/share "), "the /share bind mount exists in the container's mount table");
    },
  }),
  check({
    id: "lifecycle.start-runs-program",
    area: "lifecycle",
    title: "start runs the program",
    spec: RUN_AS_SPECIFIED,
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq "program ran" yes yes` });
      await runInside(t, b);
    },
  }),
  check({
    id: "lifecycle.config-read-once",
    area: "lifecycle",
    title: "changes to config.json after create do not affect the container",
    spec: { file: "runtime.md", quote: "Any updates to config.json after this step MUST NOT affect the container." },
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "environment from create time" "$CF_PHASE" before\neq "hostname from create time" "$(hostname)" cf-before`,
        edit: (c) => {
          c.process!.env!.push("CF_PHASE=before");
          c.hostname = "cf-before";
        },
      });
      await created(t, b);
      b.config.process!.env = b.config.process!.env!.map((e) => (e === "CF_PHASE=before" ? "CF_PHASE=after" : e));
      b.config.process!.args = ["/bin/false"];
      b.config.hostname = "cf-after";
      b.save();
      const s = await b.start();
      if (s.status !== 0) t.fatal("start failed", describe(s));
      const st = await b.state();
      await b.waitStopped(st.state?.pid);
      judge(t, parseChecker(b.output()));
    },
  }),
  check({
    id: "lifecycle.create-needs-bundle-and-id",
    area: "lifecycle",
    title: "create without a bundle or without an id fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if it is not provided a path to the bundle and the container ID to associate with the container." },
    async run(t: T) {
      const b = t.ws.bundle();
      const id = t.ws.id();
      t.ws.live.add(id);
      const noBundle = await t.ws.call(["create", "--bundle", join(t.ws.dir, "no-such-bundle"), id]);
      t.ok(noBundle.status !== 0, "create with a missing bundle directory fails");
      t.ok((await t.ws.call(["state", id])).status !== 0, "no container after the refused create");
      const noId = await t.ws.call(["create", "--bundle", b.dir]);
      t.ok(noId.status !== 0, "create without a container id fails");
    },
  }),
  check({
    id: "lifecycle.create-duplicate-id",
    area: "lifecycle",
    title: "create with the id of an existing container fails and leaves that container alone",
    spec: { file: "runtime.md", quote: "If the ID provided is not unique across all containers within the scope of the runtime, or is not valid in any other way, the implementation MUST generate an error and a new container MUST NOT be created." },
    async run(t: T) {
      const a = t.ws.bundle({ script: SLEEPER });
      const first = await created(t, a);
      const b = t.ws.bundle({ id: t.ws.id() });
      const r = await b.create({ id: a.id });
      t.ok(r.status !== 0, "the second create with the same id fails");
      const st = await a.state();
      t.eq(st.state?.status, "created", "the first container is still created");
      t.eq(st.state?.pid, first.pid, "the first container keeps its process");
      t.eq(st.state?.bundle, first.bundle, "the first container keeps its bundle");
    },
  }),
  check({
    id: "lifecycle.create-invalid-id",
    area: "lifecycle",
    title: "create with an id that is a path (../x, a/b) fails",
    spec: { file: "runtime.md", quote: "If the ID provided is not unique across all containers within the scope of the runtime, or is not valid in any other way, the implementation MUST generate an error and a new container MUST NOT be created." },
    async run(t: T) {
      const b = t.ws.bundle();
      const escape = `../${t.ws.run.prefix}-escape`;
      const r1 = await b.create({ id: escape });
      t.ok(r1.status !== 0, `create with id ${escape} fails`);
      t.ok(!existsSync(join(t.rt.root, escape)), "nothing was written outside the state root");
      const r2 = await b.create({ id: `${t.ws.run.prefix}/nested` });
      t.ok(r2.status !== 0, "create with an id holding a slash fails");
      t.ok(!existsSync(join(t.rt.root, t.ws.run.prefix, "nested")), "no nested state directory");
    },
  }),
  check({
    id: "lifecycle.start-needs-id",
    area: "lifecycle",
    title: "start without an id, or with an unknown one, fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if it is not provided the container ID." },
    about: "runtime.md#start",
    async run(t: T) {
      t.ok((await t.ws.call(["start"])).status !== 0, "start without an id fails");
      t.ok((await t.ws.call(["start", t.ws.id()])).status !== 0, "start of an unknown id fails");
    },
  }),
  check({
    id: "lifecycle.start-running",
    area: "lifecycle",
    title: "start on a running container fails and changes nothing",
    spec: { file: "runtime.md", quote: "Attempting to start a container that is not created MUST have no effect on the container and MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo x >> /share/runs\nexec sleep 1000" });
      const st = await running(t, b);
      await waitFor(() => existsSync(join(b.share, "runs")), 5000);
      const again = await b.start();
      t.ok(again.status !== 0, "the second start fails");
      const after = await b.state();
      t.eq(after.state?.status, "running", "still running");
      t.eq(after.state?.pid, st.pid, "same process");
      await new Promise((r) => setTimeout(r, 200));
      t.eq(readFileSync(join(b.share, "runs"), "utf8"), "x\n", "the program ran once");
    },
  }),
  check({
    id: "lifecycle.start-stopped",
    area: "lifecycle",
    title: "start on a stopped container fails and does not run the program again",
    spec: { file: "runtime.md", quote: "Attempting to start a container that is not created MUST have no effect on the container and MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo x >> /share/runs" });
      const st = await running(t, b);
      if (!(await b.waitStopped(st.pid))) t.fatal("the container did not stop");
      const again = await b.start();
      t.ok(again.status !== 0, "start of a stopped container fails");
      t.eq((await b.state()).state?.status, "stopped", "still stopped");
      await new Promise((r) => setTimeout(r, 200));
      t.eq(readFileSync(join(b.share, "runs"), "utf8"), "x\n", "the program ran once");
    },
  }),
  check({
    id: "lifecycle.start-without-process",
    area: "lifecycle",
    title: "start of a container whose config has no process fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if process was not set." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { delete c.process; } });
      const c = await b.create();
      if (c.status !== 0) {
        t.note(`create refused the config without process: ${describe(c)}`);
        return;
      }
      const s = await b.start();
      t.ok(s.status !== 0, "start fails");
    },
  }),
  check({
    id: "lifecycle.failed-create-leaves-nothing",
    area: "lifecycle",
    title: "a create that fails late (missing bind source) leaves no container, cgroup or mount, and the id can be used again",
    spec: ERROR_NO_TRACE,
    async run(t: T) {
      const b = t.ws.bundle({
        edit: (c) => {
          c.linux.resources = { ...c.linux.resources, pids: { limit: 100 } };
          c.mounts.push({ destination: "/cf-missing", type: "bind", source: join(t.ws.dir, "no-such-dir"), options: ["bind"] });
        },
      });
      await expectCreateFails(t, b, "a bind source is missing");
      await new Promise((r) => setTimeout(r, 200));
      const left = cgroupPaths(t, b.config.linux.cgroupsPath!).filter((d) => existsSync(d));
      t.eq(left, [], "cgroup directories left behind");
      const mounts = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(b.dir));
      t.eq(mounts, [], "host mounts left under the bundle");
      b.config.mounts.pop();
      b.save();
      const again = await b.create();
      t.ok(again.status === 0, "create with the same id succeeds afterwards", describe(again));
    },
  }),
  check({
    id: "lifecycle.environment-from-config",
    area: "lifecycle",
    title: "the program sees the environment config.json describes (root, mounts, hostname)",
    spec: ENV_CREATED,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq hostname "$(hostname)" cf-env\neq "rootfs marker" "$(cat /cf-marker)" ${q("bundle rootfs")}\nismount "/share is mounted" /share`,
        edit: (c, bb) => {
          c.hostname = "cf-env";
          bb.file("/cf-marker", "bundle rootfs");
        },
      });
      await runInside(t, b);
    },
  }),
];
