import t from "tap";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeContainerDir } from "./remove_container_dir.ts";

t.test("removes the tree, tolerates a missing one, refuses bad ids", (t) => {
  const root = mkdtempSync(join(tmpdir(), "rongqi-rm-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "c", "sub"), { recursive: true });
  writeFileSync(join(root, "c", "sub", "f"), "x");
  mkdirSync(join(root, "other"));
  removeContainerDir(root, "c");
  t.notOk(existsSync(join(root, "c")));
  t.same(readdirSync(root), ["other"]);
  t.doesNotThrow(() => removeContainerDir(root, "c"), "already gone");
  t.doesNotThrow(() => removeContainerDir(join(root, "no-root"), "c"));
  t.throws(() => removeContainerDir(root, ".."), { message: /^invalid container id "\.\."/ });
  t.ok(existsSync(root));
  t.end();
});

t.test("a failure names its errno (Node's own rmSync says \"Unknown error\")", (t) => {
  const root = mkdtempSync(join(tmpdir(), "rongqi-rm-"));
  t.teardown(() => {
    spawnSync("umount", [join(root, "ro")]);
    rmSync(root, { recursive: true, force: true });
  });
  mkdirSync(join(root, "ro"));
  spawnSync("mount", ["-t", "tmpfs", "rongqi-test-ro", join(root, "ro")]);
  mkdirSync(join(root, "ro", "c"));
  writeFileSync(join(root, "ro", "c", "state.json"), "{}");
  spawnSync("mount", ["-o", "remount,ro", join(root, "ro")]);
  t.throws(() => removeContainerDir(join(root, "ro"), "c"), { message: /^removing the state directory of container "c": unlink ".*state\.json": EROFS \(Read-only file system\)$/ });
  t.end();
});
