// Test helper for setup_container_cgroup_test.ts, run as an unprivileged
// user: sets up a cgroup under a mount it cannot write, rootless, and
// prints what came back (or the error).
import { cgroupLayout } from "../cgroup_layout.ts";
import { setupContainerCgroup } from "../setup_container_cgroup.ts";

const [mount, resources] = [process.argv[2]!, JSON.parse(process.argv[3]!)];
const saved: unknown[] = [];
try {
  const rec = setupContainerCgroup({
    id: "c", linux: { cgroupsPath: "/c", resources }, pid: process.pid, rootless: true,
    layout: cgroupLayout(`30 23 0:26 / ${mount} rw - cgroup2 cgroup2 rw`, mount), save: (c) => saved.push(c ?? null),
  });
  process.stdout.write(JSON.stringify({ rec: rec ?? null, saved }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: (err as Error).message }));
}
