import t from "tap";
import { parentMount } from "./parent_mount.ts";

const info = [
  "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
  "40 27 0:50 / /srv rw - tmpfs tmpfs rw",
  "41 40 0:51 / /srv/with\\040space rw - tmpfs tmpfs rw",
  "42 27 0:52 / /srvx rw - tmpfs tmpfs rw",
].join("\n");

t.test("the longest mount point above the path", (t) => {
  t.equal(parentMount("/srv/bundle/rootfs", info), "/srv");
  t.equal(parentMount("/srvx/b", info), "/srvx", "a mount point is matched by whole components");
  t.equal(parentMount("/srv/with space/rootfs", info), "/srv/with space", "octal escapes are decoded");
  t.equal(parentMount("/var/lib/x", info), "/");
  t.equal(parentMount("/srv", info), "/srv", "a mount point is its own parent mount");
  t.end();
});
