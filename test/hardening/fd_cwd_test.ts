// The class of CVE-2024-21626: a file descriptor of the runtime leaks into
// the container, or the working directory is resolved outside the rootfs
// (runc's leaked /sys/fs/cgroup fd used as `cwd: /proc/self/fd/7` gave the
// container the host's filesystem). Only stdio and the preserved fds may
// reach the container, and cwd is resolved inside it.
import t from "tap";
import { closeSync, mkdirSync, openSync, readdirSync, readlinkSync, statSync, symlinkSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cleanup, makeBundle, RONGQI, rongqi } from "../_bundle.ts";
import { settledLeftovers, stateOf, uniqueId } from "./_harness.ts";

function sameDir(a: string, b: string): boolean {
  const x = statSync(a, { bigint: true });
  const y = statSync(b, { bigint: true });
  return x.dev === y.dev && x.ino === y.ino;
}

function fdsOf(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).sort((a, b) => Number(a) - Number(b));
}

t.test("the container process has exactly stdio and the preserved fds, started or exec'd", async (t) => {
  const b = makeBundle(["sleep", "1000"]);
  const id = uniqueId("fds");
  t.teardown(() => cleanup(b));
  // Two preserved fds, and every other fd of the caller left open (not close-on-exec) to tempt a leak.
  const extra = [openSync(join(b.dir, "p3"), "w"), openSync(join(b.dir, "p4"), "w"), openSync(b.dir, "r"), openSync("/", "r")];
  const out = openSync(join(b.dir, "out"), "w");
  const r = spawnSync(RONGQI, ["--root", b.root, "create", "--preserve-fds", "2", "-b", b.bundle, id], { stdio: ["ignore", out, out, ...extra], timeout: 30_000 });
  t.equal(r.status, 0);
  const pid = stateOf(b.root, id).pid;
  t.equal(rongqi(b.root, ["start", id]).status, 0);
  t.same(fdsOf(pid), ["0", "1", "2", "3", "4"], "stdio and the two preserved fds, nothing else");
  t.equal(readlinkSync(`/proc/${pid}/fd/3`), join(b.dir, "p3"));
  t.equal(readlinkSync(`/proc/${pid}/fd/4`), join(b.dir, "p4"));

  const pidFile = join(b.dir, "exec.pid");
  const e = spawnSync(RONGQI, ["--root", b.root, "exec", "-d", "--pid-file", pidFile, id, "sleep", "1000"], { stdio: ["ignore", out, out, ...extra], timeout: 30_000 });
  t.equal(e.status, 0, "exec -d");
  const epid = Number(spawnSync("cat", [pidFile], { encoding: "utf8" }).stdout);
  t.same(fdsOf(epid), ["0", "1", "2"], "the exec'd process gets stdio only");
  for (const fd of [...extra, out]) closeSync(fd);

  t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
  t.same(await settledLeftovers(b, [id]), []);
});

/** Every cwd here would leave the rootfs if resolved naively; each must fail or land inside. */
t.test("cwd through leaked or magic links, .. and symlinks never leaves the rootfs", async (t) => {
  // CAP_SYS_PTRACE: the cwd is entered with the process's capabilities, and
  // this one lets it follow /proc/1/root of the host's init.
  const b = makeBundle(["sleep", "1000"], (c) => {
    for (const set of ["bounding", "effective", "permitted"] as const) c.process!.capabilities![set]!.push("CAP_SYS_PTRACE");
  });
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.rootfs, "deep/er"), { recursive: true });
  symlinkSync("/../../../../../../../..", join(b.rootfs, "up"));
  symlinkSync("../../../../../../../../tmp", join(b.rootfs, "deep/er/tmp"));
  const cwds = [
    ...Array.from({ length: 12 }, (_, i) => `/proc/self/fd/${i + 3}`),
    "/proc/self/fd/1000", "/proc/self/fd/1001", "/proc/self/cwd", "/proc/1/cwd", "/proc/1/root",
    // in the host's pid namespace: this test process's root and cwd (the host's init may be out of reach)
    `/proc/${process.pid}/root`, `/proc/${process.pid}/cwd`, `/proc/${process.pid}/root/tmp`,
    "/../../../../..", "/up", "/up/tmp", "/deep/er/tmp", "/deep/../../../..",
  ];
  const hostPidns = ["/proc/1/root", "/proc/1/cwd", `/proc/${process.pid}/root`, `/proc/${process.pid}/cwd`, `/proc/${process.pid}/root/tmp`];
  let n = 0;
  for (const cwd of cwds) {
    for (const sharePid of hostPidns.includes(cwd) ? [false, true] : [false]) {
      const id = uniqueId(`cwd${n++}`);
      b.config.process!.cwd = cwd;
      b.config.linux!.namespaces = b.config.linux!.namespaces!.filter((x) => x.type !== "pid");
      if (!sharePid) b.config.linux!.namespaces.push({ type: "pid" });
      b.save();
      // A leaked host directory fd is what the attack needs: give the runtime some.
      const dirs = [openSync(b.dir, "r"), openSync("/", "r"), openSync("/tmp", "r")];
      const out = openSync(join(b.dir, "out"), "w");
      const r = spawnSync(RONGQI, ["--root", b.root, "run", "-d", "-b", b.bundle, id], { stdio: ["ignore", out, out, ...dirs], timeout: 30_000 });
      for (const fd of [...dirs, out]) closeSync(fd);
      const what = `cwd ${cwd}${sharePid ? " (host pid namespace)" : ""}`;
      if (r.status !== 0) {
        t.pass(`${what}: refused`);
        continue;
      }
      // From the host the cwd's path is not telling (another mount namespace): compare the directory itself.
      const pid = stateOf(b.root, id).pid;
      const where = ["/", "/tmp"].find((d) => sameDir(`/proc/${pid}/cwd`, join(b.rootfs, d)));
      t.ok(where, `${what}: the process runs in ${where ?? readlinkSync(`/proc/${pid}/cwd`) + " (not the rootfs's / or /tmp)"} of the rootfs`);
      t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
    }
  }
  t.same(await settledLeftovers(b), []);
});

t.test("exec --cwd through a magic link is refused or lands inside the container", async (t) => {
  const b = makeBundle(["sleep", "1000"]);
  const id = uniqueId("execcwd");
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, id]).status, 0);
  for (const cwd of ["/proc/self/fd/3", "/proc/self/fd/5", "/proc/self/fd/1000", "/proc/self/cwd", "/proc/1/root/..", "/../.."]) {
    const dirs = [openSync("/", "r"), openSync("/tmp", "r"), openSync(b.dir, "r")];
    const r = spawnSync(RONGQI, ["--root", b.root, "exec", "--cwd", cwd, id, "sh", "-c", "readlink /proc/self/cwd; ls /"], { stdio: ["ignore", "pipe", "pipe", ...dirs], encoding: "utf8", timeout: 30_000 });
    for (const fd of dirs) closeSync(fd);
    if (r.status !== 0) {
      t.pass(`exec --cwd ${cwd}: refused (${r.stderr.trim()})`);
      continue;
    }
    const [where, ...root] = r.stdout.trim().split("\n");
    t.ok(where?.startsWith("/"), `exec --cwd ${cwd}: inside (${where})`);
    t.notOk(root.includes("work") || root.includes("boot"), "the container's / is its rootfs");
  }
  t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
  t.same(await settledLeftovers(b, [id]), []);
});
