// rongqi-init on a busybox rootfs: in-root resolution, creation of mount
// targets, pivot_root, chroot, MASK and READONLY. Every mount happens in a
// new mount namespace of the helper and vanishes with it.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import type { Op } from "./protocol.ts";
import { busyboxRootfs, CLONE_NEWNS, CLONE_NEWUSER, ENOENT, why, MS_BIND, MS_PRIVATE, MS_REC, removeDir, runCaptured, S_IFCHR, tempDir } from "./_testing.ts";

const tag = `rongqi-test-${process.pid}`;

function prologue(rootfs: string): Op[] {
  return [
    { op: "unshare", flags: CLONE_NEWNS },
    { op: "mount", source: "", target: "/", fstype: "", data: "", flags: MS_REC | MS_PRIVATE, create: 0, inRoot: false, keepFlags: false },
    { op: "mount", source: rootfs, target: rootfs, fstype: "", data: "", flags: MS_BIND | MS_REC, create: 0, inRoot: false, keepFlags: false },
    { op: "openRoot", path: rootfs },
  ];
}
const tmpfsAt = (target: string): Op =>
  ({ op: "mount", source: "tmpfs", target, fstype: "tmpfs", data: "", flags: 0, create: 1, inRoot: true, keepFlags: false });
const shell = (script: string): Op[] => [
  { op: "resolveExec", file: "sh", path: "/bin" },
  { op: "exec", argv: ["sh", "-c", script], env: ["PATH=/bin"] },
];

t.test("in-root mounts: created targets, symlinks resolved inside the root, pivot_root", async (t) => {
  const dir = tempDir("rootfs");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  mkdirSync(join(rootfs, "etc"));
  symlinkSync("/etc", join(rootfs, "hostetc")); // absolute: would be the host's /etc if followed outside
  symlinkSync("../../../../../../../../..", join(rootfs, "up")); // climbs above any root
  symlinkSync(`/nonexistent-${tag}/deeper`, join(rootfs, "dangling"));
  symlinkSync(`/files2/${tag}`, join(rootfs, "filelink")); // dangling, final component of a file target
  const hostFile = join(dir, "hostfile");
  writeFileSync(hostFile, "from the host\n");

  const r = await runCaptured({
    ops: [
      ...prologue(rootfs),
      tmpfsAt("/a/b/c"),
      tmpfsAt(`/hostetc/${tag}`),
      tmpfsAt("/up/tmp/deep"),
      tmpfsAt("/dangling"),
      { op: "mount", source: hostFile, target: "/files/f", fstype: "", data: "", flags: MS_BIND, create: 2, inRoot: true, keepFlags: false },
      { op: "mount", source: hostFile, target: "/filelink", fstype: "", data: "", flags: MS_BIND, create: 2, inRoot: true, keepFlags: false },
      { op: "mkdir", mode: 0o700, path: `/hostetc/made-${tag}` },
      { op: "mkdir", mode: 0o700, path: "/" },
      { op: "symlink", target: "/etc/passwd", path: `/up/hostetc/lnk-${tag}` },
      { op: "symlink", target: "/etc/passwd", path: `/up/hostetc/lnk-${tag}` }, // EEXIST is fine
      { op: "mknod", mode: S_IFCHR | 0o666, major: 1, minor: 3, uid: 0, gid: 0, path: "/dev/null" },
      { op: "mknod", mode: S_IFCHR | 0o666, major: 1, minor: 3, uid: 0, gid: 0, path: "/dev/null" }, // same node: kept
      { op: "pivotRoot" },
      ...shell([
        "echo in > /a/b/c/m && cat /a/b/c/m",
        `echo x > /etc/${tag}/m && ls /etc/${tag}`,
        "cat /files/f /filelink",
        "ls /tmp/deep /dangling && echo resolved",
        "echo written > /dev/null && echo null-ok",
      ].join("; ")),
    ],
  });
  t.equal(r.outcome.kind, "exec", why(r));
  const lines = r.stdout.split("\n");
  t.equal(lines[0], "in", "tmpfs at a created nested path");
  t.equal(lines[1], "m", `/hostetc/${tag} led to the rootfs's /etc`);
  t.equal(lines[2], "from the host", "file bind at a created file");
  t.equal(lines[3], "from the host", "file bind through a dangling final symlink");
  t.ok(r.stdout.includes("resolved"), "targets through '..' and a dangling symlink exist inside");
  t.ok(r.stdout.includes("null-ok"), "the device node works");

  t.notOk(existsSync(`/etc/${tag}`), "host /etc untouched by the mount");
  t.notOk(existsSync(`/etc/made-${tag}`), "host /etc untouched by MKDIR");
  t.notOk(existsSync(`/etc/lnk-${tag}`), "host /etc untouched by SYMLINK");
  t.notOk(existsSync(`/nonexistent-${tag}`), "host / untouched by the dangling symlink");
  t.notOk(existsSync(`/files2`), "host / untouched by the file link");
  t.ok(statSync(join(rootfs, "etc", tag)).isDirectory(), "the mount point was made inside the rootfs");
  t.same(readdirSync(join(rootfs, "etc", tag)), [], "and the tmpfs is gone with the namespace");
  t.same(readdirSync(join(rootfs, "a/b/c")), []);
  t.ok(statSync(join(rootfs, "tmp/deep")).isDirectory(), "'..' above the root stays at the root");
  t.ok(statSync(join(rootfs, `nonexistent-${tag}/deeper`)).isDirectory(), "dangling symlink target created inside");
  t.ok(statSync(join(rootfs, `files2/${tag}`)).isFile(), "file created through the final symlink");
  t.equal(statSync(join(rootfs, "files/f")).size, 0, "the bind target file is empty underneath");
  t.equal(statSync(join(rootfs, `etc/made-${tag}`)).mode & 0o777, 0o700);
  t.equal(lstatSync(join(rootfs, `etc/lnk-${tag}`)).isSymbolicLink(), true);
  const dev = statSync(join(rootfs, "dev/null"));
  t.ok(dev.isCharacterDevice() && dev.rdev === ((1 << 8) | 3), "char 1:3");
});

