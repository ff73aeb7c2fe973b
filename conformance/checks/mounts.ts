// Mounts: listed order, every Linux mount option the spec requires (one
// container each, so that one unsupported option fails only its own check),
// the recursive (AT_RECURSIVE) options on an rbind with a submount,
// filesystem data, relative paths, single-file binds, idmapped mounts.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, type Check, type T } from "../_check.ts";
import { USERNS_MAP, withNamespace, type Mount } from "../_config.ts";
import { expectCreateFails, runInside } from "../_helpers.ts";
import { APPLIED, MOUNT_OPTIONS } from "../_spec.ts";
import { host, type Bundle } from "../_workspace.ts";

/** A host directory tree: top file, and sub/ holding a tmpfs with a file, with per-mount flags `subFlags`. */
function tree(t: T, name: string, subFlags: string[] = []): string {
  const dir = t.ws.mkdir(name);
  writeFileSync(join(dir, "topfile"), "top");
  const sub = join(dir, "sub");
  mkdirSync(sub);
  host("mount", ["-t", "tmpfs", "-o", "size=1m,mode=755", "tmpfs", sub]);
  writeFileSync(join(sub, "subfile"), "sub");
  if (subFlags.length) host("mount", ["-o", ["remount", "bind", ...subFlags].join(","), sub]);
  return dir;
}

/** A bundle with one extra mount at /m (the directory made in the rootfs) and a checker body. */
function withMount(t: T, m: Omit<Mount, "destination"> & { destination?: string }, body: string): Bundle {
  return t.ws.bundle({
    script: body,
    edit: (c, b) => {
      const destination = m.destination ?? "/m";
      b.mkdir(destination);
      c.mounts.push({ ...m, destination });
    },
  });
}

interface Opt {
  name: string;
  level: "MUST" | "SHOULD";
  options: string[];
  body: string;
  /** what the check looks for */
  what: string;
}

const ACCEPTED = `ismount "/m is mounted" /m`;

const OPTIONS: Opt[] = [
  { name: "ro", level: "MUST", options: ["ro"], what: "read-only", body: `optin "ro in mountinfo" /m ro\nfails "writes fail" "read-only" touch /m/x` },
  { name: "rw", level: "MUST", options: ["ro", "rw"], what: "read-write after ro", body: `optin "rw in mountinfo" /m rw\nsucceeds "writes work" touch /m/x` },
  { name: "nosuid", level: "MUST", options: ["nosuid"], what: "nosuid", body: `optin "nosuid in mountinfo" /m nosuid` },
  { name: "suid", level: "MUST", options: ["nosuid", "suid"], what: "nosuid cleared", body: `optout "no nosuid in mountinfo" /m nosuid` },
  { name: "nodev", level: "MUST", options: ["nodev"], what: "nodev", body: `optin "nodev in mountinfo" /m nodev` },
  { name: "dev", level: "MUST", options: ["nodev", "dev"], what: "nodev cleared", body: `optout "no nodev in mountinfo" /m nodev` },
  { name: "noexec", level: "MUST", options: ["noexec"], what: "noexec", body: `optin "noexec in mountinfo" /m noexec\ncp /bin/busybox /m/true\nfails "programs there do not run" "denied" /m/true` },
  { name: "exec", level: "MUST", options: ["noexec", "exec"], what: "noexec cleared", body: `optout "no noexec in mountinfo" /m noexec\ncp /bin/busybox /m/true\nsucceeds "programs there run" /m/true` },
  { name: "noatime", level: "MUST", options: ["noatime"], what: "noatime", body: `optin "noatime in mountinfo" /m noatime` },
  { name: "atime", level: "MUST", options: ["noatime", "atime"], what: "noatime cleared", body: `optout "no noatime in mountinfo" /m noatime` },
  { name: "relatime", level: "MUST", options: ["relatime"], what: "relatime", body: `optin "relatime in mountinfo" /m relatime` },
  { name: "strictatime", level: "MUST", options: ["strictatime"], what: "neither relatime nor noatime", body: `optout "no relatime in mountinfo" /m relatime\noptout "no noatime in mountinfo" /m noatime` },
  { name: "nostrictatime", level: "MUST", options: ["strictatime", "nostrictatime"], what: "back to relatime", body: `optin "relatime in mountinfo" /m relatime` },
  { name: "norelatime", level: "MUST", options: ["norelatime"], what: "accepted", body: ACCEPTED },
  { name: "nodiratime", level: "MUST", options: ["nodiratime"], what: "nodiratime", body: `optin "nodiratime in mountinfo" /m nodiratime` },
  { name: "diratime", level: "MUST", options: ["nodiratime", "diratime"], what: "nodiratime cleared", body: `optout "no nodiratime in mountinfo" /m nodiratime` },
  { name: "sync", level: "MUST", options: ["sync"], what: "sync", body: `optin "sync in mountinfo" /m sync` },
  { name: "async", level: "MUST", options: ["sync", "async"], what: "sync cleared", body: `optout "no sync in mountinfo" /m sync` },
  { name: "dirsync", level: "MUST", options: ["dirsync"], what: "dirsync", body: `optin "dirsync in mountinfo" /m dirsync` },
  { name: "lazytime", level: "MUST", options: ["lazytime"], what: "lazytime", body: `optin "lazytime in mountinfo" /m lazytime` },
  { name: "nolazytime", level: "MUST", options: ["lazytime", "nolazytime"], what: "lazytime cleared", body: `optout "no lazytime in mountinfo" /m lazytime` },
  { name: "iversion", level: "MUST", options: ["iversion"], what: "accepted", body: ACCEPTED },
  { name: "noiversion", level: "MUST", options: ["noiversion"], what: "accepted", body: ACCEPTED },
  { name: "silent", level: "MUST", options: ["silent"], what: "accepted", body: ACCEPTED },
  { name: "loud", level: "MUST", options: ["loud"], what: "accepted", body: ACCEPTED },
  { name: "defaults", level: "MUST", options: ["defaults"], what: "accepted, read-write", body: `${ACCEPTED}\noptin "rw in mountinfo" /m rw` },
  { name: "nosymfollow", level: "SHOULD", options: ["nosymfollow"], what: "symlinks not followed", body: `optin "nosymfollow in mountinfo" /m nosymfollow\nln -s /etc/passwd /m/link\nfails "symlinks there are not followed" "symbolic|loop" cat /m/link` },
  { name: "symfollow", level: "SHOULD", options: ["nosymfollow", "symfollow"], what: "nosymfollow cleared", body: `optout "no nosymfollow in mountinfo" /m nosymfollow` },
];

