import t from "tap";
import { checkCgroupsPath } from "./cgroups_path.ts";
import { minimalConfig } from "../testdata/configs.ts";

t.test("cgroupsPath forms", (t) => {
  const c = minimalConfig();
  t.same(checkCgroupsPath(c), [], "unset");
  for (const ok of ["/rongqi/web", "rongqi/web", "system.slice:rongqi:web", "a..b/c", ""]) {
    c.linux = { cgroupsPath: ok };
    t.same(checkCgroupsPath(c), [], ok);
  }
  for (const bad of ["../escape", "/a/../../b", "a/.."]) {
    c.linux = { cgroupsPath: bad };
    t.same(checkCgroupsPath(c), [{ pointer: "/linux/cgroupsPath", message: `${JSON.stringify(bad)} must not contain a .. component` }], bad);
  }
  c.linux = { cgroupsPath: "a\0b" };
  t.same(checkCgroupsPath(c), [{ pointer: "/linux/cgroupsPath", message: "must not contain a NUL character" }]);
  t.end();
});
