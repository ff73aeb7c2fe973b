import t from "tap";
import {
  MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME, MOUNT_ATTR_NODEV, MOUNT_ATTR_RDONLY, MOUNT_ATTR_STRICTATIME, MOUNT_OPTIONS,
  MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_RELATIME, MS_SHARED, MS_SLAVE, MS_UNBINDABLE,
  mountOptionNames, parseMountOptions,
} from "./mount_options.ts";

t.test("flags, data and propagation", (t) => {
  const p = parseMountOptions(["nosuid", "noexec", "nodev", "ro", "mode=755", "size=65536k", "rprivate", "slave"]);
  t.equal(p.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
  t.equal(p.clearFlags, 0);
  t.same(p.data, ["mode=755", "size=65536k"], "unknown options are filesystem data, in order");
  t.same(p.propagation, [MS_PRIVATE | MS_REC, MS_SLAVE]);
  t.same(p.extensions, []);
  t.end();
});

t.test("a later option overrides an earlier one", (t) => {
  const p = parseMountOptions(["ro", "nodev", "rw", "dev", "nosuid"]);
  t.equal(p.flags, MS_NOSUID);
  t.equal(p.clearFlags, MS_RDONLY | MS_NODEV, "explicitly cleared flags are reported");
  const q = parseMountOptions(["rw", "ro"]);
  t.equal(q.flags, MS_RDONLY);
  t.equal(q.clearFlags, 0);
  t.end();
});

t.test("bind, rbind and the propagation kinds", (t) => {
  t.equal(parseMountOptions(["bind"]).flags, MS_BIND);
  t.equal(parseMountOptions(["rbind"]).flags, MS_BIND | MS_REC);
  for (const [name, flag] of [["private", MS_PRIVATE], ["shared", MS_SHARED], ["slave", MS_SLAVE], ["unbindable", MS_UNBINDABLE]] as const) {
    t.same(parseMountOptions([name]).propagation, [flag], name);
    t.same(parseMountOptions(["r" + name]).propagation, [flag | MS_REC], "r" + name);
    t.equal(parseMountOptions([name]).flags, 0, `${name} is not a mount(2) flag of the mount itself`);
  }
  t.equal(parseMountOptions(["relatime"]).flags, MS_RELATIME);
  t.equal(parseMountOptions(["defaults"]).flags, 0);
  t.same(parseMountOptions(["defaults"]).data, [], "defaults is recognized, not data");
  t.end();
});

t.test("recursive attributes", (t) => {
  const p = parseMountOptions(["rro", "rnodev", "rdev"]);
  t.equal(p.recAttrSet, MOUNT_ATTR_RDONLY);
  t.equal(p.recAttrClr, MOUNT_ATTR_NODEV);
  t.equal(p.flags, 0);
  const a = parseMountOptions(["rnoatime"]);
  t.equal(a.recAttrSet, MOUNT_ATTR_NOATIME);
  t.equal(a.recAttrClr & MOUNT_ATTR__ATIME, MOUNT_ATTR__ATIME, "changing the atime mode clears the whole field");
  const b = parseMountOptions(["rnoatime", "rstrictatime", "rro"]);
  t.equal(b.recAttrSet, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_RDONLY, "the last atime mode wins");
  t.equal(b.recAttrClr, MOUNT_ATTR__ATIME);
  const c = parseMountOptions(["rstrictatime", "rrelatime"]);
  t.equal(c.recAttrSet, 0, "relatime is mode 0");
  t.equal(c.recAttrClr, MOUNT_ATTR__ATIME);
  t.end();
});

t.test("extensions", (t) => {
  const p = parseMountOptions(["bind", "idmap", "tmpcopyup", "idmap"]);
  t.same(p.extensions, ["idmap", "tmpcopyup"]);
  t.same(p.data, []);
  t.end();
});

t.test("the table covers the spec's and runc's options", (t) => {
  const expected = [
    "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
    "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
    "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount",
    "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
    "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow",
    "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync", "unbindable",
  ];
  t.same(mountOptionNames(), expected, "features lists every handled option, sorted, no extensions");
  t.ok(mountOptionNames(["tmpcopyup"]).includes("tmpcopyup"), "an implemented extension can be listed");
  for (const name of Object.keys(MOUNT_OPTIONS)) {
    t.same(parseMountOptions([name]).data, [], `${name} is never passed as data`);
  }
  t.same(parseMountOptions(["constructor", "toString"]).data, ["constructor", "toString"], "no prototype lookups");
  t.same(parseMountOptions(undefined).data, []);
  t.end();
});
