// /dev/null, /dev/ptmx and the other default devices replaced in an image's
// rootfs (used as /dev when the config mounts no tmpfs there): a symlink to
// a host file, a symlink into the container, a regular file, a wrong device.
// The runtime must put the real device (or the pts/ptmx link) in their place,
// never follow a symlink it finds there, and never touch what one names.
import t from "tap";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi } from "../_bundle.ts";
import type { Config } from "../../src/spec/types/config.ts";
import { settledLeftovers, uniqueId } from "./_harness.ts";

const SCRIPT = `
echo pwned > /dev/null; echo pwned > /dev/zero; echo pwned > /dev/full 2>/dev/null
for d in null zero full random urandom tty; do echo "$d $(stat -c '%F %t:%T' /dev/$d)"; done
echo "ptmx $(readlink /dev/ptmx)"
echo "fd $(readlink /dev/fd)"
echo "passwd $(head -c 9 /etc/passwd)"
head -c 4 /dev/zero | od -An -tx1
`;

function plant(b: ReturnType<typeof makeBundle>): { secret: string } {
  const secret = join(b.dir, "host-secret");
  writeFileSync(secret, "secret\n");
  const dev = join(b.rootfs, "dev");
  rmSync(dev, { recursive: true, force: true });
  mkdirSync(join(dev, "pts"), { recursive: true });
  symlinkSync(secret, join(dev, "null"));                 // a host file by absolute path
  writeFileSync(join(dev, "zero"), "not zeros\n");          // a regular file
  symlinkSync("../etc/passwd", join(dev, "full"));          // a file of the container
  symlinkSync(secret, join(dev, "ptmx"));                   // the pty multiplexer, to a host file
  symlinkSync("../../../../../../..", join(dev, "fd"));     // climbing out
  writeFileSync(join(dev, "tty"), "");
  return { secret };
}

/** The default config without a tmpfs on /dev: the rootfs's own /dev is used. */
function ownDev(c: Config) {
  c.mounts = c.mounts!.filter((m) => m.destination !== "/dev");
}

for (const userns of [false, true]) {
  t.test(`default devices replace what the image put at their paths${userns ? " (user namespace: bind mounts)" : ""}`, async (t) => {
    const b = makeBundle(["sh", "-c", SCRIPT], (c) => {
      ownDev(c);
      if (userns) {
        c.linux!.namespaces!.push({ type: "user" });
        c.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
        c.linux!.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
        c.mounts = c.mounts!.filter((m) => m.type !== "cgroup" && m.destination !== "/sys");
      }
    });
    t.teardown(() => cleanup(b));
    const { secret } = plant(b);
    const passwd = readFileSync(join(b.rootfs, "etc/passwd"), "utf8");
    const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId(userns ? "devu" : "dev")]);
    t.equal(r.status, 0, r.stderr);
    const lines = Object.fromEntries(r.stdout.trim().split("\n").map((l) => [l.split(" ")[0], l.slice(l.indexOf(" ") + 1)]));
    t.equal(lines["null"], "character special file 1:3", "/dev/null is the null device");
    t.equal(lines["zero"], "character special file 1:5", "/dev/zero is the zero device");
    t.equal(lines["full"], "character special file 1:7", "/dev/full is the full device");
    t.equal(lines["tty"], "character special file 5:0");
    t.equal(lines["ptmx"], "pts/ptmx", "/dev/ptmx links to the container's devpts");
    t.equal(lines["fd"], "/proc/self/fd");
    t.equal(lines["passwd"], "root:x:0:", "/etc/passwd, which a planted /dev/full link named, is still itself in the container");
    t.match(r.stdout, / 00 00 00 00\n$/, "reads of /dev/zero give zeros");
    t.equal(readFileSync(secret, "utf8"), "secret\n", "the host file a planted symlink named is untouched");
    t.equal(readFileSync(join(b.rootfs, "etc/passwd"), "utf8"), passwd, "the container file a planted symlink named is untouched");
    t.same(await settledLeftovers(b), []);
  });
}
