import t from "tap";
import { compareSemver, isSupportedOciVersion, supportedOciVersions } from "./oci_version.ts";

t.test("supported versions: 1.0.0 to 1.3.x", (t) => {
  for (const v of ["1.0.0", "1.0.2-dev", "1.0.0-rc5", "1.1.0+dev", "1.2.1", "1.3.0", "1.3.7", "1.3.0-rc.1"]) t.ok(isSupportedOciVersion(v), v);
  for (const v of ["0.6.0", "1.4.0", "1.4.0-rc.1", "2.0.0", "1.3", "v1.3.0", ""]) t.notOk(isSupportedOciVersion(v), v);
  t.equal(supportedOciVersions(), "1.0.0 to 1.3.x");
  t.end();
});

t.test("SemVer precedence (semver.org, item 11)", (t) => {
  const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      t.equal(Math.sign(compareSemver(ordered[i]!, ordered[j]!)), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
  t.equal(compareSemver("1.0.0+a", "1.0.0+b"), 0, "build metadata is ignored");
  t.throws(() => compareSemver("1.0", "1.0.0"));
  t.end();
});
