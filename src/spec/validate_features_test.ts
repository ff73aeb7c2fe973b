import t from "tap";
import { validateFeatures } from "./validate_features.ts";

const full = {
  ociVersionMin: "1.0.0",
  ociVersionMax: "1.3.0",
  hooks: ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
  mountOptions: ["bind", "rbind", "ro"],
  linux: {
    namespaces: ["cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time"],
    capabilities: ["CAP_CHOWN", "CAP_KILL"],
    cgroup: { v1: false, v2: true, systemd: false, systemdUser: false, rdma: null },
    seccomp: { enabled: true, actions: ["SCMP_ACT_ALLOW"], operators: ["SCMP_CMP_EQ"], archs: ["SCMP_ARCH_X86_64"], knownFlags: [], supportedFlags: [] },
    apparmor: { enabled: false },
    selinux: null,
    intelRdt: { enabled: false, schemata: false, monitoring: false },
    memoryPolicy: { modes: ["MPOL_BIND"], flags: ["MPOL_F_STATIC_NODES"] },
    mountExtensions: { idmap: { enabled: true } },
    netDevices: { enabled: false },
  },
  annotations: { "io.rongqi.version": "0.1.0" },
  potentiallyUnsafeConfigAnnotations: ["org.systemd.property."],
};

t.test("good features", (t) => {
  t.same(validateFeatures(full), []);
  t.same(validateFeatures({ ociVersionMin: "1.0.0", ociVersionMax: "1.0.0" }), [], "minimal");
  t.same(validateFeatures({ ociVersionMin: "1.0.0", ociVersionMax: "1.1.0", hooks: null, linux: null, annotations: null }), [], "nulls");
  t.end();
});

t.test("bad features", (t) => {
  t.same(validateFeatures({ ociVersionMin: "1.0.0" }), [{ pointer: "/ociVersionMax", message: "is required" }]);
  t.same(validateFeatures({ ...full, ociVersionMax: "0.9.0" }), [{ pointer: "/ociVersionMax", message: "0.9.0 is less than ociVersionMin 1.0.0" }]);
  t.same(validateFeatures({ ...full, ociVersionMin: "1.3.0", ociVersionMax: "1.3.0-rc.1" }), [
    { pointer: "/ociVersionMax", message: "1.3.0-rc.1 is less than ociVersionMin 1.3.0" },
  ]);
  t.same(validateFeatures({ ...full, extra: 1 }), [{ pointer: "/extra", message: "unknown property: not defined by the spec" }], "MUST NOT contain undefined properties");
  t.same(validateFeatures({ ...full, linux: { ...full.linux, seccomp: { enabled: "yes" } } }), [
    { pointer: "/linux/seccomp/enabled", message: 'must be a boolean (true or false) or null, not a string ("yes")' },
  ]);
  t.same(validateFeatures({ ...full, hooks: ["prestop"] }), [
    { pointer: "/hooks/0", message: '"prestop" is not one of prestart, createRuntime, createContainer, startContainer, poststart, poststop' },
  ]);
  t.same(validateFeatures({ ...full, linux: { ...full.linux, namespaces: ["net"] } }), [
    { pointer: "/linux/namespaces/0", message: '"net" is not one of pid, network, mount, ipc, uts, user, cgroup, time' },
  ]);
  t.end();
});