t.test("MKNOD replaces a different existing node, never following a symlink, and refuses a directory", async (t) => {
  const dir = tempDir("mknod");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  mkdirSync(join(rootfs, "dev/full"), { recursive: true });
  writeFileSync(join(rootfs, "dev/null"), "a file");
  const hostFile = join(dir, "hostfile");
  writeFileSync(hostFile, "host\n");
  symlinkSync(hostFile, join(rootfs, "dev/zero"));
  const node = (path: string, minor: number): Op => ({ op: "mknod", mode: S_IFCHR | 0o666, major: 1, minor, uid: 0, gid: 0, path });
  const r = await runCaptured({ ops: [{ op: "openRoot", path: rootfs }, node("/dev/null", 3), node("/dev/zero", 5), ...shell("true")] });
  t.match(r.outcome, { kind: "exec" });
  for (const [name, minor] of [["null", 3], ["zero", 5]] as const) {
    const st = lstatSync(join(rootfs, "dev", name));
    t.ok(st.isCharacterDevice(), `/dev/${name} is a device now`);
    t.equal(st.rdev, 0x100 | minor);
    t.equal(st.mode & 0o7777, 0o666, "the mode is exact, whatever the umask");
  }
  t.equal(readFileSync(hostFile, "utf8"), "host\n", "the file the symlink named is untouched");
  const d = await runCaptured({ ops: [{ op: "openRoot", path: rootfs }, node("/dev/full", 7), ...shell("true")] });
  t.match(d.outcome, { kind: "error", opIndex: 1, errno: 21, detail: "mknodat (a directory is in the way) /dev/full" });
});

t.test("MOUNT with create=0 on a missing in-root target is ENOENT", async (t) => {
  const dir = tempDir("nocreate");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  const r = await runCaptured({ ops: [...prologue(rootfs), { ...tmpfsAt("/missing"), create: 0 } as Op, ...shell("true")] });
  t.match(r.outcome, { kind: "error", opIndex: 4, errno: ENOENT, detail: "openat2 /missing" });
  t.notOk(existsSync(join(rootfs, "missing")));
});

