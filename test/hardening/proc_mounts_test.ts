// Mounts over /proc, and a /proc that is not a procfs. A mount inside /proc
// could cover a masked file, an LSM attribute or what a read-only /proc/sys
// protects (runc's checkProcMount); a write meant for procfs (a sysctl,
// oom_score_adj, an LSM label) must never land in a file some mount put at
// its path (CVE-2019-16884).
import t from "tap";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi } from "../_bundle.ts";
import { runHelper } from "../../src/linux/process/run_helper.ts";
import type { Op } from "../../src/linux/process/protocol.ts";
import { settledLeftovers, uniqueId } from "./_harness.ts";

const ERRNO_EPERM = 1;

t.test("config mounts inside /proc are refused with a clear error, except the lxcfs files", async (t) => {
  const b = makeBundle(["sh", "-c", "cat /proc/meminfo; grep -c . /proc/cpuinfo >/dev/null && echo cpuinfo-real"]);
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.bundle, "meminfo"), "MemTotal: 42 kB\n");
  mkdirSync(join(b.bundle, "dir"));
  const base = structuredClone(b.config.mounts!);
  const cases: [string, object, RegExp | null][] = [
    ["tmpfs on /proc/sys", { destination: "/proc/sys", type: "tmpfs", source: "tmpfs" }, /mounts\[\d+\]\.destination: "\/proc\/sys" is inside \/proc/],
    ["bind on /proc/self/attr", { destination: "/proc/self/attr", type: "bind", source: "dir", options: ["bind"] }, /is inside \/proc/],
    ["bind on /proc/../proc/kcore", { destination: "/proc/../proc/kcore", type: "bind", source: "meminfo", options: ["bind"] }, /is inside \/proc/],
    ["bind of a directory on /proc", { destination: "/proc", type: "bind", source: "dir", options: ["rbind"] }, /only a procfs may be mounted on \/proc/],
    ["tmpfs on /proc", { destination: "/proc", type: "tmpfs", source: "tmpfs" }, /only a procfs may be mounted on \/proc/],
    ["lxcfs-style bind on /proc/meminfo", { destination: "/proc/meminfo", type: "bind", source: "meminfo", options: ["bind", "ro"] }, null],
  ];
  for (const [what, mount, refused] of cases) {
    b.config.mounts = [...structuredClone(base), mount as never];
    b.save();
    const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("procm")]);
    if (refused) {
      t.not(r.status, 0, `${what}: refused`);
      t.match(r.stderr, refused, `${what}: ${r.stderr.trim()}`);
      t.equal(r.stderr.trim().split("\n").length, 1, "one line");
    } else {
      t.equal(r.status, 0, `${what}: allowed ${r.stderr}`);
      t.equal(r.stdout, "MemTotal: 42 kB\ncpuinfo-real\n", "the file is covered, the rest of /proc is the real one");
    }
  }
  t.same(await settledLeftovers(b), []);
});

t.test("a second procfs elsewhere, which masked and read-only paths would not cover, is refused", async (t) => {
  // /proc/sys is read-only in the default config; the same files under a second procfs would not be
  const b = makeBundle(["sh", "-c", "(echo x > /proc2/sys/kernel/domainname) 2>/dev/null && echo writable || echo read-only"]);
  t.teardown(() => cleanup(b));
  b.config.mounts!.push({ destination: "/proc2", type: "proc", source: "proc" });
  b.save();
  const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("proc2")]);
  t.not(r.status, 0);
  t.match(r.stderr, /^rongqi: mounts\[\d+\]: a proc on "\/proc2" would show what linux\.maskedPaths and linux\.readonlyPaths hide or protect under \/proc/);
  t.equal(r.stdout, "", "it never ran");
  // without masks (a privileged container) it is the config's choice
  b.config.linux!.maskedPaths = [];
  b.config.linux!.readonlyPaths = [];
  b.save();
  const p = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("proc2p")]);
  t.equal(p.status, 0, p.stderr);
  t.equal(p.stdout, "writable\n", "what the refusal prevents: /proc2/sys is writable");
  t.same(await settledLeftovers(b), []);
});

t.test("a symlink in the image leading a mount into /proc is refused by the helper", async (t) => {
  const b = makeBundle(["sh", "-c", "echo ran"]);
  t.teardown(() => cleanup(b));
  symlinkSync("/proc/sys", join(b.rootfs, "sneaky"));
  symlinkSync("../proc/self/attr", join(b.rootfs, "sneaky2"));
  symlinkSync("/proc", join(b.rootfs, "myproc"));
  mkdirSync(join(b.bundle, "dir"));
  const base = structuredClone(b.config.mounts!);
  for (const mount of [
    { destination: "/sneaky", type: "tmpfs", source: "tmpfs" },
    { destination: "/sneaky2", type: "bind", source: "dir", options: ["bind"] },
    { destination: "/myproc", type: "tmpfs", source: "tmpfs" },
  ]) {
    b.config.mounts = [...structuredClone(base), mount];
    b.save();
    const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("procs")]);
    t.not(r.status, 0, `${mount.destination} -> /proc...: refused`);
    t.match(r.stderr, /EPERM.*(inside \/proc|only a procfs may be mounted)/, r.stderr.trim());
    t.notMatch(r.stdout, /ran/);
  }
  t.same(await settledLeftovers(b), []);
});

t.test("a write under /proc goes only to a real procfs (helper, private mount namespace)", async (t) => {
  const CLONE_NEWNS = 0x20000;
  const MS_REC = 0x4000, MS_PRIVATE = 0x40000;
  const fake: Op[] = [
    { op: "unshare", flags: CLONE_NEWNS },
    { op: "mount", source: "", target: "/", fstype: "", data: "", flags: MS_REC | MS_PRIVATE, create: 0, inRoot: false, keepFlags: false },
    { op: "mount", source: "tmpfs", target: "/proc", fstype: "tmpfs", data: "", flags: 0, create: 0, inRoot: false, keepFlags: false },
    { op: "openRoot", path: "/" },
    { op: "mknod", path: "/proc/self/oom_score_adj", mode: 0o100644, major: 0, minor: 0, uid: -1, gid: -1 },
    { op: "writeFile", path: "/proc/self/oom_score_adj", data: "500" },
    { op: "resolveExec", file: "/bin/true", path: "" },
    { op: "exec", argv: ["true"], env: [] },
  ];
  const out = await runHelper({ ops: fake, stdio: ["ignore", "ignore", "ignore"] });
  t.equal(out.kind, "error");
  if (out.kind === "error") {
    t.equal(out.opIndex, 5, "the write was refused");
    t.equal(out.errno, ERRNO_EPERM);
    t.match(out.detail, /not on a procfs: \/proc\/self\/oom_score_adj/);
  }
  // The same write to the real procfs works.
  const real = await runHelper({ ops: [fake[5]!, fake[6]!, fake[7]!], stdio: ["ignore", "ignore", "ignore"] });
  t.equal(real.kind, "exec");
});
