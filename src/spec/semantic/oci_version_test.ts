import t from "tap";
import { checkOciVersion } from "./oci_version.ts";
import { minimalConfig } from "../testdata/configs.ts";

t.test("supported versions pass, others are errors", (t) => {
  const c = minimalConfig();
  for (const v of ["1.0.0", "1.0.2-dev", "1.2.1", "1.3.0"]) {
    c.ociVersion = v;
    t.same(checkOciVersion(c), [], v);
  }
  for (const v of ["0.9.0", "1.4.0", "2.0.0"]) {
    c.ociVersion = v;
    t.same(checkOciVersion(c), [{ pointer: "/ociVersion", message: `version ${v} is not supported: rongqi accepts 1.0.0 to 1.3.x` }], v);
  }
  c.ociVersion = "1.0";
  t.same(checkOciVersion(c), [{ pointer: "/ociVersion", message: "version 1.0 is not supported: rongqi accepts 1.0.0 to 1.3.x" }]);
  t.end();
});
