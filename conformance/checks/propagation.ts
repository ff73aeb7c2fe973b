// Mount propagation: rootfsPropagation (shared, slave, private, unbindable)
// and the propagation options of bind mounts, judged by the propagation
// fields of the container's mountinfo and by mounts made on one side
// appearing, or not, on the other. The host side is a shared bind mount the
// check makes in its workspace.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, type Check, type T } from "../_check.ts";
import { withAllCaps } from "../_config.ts";
import { parseChecker } from "../_checker.ts";
import { created, hostCaps, judge } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { APPLIED, MOUNT_OPTIONS } from "../_spec.ts";
import { host, waitFor, type Bundle } from "../_workspace.ts";

/** Makes `dir` a shared mount of its own on the host. */
function sharedMount(dir: string): void {
  host("mount", ["--bind", dir, dir]);
  host("mount", ["--make-shared", dir]);
}

function hostIsMount(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8").split("\n").some((l) => l.split(" ")[4] === path);
}

/** Creates the container, runs `between` on the host, then starts it and judges the checker. */
async function createThenStart(t: T, b: Bundle, between: () => void): Promise<void> {
  const st = await created(t, b);
  between();
  const s = await b.start();
  if (s.status !== 0) t.fatal("start failed", describe(s));
  if (!(await b.waitStopped(st.pid))) t.fatal("the container did not stop");
  judge(t, parseChecker(b.output()));
}

const ROOTFS = "config-linux.md#rootfs-mount-propagation";

/** Propagation fields ("shared:N", "master:N", "unbindable") of the mount at $2, inside. */
const TAGS = (path: string) => `$(mnt ${path} | cut -d' ' -f4-)`;

interface Bind {
  option: string;
  /** tag expected on /m (and, for the recursive options, on /m/sub); "" for none */
  tag: string;
  recursive: boolean;
}

const BINDS: Bind[] = [
  { option: "private", tag: "", recursive: false },
  { option: "rprivate", tag: "", recursive: true },
  { option: "shared", tag: "shared:", recursive: false },
  { option: "rshared", tag: "shared:", recursive: true },
  { option: "slave", tag: "master:", recursive: false },
  { option: "rslave", tag: "master:", recursive: true },
  { option: "unbindable", tag: "unbindable", recursive: false },
  { option: "runbindable", tag: "unbindable", recursive: true },
];

/** A shared host directory with a submount, bind-mounted (rbind + `option`) at /m. */
function sharedTree(t: T): string {
  const dir = t.ws.mkdir("shared");
  sharedMount(dir);
  mkdirSync(join(dir, "sub"));
  host("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", join(dir, "sub")]);
  host("mount", ["--make-rshared", dir]);
  return dir;
}

