// delete: refused for created and running containers, removes what create
// made (state, cgroups, mounts), keeps what it did not make.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { cgroupPaths, created, nsOf, running } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { DELETE_RESOURCES } from "../_spec.ts";
import { waitFor } from "../_workspace.ts";

const KEEP_FOREIGN = { file: "runtime.md", quote: "Note that resources associated with the container, but not created by this container, MUST NOT be deleted." } as const;
const NOT_STOPPED = { file: "runtime.md", quote: "Attempting to delete a container that is not stopped MUST have no effect on the container and MUST generate an error." } as const;

export default [
  check({
    id: "delete.running",
    area: "delete",
    title: "delete of a running container fails and leaves it running",
    spec: NOT_STOPPED,
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.args = ["sleep", "1000"]; } });
      const st = await running(t, b);
      const d = await b.delete();
      t.ok(d.status !== 0, "delete fails");
      const after = await b.state();
      t.eq(after.state?.status, "running", "still running");
      t.ok(existsSync(`/proc/${st.pid}`), "the process is alive");
    },
  }),
  check({
    id: "delete.created",
    area: "delete",
    title: "delete of a created container fails and leaves it created",
    spec: NOT_STOPPED,
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo ran > /share/ran" });
      const st = await created(t, b);
      const d = await b.delete();
      t.ok(d.status !== 0, "delete fails");
      const after = await b.state();
      t.eq(after.state?.status, "created", "still created");
      t.ok(existsSync(`/proc/${st.pid}`), "the container process is alive");
    },
  }),
  check({
    id: "delete.removes-resources",
    area: "delete",
    title: "delete removes the container, its cgroups and its mounts",
    spec: DELETE_RESOURCES,
    async run(t: T) {
      const b = t.ws.bundle({
        script: "sleep 1000 &\nok started",
        edit: (c) => { c.linux.resources = { ...c.linux.resources, pids: { limit: 100 }, memory: { limit: 268435456 } }; },
      });
      const st = await running(t, b);
      if (!(await b.waitStopped(st.pid))) t.fatal("the container did not stop");
      const during = cgroupPaths(t, b.config.linux.cgroupsPath!).filter((d) => existsSync(d));
      t.ok(during.length > 0, "the container had cgroups before delete", "no cgroup directory for cgroupsPath in any hierarchy");
      const d = await b.delete();
      if (d.status !== 0) t.fatal("delete failed", describe(d));
      t.ok((await b.state()).res.status !== 0, "state fails after delete");
      await waitFor(() => cgroupPaths(t, b.config.linux.cgroupsPath!).every((p) => !existsSync(p)), 2000);
      t.eq(cgroupPaths(t, b.config.linux.cgroupsPath!).filter((p) => existsSync(p)), [], "cgroup directories left");
      const mounts = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(b.dir));
      t.eq(mounts, [], "host mounts left under the bundle");
    },
  }),
  check({
    id: "delete.keeps-foreign-cgroup",
    area: "delete",
    title: "delete keeps a cgroup that existed before create",
    spec: KEEP_FOREIGN,
    async run(t: T) {
      const b = t.ws.bundle();
      const pre = cgroupPaths(t, b.config.linux.cgroupsPath!);
      for (const p of pre) mkdirSync(p, { recursive: true });
      t.defer(() => {
        for (const p of pre) {
          try {
            rmdirSync(p);
          } catch {
            // swept at the end
          }
        }
      });
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      t.eq(pre.filter((p) => !existsSync(p)), [], "pre-made cgroup directories deleted");
    },
  }),
  check({
    id: "delete.keeps-foreign-files-namespaces",
    area: "delete",
    title: "delete keeps bind-mount sources, the rootfs and a namespace joined by path",
    spec: KEEP_FOREIGN,
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo data > /data/written\nok started" });
      b.mkdir("/data");
      const data = t.ws.mkdir("data", 0o777);
      writeFileSync(join(data, "kept"), "kept");
      const holder = spawn("unshare", ["--net", "sleep", "1000"], { stdio: "ignore" });
      t.defer(() => holder.kill("SIGKILL"));
      await waitFor(() => nsOf(holder.pid!, "net") !== nsOf("self", "net"), 5000);
      const netns = nsOf(holder.pid!, "net");
      b.config.mounts.push({ destination: "/data", type: "bind", source: data, options: ["rbind", "rw"] });
      b.config.linux.namespaces = b.config.linux.namespaces!.map((n) => (n.type === "network" ? { type: "network", path: `/proc/${holder.pid}/ns/net` } : n));
      b.save();
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      t.ok(existsSync(join(data, "kept")) && existsSync(join(data, "written")), "the bind source and its files are kept");
      t.eq(nsOf(holder.pid!, "net"), netns, "the joined network namespace is intact");
      t.ok(existsSync(join(b.rootfs, "conformance/check")), "the rootfs is kept");
    },
  }),
  check({
    id: "delete.needs-id",
    area: "delete",
    title: "delete without an id, or with an unknown one, fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if it is not provided the container ID." },
    about: "runtime.md#delete",
    async run(t: T) {
      t.ok((await t.ws.call(["delete"])).status !== 0, "delete without an id fails");
      t.ok((await t.ws.call(["delete", t.ws.id()])).status !== 0, "delete of an unknown id fails");
    },
  }),
];