const optionCheck = (o: Opt): Check =>
  check({
    id: `mounts.option-${o.name}`,
    area: "mounts",
    title: `mount option ${o.name} (${o.level}): ${o.what}`,
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "${o.name}" (${o.level})`,
    async run(t: T) {
      await runInside(t, withMount(t, { type: "tmpfs", source: "tmpfs", options: [...o.options, "size=4m"] }, o.body));
    },
  });

interface ROpt {
  name: string;
  /** per-mount flags of the host submount before the container copies it */
  host: string[];
  /** the flag expected present (set) or absent (clear) on /m and /m/sub */
  flag: string;
  set: boolean;
}

const RECURSIVE: ROpt[] = [
  { name: "rro", host: [], flag: "ro", set: true },
  { name: "rrw", host: ["ro"], flag: "ro", set: false },
  { name: "rnosuid", host: [], flag: "nosuid", set: true },
  { name: "rsuid", host: ["nosuid"], flag: "nosuid", set: false },
  { name: "rnodev", host: [], flag: "nodev", set: true },
  { name: "rdev", host: ["nodev"], flag: "nodev", set: false },
  { name: "rnoexec", host: [], flag: "noexec", set: true },
  { name: "rexec", host: ["noexec"], flag: "noexec", set: false },
  { name: "rnoatime", host: [], flag: "noatime", set: true },
  { name: "ratime", host: ["noatime"], flag: "noatime", set: false },
  { name: "rnodiratime", host: [], flag: "nodiratime", set: true },
  { name: "rdiratime", host: ["nodiratime"], flag: "nodiratime", set: false },
  { name: "rstrictatime", host: [], flag: "relatime", set: false },
  { name: "rrelatime", host: ["strictatime"], flag: "relatime", set: true },
  { name: "rnostrictatime", host: ["strictatime"], flag: "relatime", set: true },
  { name: "rnosymfollow", host: [], flag: "nosymfollow", set: true },
  { name: "rsymfollow", host: ["nosymfollow"], flag: "nosymfollow", set: false },
];

const recursiveCheck = (o: ROpt): Check =>
  check({
    id: `mounts.option-${o.name}`,
    area: "mounts",
    title: `recursive mount option ${o.name} (SHOULD) applies to the rbind mount and its submount`,
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "${o.name}" (SHOULD)`,
    async run(t: T) {
      const src = tree(t, "tree", o.host);
      const assert = o.set ? "optin" : "optout";
      const body = [
        `eq "the submount came along" "$(cat /m/sub/subfile)" sub`,
        o.set ? `${assert} "${o.flag} on /m" /m ${o.flag}` : "",
        `${assert} "${o.set ? "" : "no "}${o.flag} on /m/sub" /m/sub ${o.flag}`,
      ].filter(Boolean).join("\n");
      await runInside(t, withMount(t, { type: "bind", source: src, options: ["rbind", o.name] }, body));
    },
  });