const bindCheck = (o: Bind): Check =>
  check({
    id: `propagation.option-${o.option}`,
    area: "propagation",
    title: `bind mount propagation option ${o.option}: ${o.tag ? `${o.tag} in mountinfo` : "no propagation fields"}${o.recursive ? ", submount too" : ""}`,
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "${o.option}" (MUST)`,
    async run(t: T) {
      const src = sharedTree(t);
      const paths = o.recursive ? ["/m", "/m/sub"] : ["/m"];
      const body = paths.map((p) => (o.tag ? `match "${o.tag} on ${p}" "${TAGS(p)}" "${o.tag}"` : `nomatch "no shared or master on ${p}" "${TAGS(p)}" "shared:|master:"`)).join("\n");
      const b = t.ws.bundle({
        script: body,
        edit: (c, bb) => {
          bb.mkdir("/m");
          c.mounts.push({ destination: "/m", type: "bind", source: src, options: ["rbind", o.option] });
        },
      });
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
    },
  });

export default [
  check({
    id: "propagation.rootfs-shared",
    area: "propagation",
    title: "rootfsPropagation shared: / is a shared mount in the container",
    spec: APPLIED,
    about: ROOTFS,
    async run(t: T) {
      const b = t.ws.bundle({ script: `match "shared: on /" "${TAGS("/")}" "shared:"`, edit: (c) => { c.linux.rootfsPropagation = "shared"; } });
      sharedMount(b.rootfs);
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
    },
  }),
  check({
    id: "propagation.rootfs-slave-receives",
    area: "propagation",
    title: "rootfsPropagation slave: a mount made on the host under the rootfs after create appears in the container",
    spec: APPLIED,
    about: ROOTFS,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `ismount "the host's new mount is visible" /mnt/hostev\neq "its file" "$(cat /mnt/hostev/file 2>&1)" host`,
        edit: (c, bb) => {
          c.linux.rootfsPropagation = "slave";
          bb.mkdir("/mnt/hostev");
        },
      });
      sharedMount(b.rootfs);
      await createThenStart(t, b, () => {
        host("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", join(b.rootfs, "mnt/hostev")]);
        writeFileSync(join(b.rootfs, "mnt/hostev/file"), "host");
      });
    },
  }),
  check({
    id: "propagation.rootfs-slave-one-way",
    area: "propagation",
    title: "rootfsPropagation slave: a mount made in the container does not appear on the host",
    spec: APPLIED,
    about: ROOTFS,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `succeeds "mount in the container" mount -t tmpfs -o size=1m tmpfs /mnt/ctev`,
        edit: (c, bb) => {
          c.linux.rootfsPropagation = "slave";
          withAllCaps(c, hostCaps(t.host.capBound, t.host.capLast));
          bb.mkdir("/mnt/ctev");
        },
      });
      sharedMount(b.rootfs);
      const r = await b.run({ keep: true });
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
      t.ok(!hostIsMount(join(b.rootfs, "mnt/ctev")), "no mount at <rootfs>/mnt/ctev on the host");
    },
  }),
  check({
    id: "propagation.rootfs-private",
    area: "propagation",
    title: "rootfsPropagation private: a mount made on the host under the rootfs after create does not appear in the container",
    spec: APPLIED,
    about: ROOTFS,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `nomatch "no shared or master on /" "${TAGS("/")}" "shared:|master:"\neq "the host's new mount is not visible" "$(mnt /mnt/hostev)" ""`,
        edit: (c, bb) => {
          c.linux.rootfsPropagation = "private";
          bb.mkdir("/mnt/hostev");
        },
      });
      sharedMount(b.rootfs);
      await createThenStart(t, b, () => host("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", join(b.rootfs, "mnt/hostev")]));
    },
  }),
  check({
    id: "propagation.rootfs-unbindable",
    area: "propagation",
    title: "rootfsPropagation unbindable: / is unbindable in the container",
    spec: APPLIED,
    about: ROOTFS,
    async run(t: T) {
      const b = t.ws.bundle({ script: `match "unbindable on /" "${TAGS("/")}" "unbindable"`, edit: (c) => { c.linux.rootfsPropagation = "unbindable"; } });
      const r = await b.run();
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
    },
  }),
  ...BINDS.map(bindCheck),
  check({
    id: "propagation.rslave-receives",
    area: "propagation",
    title: "an rslave bind mount receives mounts made on the host after create",
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "rslave" (MUST)`,
    async run(t: T) {
      const src = sharedTree(t);
      mkdirSync(join(src, "hostev"));
      const b = t.ws.bundle({
        script: `ismount "the host's new mount is visible" /m/hostev\neq "its file" "$(cat /m/hostev/file 2>&1)" host`,
        edit: (c, bb) => {
          bb.mkdir("/m");
          c.mounts.push({ destination: "/m", type: "bind", source: src, options: ["rbind", "rslave"] });
        },
      });
      await createThenStart(t, b, () => {
        host("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", join(src, "hostev")]);
        writeFileSync(join(src, "hostev/file"), "host");
      });
    },
  }),
  check({
    id: "propagation.rshared-sends",
    area: "propagation",
    title: "an rshared bind mount (with rootfsPropagation shared) carries a mount made in the container to the host",
    spec: MOUNT_OPTIONS,
    about: `config.md#linux-mount-options "rshared" (MUST)`,
    async run(t: T) {
      const src = sharedTree(t);
      mkdirSync(join(src, "ctev"));
      const b = t.ws.bundle({
        script: `succeeds "mount in the container" mount -t tmpfs -o size=1m tmpfs /m/ctev\necho container > /m/ctev/file`,
        edit: (c, bb) => {
          c.linux.rootfsPropagation = "shared";
          withAllCaps(c, hostCaps(t.host.capBound, t.host.capLast));
          bb.mkdir("/m");
          c.mounts.push({ destination: "/m", type: "bind", source: src, options: ["rbind", "rshared"] });
        },
      });
      const r = await b.run({ keep: true });
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
      t.ok(await waitFor(() => hostIsMount(join(src, "ctev")), 2000), "the container's mount appeared on the host");
      t.ok(existsSync(join(src, "ctev/file")), "with the file written in the container");
    },
  }),
];
