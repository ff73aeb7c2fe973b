import t from "tap";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkRootPath } from "./root_path.ts";
import { minimalConfig } from "../testdata/configs.ts";

t.test("root.path must be a directory, relative to the bundle or absolute", (t) => {
  const bundle = mkdtempSync(join(tmpdir(), "rongqi-root-"));
  t.teardown(() => rmSync(bundle, { recursive: true, force: true }));
  const ctx = { bundle };
  const c = minimalConfig();
  t.same(checkRootPath(c, ctx), [{ pointer: "/root/path", message: `directory "rootfs" (${bundle}/rootfs) does not exist` }]);
  mkdirSync(join(bundle, "rootfs"));
  t.same(checkRootPath(c, ctx), [], "relative");
  c.root.path = join(bundle, "rootfs");
  t.same(checkRootPath(c, ctx), [], "absolute");
  symlinkSync("rootfs", join(bundle, "link"));
  c.root.path = "link";
  t.same(checkRootPath(c, ctx), [], "a symlink to a directory");
  writeFileSync(join(bundle, "file"), "");
  c.root.path = "file";
  t.same(checkRootPath(c, ctx), [{ pointer: "/root/path", message: `"file" (${bundle}/file) is not a directory` }]);
  c.root.path = join(bundle, "file", "x");
  t.same(checkRootPath(c, ctx), [{ pointer: "/root/path", message: `"${bundle}/file/x" is not a directory: a parent is not a directory` }]);
  t.end();
});