t.test("MASK and READONLY after pivot_root", async (t) => {
  const dir = tempDir("mask");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  mkdirSync(join(rootfs, "maskdir"));
  writeFileSync(join(rootfs, "maskdir/inside"), "hidden");
  writeFileSync(join(rootfs, "secret"), "hidden");
  mkdirSync(join(rootfs, "rodir"));
  const r = await runCaptured({
    ops: [
      ...prologue(rootfs),
      { op: "mknod", mode: S_IFCHR | 0o666, major: 1, minor: 3, uid: 0, gid: 0, path: "/dev/null" },
      { op: "pivotRoot" },
      { op: "mask", path: "/secret" },
      { op: "mask", path: "/maskdir" },
      { op: "mask", path: "/not-there" },
      { op: "readonly", path: "/rodir" },
      { op: "readonly", path: "/not-there-either" },
      ...shell([
        "echo \"secret=[$(cat /secret)]\"",
        "echo \"maskdir=[$(ls /maskdir)]\"",
        "touch /maskdir/x 2>/dev/null || echo maskdir-ro",
        "touch /rodir/x 2>/dev/null || echo rodir-ro",
        "touch /x && echo root-rw",
      ].join("; ")),
    ],
  });
  t.equal(r.outcome.kind, "exec", why(r));
  t.equal(r.stdout, "secret=[]\nmaskdir=[]\nmaskdir-ro\nrodir-ro\nroot-rw\n");
  t.equal(readFileSync(join(rootfs, "secret"), "utf8"), "hidden", "the file itself is untouched");
});

t.test("MOUNT keepFlags keeps flags locked by a user namespace", async (t) => {
  const dir = tempDir("keep");
  t.teardown(() => removeDir(dir));
  const m = join(dir, "m");
  mkdirSync(m);
  const MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8, MS_RDONLY = 0x1, MS_REMOUNT = 0x20;
  const plan = (keepFlags: boolean): Op[] => [
    { op: "unshare", flags: CLONE_NEWNS },
    { op: "mount", source: "", target: "/", fstype: "", data: "", flags: MS_REC | MS_PRIVATE, create: 0, inRoot: false, keepFlags: false },
    { op: "mount", source: "tmpfs", target: m, fstype: "tmpfs", data: "", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, create: 0, inRoot: false, keepFlags: false },
    { op: "unshare", flags: CLONE_NEWUSER },
    { op: "sync", tag: 1 },
    { op: "setresuid", ruid: 0, euid: 0, suid: 0 },
    { op: "unshare", flags: CLONE_NEWNS }, // mounts copied into a less privileged namespace: flags locked
    { op: "mount", source: "", target: m, fstype: "", data: "", flags: MS_BIND | MS_REMOUNT | MS_RDONLY, create: 0, inRoot: false, keepFlags },
    { op: "resolveExec", file: "grep", path: "" },
    { op: "exec", argv: ["grep", ` ${m} `, "/proc/self/mountinfo"], env: [] },
  ];
  const maps = (_tag: number, ctx: { helperPid: number }) => {
    writeFileSync(`/proc/${ctx.helperPid}/uid_map`, "0 0 1");
  };
  const kept = await runCaptured({ ops: plan(true), onSync: maps });
  t.equal(kept.outcome.kind, "exec", why(kept));
  t.match(kept.stdout, /\sro,nosuid,nodev,noexec/, "read-only, locked flags kept");
  const lost = await runCaptured({ ops: plan(false), onSync: maps });
  t.match(lost.outcome, { kind: "error", opIndex: 7, errno: 1, detail: `mount ${m}` }, "without them: EPERM");
});

t.test("CHROOT (--no-pivot)", async (t) => {
  const dir = tempDir("chroot");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  writeFileSync(join(rootfs, "marker"), "inside\n");
  const r = await runCaptured({ ops: [...prologue(rootfs), { op: "chroot" }, ...shell("cat /marker; ls /bin/busybox")] });
  t.equal(r.outcome.kind, "exec");
  t.equal(r.stdout, "inside\n/bin/busybox\n");
});