export default [
  check({
    id: "mounts.listed-order",
    area: "mounts",
    title: "mounts are made in the listed order (later ones on top, nested ones inside earlier ones)",
    spec: { file: "config.md", quote: "The runtime MUST mount entries in the listed order." },
    async run(t: T) {
      const data = t.ws.mkdir("data");
      writeFileSync(join(data, "file"), "from the host");
      const b = t.ws.bundle({
        script: `eq "the second tmpfs at /o (size=2m) is on top" "$(df -k /o | awk 'NR==2 {print $2}')" 2048\neq "the bind inside the tmpfs at /n is visible" "$(cat /n/inner/file)" "from the host"`,
        edit: (c, bb) => {
          bb.mkdir("/o");
          bb.mkdir("/n");
          c.mounts.push(
            { destination: "/o", type: "tmpfs", source: "tmpfs", options: ["size=1m"] },
            { destination: "/o", type: "tmpfs", source: "tmpfs", options: ["size=2m"] },
            { destination: "/n", type: "tmpfs", source: "tmpfs", options: ["mode=755", "size=1m"] },
            { destination: "/n/inner", type: "bind", source: data, options: ["bind"] },
          );
        },
      });
      await runInside(t, b);
    },
  }),
  ...OPTIONS.map(optionCheck),
  check({
    id: "mounts.option-remount",
    area: "mounts",
    title: "mount option remount (MUST): a later entry with remount,ro makes an earlier mount read-only",
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "remount" (MUST)`,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `optin "ro in mountinfo" /m ro\nfails "writes fail" "read-only" touch /m/x`,
        edit: (c, bb) => {
          bb.mkdir("/m");
          c.mounts.push(
            { destination: "/m", type: "tmpfs", source: "tmpfs", options: ["size=1m"] },
            { destination: "/m", type: "tmpfs", source: "tmpfs", options: ["remount", "ro"] },
          );
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "mounts.option-bind",
    area: "mounts",
    title: "mount option bind (MUST): the source directory appears, without its submounts",
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "bind" (MUST)`,
    async run(t: T) {
      const src = tree(t, "tree");
      const body = `eq "the source's file is visible" "$(cat /m/topfile)" top\nsucceeds "writes reach the source" sh -c "echo back > /m/written"\nnomatch "the submount is not carried" "$(mnt /m/sub)" tmpfs`;
      await runInside(t, withMount(t, { type: "none", source: src, options: ["bind"] }, body));
      t.eq(readFileSync(join(src, "written"), "utf8").trim(), "back", "the host sees the write");
    },
  }),
  check({
    id: "mounts.option-rbind",
    area: "mounts",
    title: "mount option rbind (MUST): the source directory appears with its submounts",
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "rbind" (MUST)`,
    async run(t: T) {
      const src = tree(t, "tree");
      const body = `eq "the source's file is visible" "$(cat /m/topfile)" top\nismount "the submount is carried" /m/sub\neq "the submount's file is visible" "$(cat /m/sub/subfile)" sub`;
      await runInside(t, withMount(t, { type: "bind", source: src, options: ["rbind"] }, body));
    },
  }),
  ...RECURSIVE.map(recursiveCheck),
  check({
    id: "mounts.filesystem-data",
    area: "mounts",
    title: "options the runtime does not know (size=, nr_inodes=) go to the filesystem as data",
    spec: { file: "config.md", quote: "Runtimes SHOULD treat unknown options as filesystem-specific ones) and pass those as a comma-separated string to the fifth (const void *data) argument of mount(2)." },
    async run(t: T) {
      const body = `eq "nr_inodes=321 applied" "$(df -i /m | awk 'NR==2 {print $2}')" 321\neq "size=2m applied" "$(df -k /m | awk 'NR==2 {print $2}')" 2048`;
      await runInside(t, withMount(t, { type: "tmpfs", source: "tmpfs", options: ["nosuid", "size=2m", "nr_inodes=321"] }, body));
    },
  }),
  check({
    id: "mounts.relative-destination",
    area: "mounts",
    title: "a relative destination is taken relative to /",
    spec: { file: "config.md", quote: "For compatibility with old tools and configurations, it MAY be a relative path, in which case it MUST be interpreted as relative to \"/\"." },
    async run(t: T) {
      await runInside(t, withMount(t, { destination: "cf-relative", type: "tmpfs", source: "tmpfs", options: ["size=1m"] }, `ismount "/cf-relative is a mount" /cf-relative`));
    },
  }),
  check({
    id: "mounts.bind-relative-source",
    area: "mounts",
    title: "a relative bind source is taken relative to the bundle",
    spec: APPLIED,
    about: "config.md#mounts: Path values for bind mounts are either absolute or relative to the bundle",
    async run(t: T) {
      const b = withMount(t, { type: "bind", source: "hostdata", options: ["bind"] }, `eq "the file from <bundle>/hostdata" "$(cat /m/file)" relative`);
      mkdirSync(join(b.dir, "hostdata"));
      writeFileSync(join(b.dir, "hostdata/file"), "relative");
      await runInside(t, b, { create: { cwd: "/" } });
    },
  }),
  check({
    id: "mounts.bind-file",
    area: "mounts",
    title: "a single file can be bind-mounted",
    spec: APPLIED,
    about: "config.md#mounts (bind of a file)",
    async run(t: T) {
      const file = join(t.ws.dir, "hostfile");
      writeFileSync(file, "one file");
      const b = t.ws.bundle({
        script: `eq "the file's content" "$(cat /etc/cf-file)" "one file"`,
        edit: (c, bb) => {
          bb.file("/etc/cf-file", "placeholder");
          c.mounts.push({ destination: "/etc/cf-file", type: "bind", source: file, options: ["bind", "ro"] });
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "mounts.default-filesystems",
    area: "mounts",
    title: "/proc, /sys, /dev/pts and /dev/shm are proc, sysfs, devpts and tmpfs",
    spec: { file: "config-linux.md", quote: "The following filesystems SHOULD be made available in each container's filesystem:" },
    async run(t: T) {
      const body = [["/proc", "proc"], ["/sys", "sysfs"], ["/dev/pts", "devpts"], ["/dev/shm", "tmpfs"]]
        .map(([p, fs]) => `eq "${p} is ${fs}" "$(mnt ${p} | cut -d' ' -f2)" ${fs}`).join("\n");
      await runInside(t, t.ws.bundle({ script: body }));
    },
  }),
  check({
    id: "mounts.idmap",
    area: "mounts",
    title: "an idmap bind mount with the container's mappings shows host root's files as root in a user namespace",
    spec: { file: "config.md", quote: "Indicates that the mount MUST have an idmapping applied." },
    about: `config.md#linux-mount-options "idmap" (SHOULD)`,
    needs: (h) => (h.userns ? undefined : "user namespaces are disabled on this host"),
    async run(t: T) {
      const data = t.ws.mkdir("idmapped");
      writeFileSync(join(data, "file"), "root's");
      chmodSync(join(data, "file"), 0o644);
      const b = t.ws.bundle({
        script: `eq "owner of a file owned by host root" "$(stat -c %u:%g /m/file)" 0:0`,
        edit: (c, bb) => {
          withNamespace(c, "user");
          c.linux.uidMappings = USERNS_MAP;
          c.linux.gidMappings = USERNS_MAP;
          bb.mkdir("/m");
          c.mounts.push({ destination: "/m", type: "bind", source: data, options: ["bind", "idmap"], uidMappings: USERNS_MAP, gidMappings: USERNS_MAP });
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "mounts.idmap-needs-mappings",
    area: "mounts",
    title: "idmap without mappings in a container without a user namespace is refused",
    spec: { file: "config.md", quote: "If there are no uidMappings and gidMappings specified and the container isn't using user namespaces, an error MUST be returned." },
    async run(t: T) {
      const data = t.ws.mkdir("idmapped");
      const b = withMount(t, { type: "bind", source: data, options: ["bind", "idmap"] }, "ok started");
      await expectCreateFails(t, b, "idmap has no mappings and there is no user namespace");
    },
  }),
  check({
    id: "mounts.mappings-in-pairs",
    area: "mounts",
    title: "a mount with uidMappings but no gidMappings is refused",
    spec: { file: "config.md", quote: "If specified, it MUST be specified along with gidMappings." },
    async run(t: T) {
      const data = t.ws.mkdir("idmapped");
      const b = t.ws.bundle({
        edit: (c, bb) => {
          withNamespace(c, "user");
          c.linux.uidMappings = USERNS_MAP;
          c.linux.gidMappings = USERNS_MAP;
          bb.mkdir("/m");
          c.mounts.push({ destination: "/m", type: "bind", source: data, options: ["bind", "idmap"], uidMappings: USERNS_MAP });
        },
      });
      await expectCreateFails(t, b, "uidMappings came without gidMappings");
    },
  }),
];
