import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROC_MOUNTABLE, procMountCheck, unmaskedKernelMounts } from "./proc_mount_check.ts";

t.test("a fresh procfs, or a bind of a procfs root, may go on /proc", async (t) => {
  t.same(procMountCheck("/proc", { type: "proc" }, "mounts[0]", false), { procTarget: false });
  t.same(procMountCheck("/proc/", { type: "bind" }, "mounts[0]", true, "/proc"), { procTarget: false });
  t.same(procMountCheck("/x/../proc", { type: "proc" }, "mounts[0]", false), { procTarget: false });
  const dir = mkdtempSync(join(tmpdir(), "rongqi-procchk-"));
  t.teardown(() => rmSync(dir, { recursive: true }));
  t.throws(() => procMountCheck("/proc", { type: "bind" }, "mounts[1]", true, dir), /mounts\[1\]\.destination: only a procfs may be mounted on \/proc/);
  t.throws(() => procMountCheck("/proc", { type: "bind" }, "mounts[1]", true, "/proc/self"), /only a procfs/, "a procfs directory that is not its root");
  t.throws(() => procMountCheck("/proc", { type: "tmpfs" }, "mounts[2]", false), /not "tmpfs"/);
});

t.test("under /proc only the lxcfs files; elsewhere anything", async (t) => {
  for (const p of PROC_MOUNTABLE) t.same(procMountCheck(p, { type: "bind" }, "m", true, "/etc/hostname"), { procTarget: true }, p);
  t.same(procMountCheck("/proc/./meminfo", { type: "bind" }, "m", true, "/etc/hostname"), { procTarget: true });
  for (const p of ["/proc/sys", "/proc/sys/kernel/core_pattern", "/proc/self/attr/exec", "/proc/kcore", "/proc/1", "/proc/../proc/sys"]) {
    t.throws(() => procMountCheck(p, { type: "tmpfs" }, "mounts[3]", false), new RegExp(`mounts\\[3\\]\\.destination: ".*" is inside /proc`), p);
  }
  for (const p of ["/procx", "/sys", "/data/proc/sys", "/proc/../sys"]) t.same(procMountCheck(p, { type: "tmpfs" }, "m", false), { procTarget: false }, p);
});

t.test("a second procfs or sysfs is refused while masked or read-only paths protect the first", async (t) => {
  const linux = { maskedPaths: ["/proc/kcore", "/sys/firmware"], readonlyPaths: ["/proc/sys"] };
  t.throws(() => unmaskedKernelMounts([{ destination: "/proc", type: "proc" }, { destination: "/proc2", type: "proc" }], linux),
    /^mounts\[1\]: a proc on "\/proc2" would show what linux\.maskedPaths and linux\.readonlyPaths hide or protect under \/proc \(\/proc\/kcore, \/proc\/sys\); mount proc on \/proc only$/);
  t.throws(() => unmaskedKernelMounts([{ destination: "/host/sys", type: "sysfs" }], linux), /a sysfs on "\/host\/sys" .* under \/sys \(\/sys\/firmware\)/);
  t.doesNotThrow(() => unmaskedKernelMounts([{ destination: "/proc/", type: "proc" }, { destination: "sys", type: "sysfs" }], linux), "their usual places");
  t.doesNotThrow(() => unmaskedKernelMounts([{ destination: "/proc2", type: "proc" }], { maskedPaths: ["/sys/firmware"] }), "nothing under /proc is protected");
  t.doesNotThrow(() => unmaskedKernelMounts([{ destination: "/x", type: "tmpfs" }, { destination: "/y", type: "bind" }], linux));
  t.doesNotThrow(() => unmaskedKernelMounts(undefined, undefined));
});
