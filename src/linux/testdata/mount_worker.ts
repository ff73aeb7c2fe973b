// Test helper for syscall_test.ts, run in a private mount namespace
// (`unshare -m --propagation private`): mounts a tmpfs on argv[2], checks it,
// unmounts it, and prints what it saw as JSON.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorLine } from "../../errors.ts";
import { MNT_DETACH, MS_NODEV, MS_NOSUID, mount, statfs, TMPFS_MAGIC, umount2 } from "../syscall.ts";

const dir = process.argv[2]!;
const out: Record<string, unknown> = {};
writeFileSync(join(dir, "outside"), "x");
mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700");
out.tmpfs = statfs(dir) === TMPFS_MAGIC && !existsSync(join(dir, "outside"));
writeFileSync(join(dir, "inside"), "x");
umount2(dir, MNT_DETACH);
out.goneAfterUmount = !existsSync(join(dir, "inside")) && existsSync(join(dir, "outside"));
try {
  umount2(dir);
} catch (err) {
  out.secondUmount = errorLine(err);
}
try {
  mount(null, join(dir, "missing"), "tmpfs", 0);
} catch (err) {
  out.missingTarget = errorLine(err);
}
process.stdout.write(JSON.stringify(out) + "\n");
