// setupContainerCgroup, joinContainerCgroup, removeContainerCgroup and
// cgroupPaused over an imitation cgroup v2 tree (plain directories: the
// process moves and kills are checked by the real tests).
import t, { type Test } from "tap";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cgroupLayout } from "./cgroup_layout.ts";
import { cgroupPaused } from "./cgroup_paused.ts";
import { joinContainerCgroup } from "./join_container_cgroup.ts";
import { plansAnyLimit } from "./plans_any_limit.ts";
import { removeContainerCgroup } from "./remove_container_cgroup.ts";
import { setupContainerCgroup } from "./setup_container_cgroup.ts";
import type { CgroupRecord } from "./types.ts";

function tree(t: Test) {
  const base = mkdtempSync(join(tmpdir(), "rongqi-test-cgroupfs-"));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const mount = join(base, "sys/fs/cgroup");
  mkdirSync(mount, { recursive: true });
  writeFileSync(join(mount, "cgroup.controllers"), "");
  writeFileSync(join(mount, "cgroup.subtree_control"), "");
  const layout = cgroupLayout(`30 23 0:26 / ${mount} rw - cgroup2 cgroup2 rw`, mount);
  return { mount, layout };
}

t.test("plans, notes what it will make before making it, applies, joins", async (t) => {
  const { mount, layout } = tree(t);
  const saved: (CgroupRecord | undefined)[] = [];
  const dir = join(mount, "rongqi-test/c1");
  // a real cgroupfs makes the interface files with the directory; here they are made by the save hook
  const rec = setupContainerCgroup({
    id: "c1", linux: { cgroupsPath: "/rongqi-test/c1" }, pid: 4242, rootless: false, layout,
    save: (c) => {
      saved.push(c && structuredClone(c));
      if (c && existsSync(dir)) for (const f of ["cgroup.procs", "cgroup.freeze"]) if (!existsSync(join(dir, f))) writeFileSync(join(dir, f), "");
    },
  });
  t.same(saved[0]?.created, [join(mount, "rongqi-test"), dir], "the record names the directories before they exist");
  t.same(rec?.created, [join(mount, "rongqi-test"), dir]);
  t.equal(readFileSync(join(dir, "cgroup.procs"), "utf8"), "4242", "the process moved in");
  t.same(rec?.resources, {});
  t.notOk(cgroupPaused(rec));
  writeFileSync(join(dir, "cgroup.freeze"), "1");
  t.ok(cgroupPaused(rec), "cgroup.freeze 1 is paused");
  t.throws(() => joinContainerCgroup({ id: "c1", cgroup: rec }, 77), /container "c1" is paused: resume it first/);
  writeFileSync(join(dir, "cgroup.freeze"), "0");
  joinContainerCgroup({ id: "c1", cgroup: rec }, 77);
  t.equal(readFileSync(join(dir, "cgroup.procs"), "utf8"), "77", "exec's process joins");
  joinContainerCgroup({ id: "no-cgroup" }, 77);
  t.pass("a container without a cgroup has nothing to join");
  writeFileSync(join(dir, "cgroup.procs"), "");
  rmSync(join(dir, "cgroup.procs"));
  rmSync(join(dir, "cgroup.freeze"));
  removeContainerCgroup({ id: "c1", cgroup: rec });
  t.notOk(existsSync(join(mount, "rongqi-test")), "removed with the parent it made");
  t.notOk(cgroupPaused(rec), "a cgroup that is gone is not paused");
});

t.test("a cgroup with processes in it is refused", async (t) => {
  const { mount, layout } = tree(t);
  mkdirSync(join(mount, "busy"));
  writeFileSync(join(mount, "busy/cgroup.procs"), "1\n");
  t.throws(() => setupContainerCgroup({ id: "c", linux: { cgroupsPath: "/busy" }, pid: 1, rootless: false, layout, save: () => {} }),
    /linux.cgroupsPath: the cgroup .*busy already has processes/);
});

t.test("rootless: a cgroup that cannot be written is skipped unless a limit is asked for", { skip: process.getuid?.() !== 0 && "needs root to switch users" }, async (t) => {
  const { mount } = tree(t);
  chmodSync(join(mount, "../../.."), 0o755);
  const worker = fileURLToPath(new URL("./testdata/rootless_worker.ts", import.meta.url));
  const run = (resources: object) => JSON.parse(execFileSync(process.execPath, [worker, mount, JSON.stringify(resources)], {
    uid: 65534, gid: 65534, encoding: "utf8", env: { PATH: process.env["PATH"] }, stdio: ["ignore", "pipe", "pipe"],
  })) as { rec?: unknown; saved?: unknown[]; error?: string };
  const skipped = run({});
  t.equal(skipped.rec, null, "no cgroup, no error");
  t.same(skipped.saved?.at(-1), null, "the record is told there is none");
  const limited = run({ pids: { limit: 5 } });
  t.match(limited.error, /mkdir .*EACCES/, "with a limit asked for, the permission error stands");
  t.equal(plansAnyLimit({}), false);
  t.equal(plansAnyLimit({ memory: {}, devices: [] }), false);
  t.equal(plansAnyLimit({ pids: { limit: 0 } }), true, "0 is a limit");
  t.equal(plansAnyLimit({ unified: { "memory.high": "1" } }), true);
});