t.test("MOUNT_SETATTR sets a recursive attribute", async (t) => {
  const dir = tempDir("setattr");
  t.teardown(() => removeDir(dir));
  const rootfs = busyboxRootfs(dir);
  const r = await runCaptured({
    ops: [
      ...prologue(rootfs),
      tmpfsAt("/top"),
      tmpfsAt("/top/sub"),
      { op: "mountSetattr", target: "/top", inRoot: true, attrSet: 0x1 },
      { op: "pivotRoot" },
      ...shell("touch /top/x 2>/dev/null || echo top-ro; touch /top/sub/x 2>/dev/null || echo sub-ro"),
    ],
  });
  t.equal(r.outcome.kind, "exec", why(r));
  t.equal(r.stdout, "top-ro\nsub-ro\n");
});

t.test("a rootfs set up inside a user namespace (unprivileged root mapped to 100000)", async (t) => {
  const dir = tempDir("userns");
  t.teardown(() => removeDir(dir));
  chmodSync(dir, 0o755);
  const rootfs = busyboxRootfs(dir);
  chownSync(rootfs, 100000, 100000); // the mapped root owns the rootfs, as an image unpacked for it would be
  const r = await runCaptured({
    ops: [
      { op: "unshare", flags: CLONE_NEWUSER },
      { op: "sync", tag: 1 },
      { op: "setresgid", rgid: 0, egid: 0, sgid: 0 },
      { op: "setresuid", ruid: 0, euid: 0, suid: 0 },
      ...prologue(rootfs),
      tmpfsAt("/new/dir"),
      { op: "mknod", mode: S_IFCHR | 0o666, major: 1, minor: 3, uid: 0, gid: 0, path: "/dev/null" },
      { op: "pivotRoot" },
      ...shell("touch /new/dir/x && ls /new/dir; id -u"),
    ],
    onSync: (_tag, ctx) => {
      writeFileSync(`/proc/${ctx.helperPid}/setgroups`, "deny");
      writeFileSync(`/proc/${ctx.helperPid}/uid_map`, "0 100000 65536");
      writeFileSync(`/proc/${ctx.helperPid}/gid_map`, "0 100000 65536");
    },
  });
  // mknod is not allowed in a user namespace: the error names the op.
  t.match(r.outcome, { kind: "error", opIndex: 9, errno: 1, detail: "mknodat /dev/null" });
  const ok = await runCaptured({
    ops: [
      { op: "unshare", flags: CLONE_NEWUSER },
      { op: "sync", tag: 1 },
      { op: "setresgid", rgid: 0, egid: 0, sgid: 0 },
      { op: "setresuid", ruid: 0, euid: 0, suid: 0 },
      ...prologue(rootfs),
      tmpfsAt("/new/dir"),
      tmpfsAt("/ro"),
      // read-only remount of an in-root target, keeping its flags (read through the O_PATH fd)
      { op: "mount", source: "", target: "/ro", fstype: "", data: "", flags: MS_BIND | 0x20 | 0x1, create: 0, inRoot: true, keepFlags: true },
      { op: "pivotRoot" },
      ...shell("touch /new/dir/x && ls /new/dir; id -u; touch /ro/x 2>/dev/null || echo ro"),
    ],
    onSync: (_tag, ctx) => {
      writeFileSync(`/proc/${ctx.helperPid}/setgroups`, "deny");
      writeFileSync(`/proc/${ctx.helperPid}/uid_map`, "0 100000 65536");
      writeFileSync(`/proc/${ctx.helperPid}/gid_map`, "0 100000 65536");
    },
  });
  t.equal(ok.outcome.kind, "exec", why(ok));
  t.equal(ok.stdout, "x\n0\nro\n");
  t.equal(statSync(join(rootfs, "new/dir")).uid, 100000, "the mount point was created by the mapped root");
});
