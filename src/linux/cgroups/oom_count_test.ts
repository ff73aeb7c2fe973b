import t from "tap";
import { oomCount } from "./oom_count.ts";
import { imitationV2 } from "./testdata/imitation.ts";

t.test("v2: the larger of memory.events' oom and oom_kill", async (t) => {
  const fs = imitationV2();
  t.teardown(fs.cleanup);
  t.equal(oomCount(fs.record), 1);
  fs.write("memory.events", "low 0\nhigh 0\nmax 9\noom 3\noom_kill 2\n");
  t.equal(oomCount(fs.record), 3, "an OOM without a kill (e.g. memory.oom.group off and nothing to kill) still counts");
  fs.write("memory.events", "");
  t.equal(oomCount(fs.record), 0);
  t.equal(oomCount({ version: 2, dirs: {}, created: [] }), 0, "no cgroup directory: nothing");
});

t.test("v1: kills plus a cgroup sitting under OOM", async (t) => {
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const dir = mkdtempSync("/tmp/rongqi-test-oom-");
  t.teardown(() => rmSync(dir, { recursive: true }));
  writeFileSync(`${dir}/memory.oom_control`, "oom_kill_disable 1\nunder_oom 1\noom_kill 2\n");
  t.equal(oomCount({ version: 1, dirs: { memory: dir }, created: [] }), 3);
});
