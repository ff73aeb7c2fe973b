import t from "tap";
import { IMPLEMENTED_EXTENSIONS } from "../linux/rootfs/mount_ops.ts";
import { CAPABILITIES } from "../linux/capabilities_list.ts";
import { MOUNT_OPTIONS, parseMountOptions } from "../linux/mount_options.ts";
import { NAMESPACE_KINDS } from "../linux/namespaces.ts";
import { SPEC_VERSION } from "../version.ts";
import { features } from "./features.ts";
import { validateFeatures } from "./validate_features.ts";

t.test("the document is valid and tells what the code has", (t) => {
  const doc = features();
  t.same(validateFeatures(doc), [], "valid against the features schema");
  t.equal(doc.ociVersionMin, "1.0.0");
  t.equal(doc.ociVersionMax, SPEC_VERSION);
  t.same(doc.hooks, ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]);
  t.same([...(doc.linux?.namespaces ?? [])].sort(), Object.keys(NAMESPACE_KINDS).sort(), "the namespace table's kinds");
  t.equal(doc.linux?.namespaces?.length, 8);
  t.same(doc.linux?.capabilities, [...CAPABILITIES]);
  for (const option of doc.mountOptions ?? []) {
    t.ok(Object.hasOwn(MOUNT_OPTIONS, option), `${option} is in the translation table`);
    t.same(parseMountOptions([option]).extensions.filter((e) => !IMPLEMENTED_EXTENSIONS.includes(e)), [], `${option} needs no unimplemented extension`);
  }
  t.ok(doc.mountOptions?.includes("tmpcopyup"), "tmpcopyup is implemented (helper op TMPCOPYUP)");
  t.notOk(doc.mountOptions?.includes("idmap"));
  t.same(doc.linux?.selinux, { enabled: false });
  t.same(doc.linux?.apparmor, { enabled: false });
  t.equal(doc.linux?.seccomp?.enabled, true);
  t.equal(doc.linux?.seccomp?.actions?.length, 9, "every action");
  t.equal(doc.linux?.seccomp?.operators?.length, 7, "every operator");
  t.same(doc.linux?.intelRdt, { enabled: false, schemata: false, monitoring: false });
  t.same(doc.linux?.netDevices, { enabled: true });
  t.same(doc.linux?.mountExtensions, { idmap: { enabled: false } });
  t.same(doc.linux?.cgroup, { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true }, "src/linux/cgroups: both drivers, no systemd");
  t.end();
});

t.test("contributions merge: arrays united, objects merged, later scalars win", (t) => {
  const doc = features([
    { ociVersionMin: "1.0.0", ociVersionMax: "1.3.0", hooks: ["prestart"] },
    { hooks: ["poststop", "prestart"], linux: { seccomp: { enabled: false }, cgroup: { v1: false, v2: false } } },
    { linux: { seccomp: { enabled: true, actions: ["SCMP_ACT_ALLOW"] }, cgroup: { v2: true } } },
  ]);
  t.same(doc, {
    ociVersionMin: "1.0.0",
    ociVersionMax: "1.3.0",
    hooks: ["prestart", "poststop"],
    linux: { seccomp: { enabled: true, actions: ["SCMP_ACT_ALLOW"] }, cgroup: { v1: false, v2: true } },
  });
  t.same(validateFeatures(doc), []);
  t.throws(() => features([{ hooks: [] }]), /ociVersionMin/);
  t.end();
});

t.test("a contribution the schema rejects is caught by validation", (t) => {
  const doc = features([{ ociVersionMin: "1.0.0", ociVersionMax: "1.3.0", linux: { namespaces: ["netz"] as never } }]);
  t.not(validateFeatures(doc).length, 0);
  t.end();
});
