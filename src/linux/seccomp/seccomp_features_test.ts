import t from "tap";
import { features } from "../../spec/features.ts";
import { validateFeatures } from "../../spec/validate_features.ts";
import { compileSeccomp } from "./compile_seccomp.ts";
import { seccompFeatures } from "./seccomp_features.ts";

t.test("features lists what the compiler takes, and the flags this kernel supports", async (t) => {
  const s = seccompFeatures("5.15.0-91-generic").linux!.seccomp!;
  t.equal(s.enabled, true);
  t.same(s.supportedFlags, ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]);
  t.same(s.knownFlags, [...s.supportedFlags!, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]);
  t.equal(seccompFeatures("6.18.4").linux!.seccomp!.supportedFlags!.length, 4);
  // Everything claimed compiles.
  for (const action of s.actions!) {
    const rule = { names: ["getpid"] as [string], action };
    t.doesNotThrow(() => compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/x", syscalls: [rule] }, { host: "x86_64" }), action);
  }
  for (const op of s.operators!) {
    t.doesNotThrow(() => compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["getpid"], action: "SCMP_ACT_LOG", args: [{ index: 0, value: 1, op }] }] }, { host: "x86_64" }), op);
  }
  t.doesNotThrow(() => compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", architectures: s.archs!, flags: s.knownFlags! }, { host: "x86_64" }));
  t.doesNotThrow(() => compileSeccomp({ defaultAction: "SCMP_ACT_ALLOW", architectures: s.archs! }, { host: "aarch64" }));
  t.same(validateFeatures(features()), [], "the whole document is valid");
});
