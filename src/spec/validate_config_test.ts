import t from "tap";
import { validateConfig, validateProcess } from "./validate_config.ts";
import type { Problem } from "./problem.ts";
import { fullConfig, minimalConfig, runcSpecDefaultConfig } from "./testdata/configs.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

t.test("good configs have no problems and no warnings", (t) => {
  for (const [name, config] of [
    ["minimal", minimalConfig()],
    ["runc spec default", runcSpecDefaultConfig()],
    ["full", fullConfig()],
  ] as const) {
    const warnings: Problem[] = [];
    t.same(validateConfig(config, warnings), [], name);
    t.same(warnings, [], `${name}: no warnings`);
  }
  t.end();
});

t.test("process is optional for the schema; root is not", (t) => {
  t.same(validateConfig({ ociVersion: "1.0.0", root: { path: "rootfs" } }), []);
  t.same(validateConfig({ ociVersion: "1.0.0" }), [{ pointer: "/root", message: "is required" }]);
  t.end();
});

// Each case: a change to a good config, and the one problem expected.
const BAD: [string, (c: Doc) => void, string, string | RegExp][] = [
  ["ociVersion missing", (c) => delete c.ociVersion, "/ociVersion", "is required"],
  ["ociVersion not semver", (c) => (c.ociVersion = "1.2"), "/ociVersion", '"1.2" is not a SemVer 2.0.0 version such as 1.2.0'],
  ["ociVersion not a string", (c) => (c.ociVersion = 1), "/ociVersion", "must be a string, not a number (1)"],
  ["root.path missing", (c) => (c.root = {}), "/root/path", "is required"],
  ["root.path empty", (c) => (c.root.path = ""), "/root/path", "must not be empty"],
  ["root.readonly a string", (c) => (c.root.readonly = "yes"), "/root/readonly", 'must be a boolean (true or false), not a string ("yes")'],
  ["mounts not an array", (c) => (c.mounts = {}), "/mounts", "must be an array, not an object"],
  ["mount without destination", (c) => (c.mounts = [{ source: "x" }]), "/mounts/0/destination", "is required"],
  ["mount options not strings", (c) => (c.mounts = [{ destination: "/x", options: [1] }]), "/mounts/0/options/0", "must be a string, not a number (1)"],
  [
    "mount uidMappings without gidMappings",
    (c) => (c.mounts = [{ destination: "/x", uidMappings: [{ containerID: 0, hostID: 1, size: 1 }] }]),
    "/mounts/0/gidMappings",
    "is required when uidMappings is set",
  ],
  [
    "id mapping of size 0",
    (c) => (c.linux = { uidMappings: [{ containerID: 0, hostID: 1, size: 0 }] }),
    "/linux/uidMappings/0/size",
    "must be at least 1, not 0",
  ],
  [
    "id mapping hostID above uint32",
    (c) => (c.linux = { uidMappings: [{ containerID: 0, hostID: 4294967296, size: 1 }] }),
    "/linux/uidMappings/0/hostID",
    "must be at most 4294967295, not 4294967296",
  ],
  ["process.cwd missing", (c) => delete c.process.cwd, "/process/cwd", "is required"],
  ["process.cwd relative", (c) => (c.process.cwd = "var/www"), "/process/cwd", '"var/www" is not an absolute path (it must start with /)'],
  ["process.args missing", (c) => delete c.process.args, "/process/args", "is required"],
  ["process.args empty", (c) => (c.process.args = []), "/process/args", "must have at least one entry"],
  ["process.env not strings", (c) => (c.process.env = ["A=1", null]), "/process/env/1", "must be a string, not null"],
  ["process.terminal a number", (c) => (c.process.terminal = 1), "/process/terminal", "must be a boolean (true or false), not a number (1)"],
  ["consoleSize without width", (c) => (c.process.consoleSize = { height: 1 }), "/process/consoleSize/width", "is required"],
  ["user.uid negative", (c) => (c.process.user = { uid: -1, gid: 0 }), "/process/user/uid", "must be at least 0, not -1"],
  ["user.gid a string", (c) => (c.process.user = { uid: 0, gid: "0" }), "/process/user/gid", 'must be an integer, not a string ("0")'],
  ["additionalGids not integers", (c) => (c.process.user = { uid: 0, gid: 0, additionalGids: [1.5] }), "/process/user/additionalGids/0", "must be an integer, not a number (1.5)"],
  [
    "rlimit unknown type",
    (c) => (c.process.rlimits = [{ type: "RLIMIT_FOO", soft: 1, hard: 1 }]),
    "/process/rlimits/0/type",
    /^"RLIMIT_FOO" is not one of RLIMIT_AS, RLIMIT_CORE, .*, RLIMIT_STACK$/,
  ],
  ["rlimit without hard", (c) => (c.process.rlimits = [{ type: "RLIMIT_CORE", soft: 1 }]), "/process/rlimits/0/hard", "is required"],
  [
    "rlimit above uint64",
    (c) => (c.process.rlimits = [{ type: "RLIMIT_CORE", soft: 1, hard: 1e20 }]),
    "/process/rlimits/0/hard",
    "must be at most 18446744073709551615, not 100000000000000000000",
  ],
  ["capabilities not arrays", (c) => (c.process.capabilities = { bounding: "CAP_KILL" }), "/process/capabilities/bounding", 'must be an array, not a string ("CAP_KILL")'],
  ["oomScoreAdj out of range", (c) => (c.process.oomScoreAdj = 1001), "/process/oomScoreAdj", "must be at most 1000, not 1001"],
  ["scheduler without policy", (c) => (c.process.scheduler = { nice: 1 }), "/process/scheduler/policy", "is required"],
  ["scheduler unknown policy", (c) => (c.process.scheduler = { policy: "SCHED_FAST" }), "/process/scheduler/policy", /^"SCHED_FAST" is not one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE$/],
  ["scheduler unknown flag", (c) => (c.process.scheduler = { policy: "SCHED_OTHER", flags: ["X"] }), "/process/scheduler/flags/0", /^"X" is not one of SCHED_FLAG_RESET_ON_FORK/],
  ["ioPriority class unknown", (c) => (c.process.ioPriority = { class: "IOPRIO_CLASS_NONE", priority: 1 }), "/process/ioPriority/class", '"IOPRIO_CLASS_NONE" is not one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE'],
  ["ioPriority priority 8", (c) => (c.process.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 8 }), "/process/ioPriority/priority", "must be at most 7, not 8"],
  ["execCPUAffinity bad list", (c) => (c.process.execCPUAffinity = { final: "0-3;7" }), "/process/execCPUAffinity/final", '"0-3;7" is not a list of numbers and ranges separated by commas, such as 0-3,7'],
  ["hostname a number", (c) => (c.hostname = 7), "/hostname", "must be a string, not a number (7)"],
  ["hook without path", (c) => (c.hooks = { poststop: [{ args: ["x"] }] }), "/hooks/poststop/0/path", "is required"],
  ["hook relative path", (c) => (c.hooks = { createRuntime: [{ path: "bin/hook" }] }), "/hooks/createRuntime/0/path", '"bin/hook" is not an absolute path (it must start with /)'],
  ["hook timeout 0", (c) => (c.hooks = { poststart: [{ path: "/h", timeout: 0 }] }), "/hooks/poststart/0/timeout", "must be greater than 0, not 0"],
  ["hooks not arrays", (c) => (c.hooks = { prestart: { path: "/h" } }), "/hooks/prestart", "must be an array, not an object"],
  ["annotation value not a string", (c) => (c.annotations = { "com.example": 2 }), "/annotations/com.example", "must be a string, not a number (2)"],
  ["annotation key empty", (c) => (c.annotations = { "": "x" }), "/annotations/", "key must not be empty"],
  ["linux not an object", (c) => (c.linux = []), "/linux", "must be an object, not an array"],
  [
    "namespace type unknown",
    (c) => (c.linux = { namespaces: [{ type: "pid" }, { type: "mount" }, { type: "netz" }] }),
    "/linux/namespaces/2/type",
    '"netz" is not one of pid, network, mount, ipc, uts, user, cgroup, time',
  ],
  ["namespace without type", (c) => (c.linux = { namespaces: [{ path: "/proc/1/ns/net" }] }), "/linux/namespaces/0/type", "is required"],
  ["namespace path relative", (c) => (c.linux = { namespaces: [{ type: "network", path: "run/netns/a" }] }), "/linux/namespaces/0/path", '"run/netns/a" is not an absolute path (it must start with /)'],
  ["timeOffsets unknown clock", (c) => (c.linux = { timeOffsets: { realtime: { secs: 1 } } }), "/linux/timeOffsets/realtime", 'key "realtime" is not one of monotonic, boottime'],
  ["timeOffsets nanosecs too big", (c) => (c.linux = { timeOffsets: { boottime: { nanosecs: 1000000000 } } }), "/linux/timeOffsets/boottime/nanosecs", "must be at most 999999999, not 1000000000"],
  ["device type unknown", (c) => (c.linux = { devices: [{ type: "x", path: "/dev/x" }] }), "/linux/devices/0/type", '"x" is not one of c, b, u, p'],
  ["char device without major", (c) => (c.linux = { devices: [{ type: "c", path: "/dev/x", minor: 1 }] }), "/linux/devices/0/major", "is required"],
  ["device path relative", (c) => (c.linux = { devices: [{ type: "p", path: "dev/x" }] }), "/linux/devices/0/path", '"dev/x" is not an absolute path (it must start with /)'],
  ["netDevice name not a string", (c) => (c.linux = { netDevices: { eth0: { name: 23 } } }), "/linux/netDevices/eth0/name", "must be a string, not a number (23)"],
  ["netDevice key with a slash", (c) => (c.linux = { netDevices: { "a/b": {} } }), "/linux/netDevices/a~1b", /^key "a\/b" is not a network interface name/],
  ["netDevice name too long", (c) => (c.linux = { netDevices: { eth0: { name: "a234567890123456" } } }), "/linux/netDevices/eth0/name", /^"a234567890123456" is not a network interface name \(1 to 15 characters/],
  ["cgroupsPath a number", (c) => (c.linux = { cgroupsPath: 5 }), "/linux/cgroupsPath", "must be a string, not a number (5)"],
  ["device rule without allow", (c) => (c.linux = { resources: { devices: [{ access: "rwm" }] } }), "/linux/resources/devices/0/allow", "is required"],
  ["device rule access", (c) => (c.linux = { resources: { devices: [{ allow: true, access: "rwx" }] } }), "/linux/resources/devices/0/access", '"rwx" must be made of r (read), w (write) and m (mknod)'],
  ["device rule type", (c) => (c.linux = { resources: { devices: [{ allow: true, type: "p" }] } }), "/linux/resources/devices/0/type", '"p" is not one of a, c, b'],
  ["memory limit below -1", (c) => (c.linux = { resources: { memory: { limit: -2 } } }), "/linux/resources/memory/limit", "must be at least -1, not -2"],
  ["swappiness above 100", (c) => (c.linux = { resources: { memory: { swappiness: 101 } } }), "/linux/resources/memory/swappiness", "must be at most 100, not 101"],
  ["cpu shares negative", (c) => (c.linux = { resources: { cpu: { shares: -1 } } }), "/linux/resources/cpu/shares", "must be at least 0, not -1"],
  ["cpu idle 2", (c) => (c.linux = { resources: { cpu: { idle: 2 } } }), "/linux/resources/cpu/idle", "must be at most 1, not 2"],
  ["cpus list", (c) => (c.linux = { resources: { cpu: { cpus: "all" } } }), "/linux/resources/cpu/cpus", '"all" is not a list of numbers and ranges separated by commas, such as 0-3,7'],
  ["pids limit below -1", (c) => (c.linux = { resources: { pids: { limit: -5 } } }), "/linux/resources/pids/limit", "must be at least -1, not -5"],
  ["blockIO weight above uint16", (c) => (c.linux = { resources: { blockIO: { weight: 70000 } } }), "/linux/resources/blockIO/weight", "must be at most 65535, not 70000"],
  [
    "weightDevice with no weight",
    (c) => (c.linux = { resources: { blockIO: { weightDevice: [{ major: 8, minor: 0 }] } } }),
    "/linux/resources/blockIO/weightDevice/0",
    "must have at least one of weight, leafWeight",
  ],
  ["throttle without rate", (c) => (c.linux = { resources: { blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0 }] } } }), "/linux/resources/blockIO/throttleReadBpsDevice/0/rate", "is required"],
  ["hugepage size lower case", (c) => (c.linux = { resources: { hugepageLimits: [{ pageSize: "64kB", limit: 1 }] } }), "/linux/resources/hugepageLimits/0/pageSize", '"64kB" is not a page size such as 64KB, 2MB or 1GB'],
  ["network priority without name", (c) => (c.linux = { resources: { network: { priorities: [{ priority: 1 }] } } }), "/linux/resources/network/priorities/0/name", "is required"],
  ["rdma entry empty", (c) => (c.linux = { resources: { rdma: { mlx5_1: {} } } }), "/linux/resources/rdma/mlx5_1", "must have at least one of hcaHandles, hcaObjects"],
  ["rdma value not uint32", (c) => (c.linux = { resources: { rdma: { mlx5_1: { hcaHandles: "3" } } } }), "/linux/resources/rdma/mlx5_1/hcaHandles", 'must be an integer, not a string ("3")'],
  ["unified key with a slash", (c) => (c.linux = { resources: { unified: { "../cgroup.procs": "1" } } }), "/linux/resources/unified/..~1cgroup.procs", 'key "../cgroup.procs" is not a cgroup file name (no /, not . or ..)'],
  ["unified value not a string", (c) => (c.linux = { resources: { unified: { "memory.max": 5 } } }), "/linux/resources/unified/memory.max", "must be a string, not a number (5)"],
  ["intelRdt memBwSchema", (c) => (c.linux = { intelRdt: { memBwSchema: "L3:0=1" } }), "/linux/intelRdt/memBwSchema", '"L3:0=1" must start with MB: and be a single line'],
  ["intelRdt schemata newline", (c) => (c.linux = { intelRdt: { schemata: ["L3:0=1\nMB:0=2"] } }), "/linux/intelRdt/schemata/0", '"L3:0=1\\nMB:0=2" must not contain a newline'],
  ["intelRdt closID with a slash", (c) => (c.linux = { intelRdt: { closID: "a/b" } }), "/linux/intelRdt/closID", /^"a\/b" is not a resctrl group name/],
  ["sysctl value not a string", (c) => (c.linux = { sysctl: { "net.core.somaxconn": 256 } }), "/linux/sysctl/net.core.somaxconn", "must be a string, not a number (256)"],
  ["seccomp without defaultAction", (c) => (c.linux = { seccomp: {} }), "/linux/seccomp/defaultAction", "is required"],
  [
    "seccomp unknown action",
    (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["x"], action: "SCMP_ACT_DENY" }] } }),
    "/linux/seccomp/syscalls/0/action",
    '"SCMP_ACT_DENY" is not one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY',
  ],
  ["seccomp unknown arch", (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_Z80"] } }), "/linux/seccomp/architectures/0", /^"SCMP_ARCH_Z80" is not one of SCMP_ARCH_X86, SCMP_ARCH_X86_64, .*, SCMP_ARCH_SHEB$/],
  ["seccomp unknown flag", (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_NEW_LISTENER"] } }), "/linux/seccomp/flags/0", /^"SECCOMP_FILTER_FLAG_NEW_LISTENER" is not one of SECCOMP_FILTER_FLAG_TSYNC, /],
  ["seccomp rule without names", (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ action: "SCMP_ACT_LOG" }] } }), "/linux/seccomp/syscalls/0/names", "is required"],
  ["seccomp rule with no names", (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: [], action: "SCMP_ACT_LOG" }] } }), "/linux/seccomp/syscalls/0/names", "must have at least one entry"],
  [
    "seccomp arg index 6",
    (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["x"], action: "SCMP_ACT_LOG", args: [{ index: 6, value: 0, op: "SCMP_CMP_EQ" }] }] } }),
    "/linux/seccomp/syscalls/0/args/0/index",
    "must be at most 5, not 6",
  ],
  [
    "seccomp arg unknown operator",
    (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["x"], action: "SCMP_ACT_LOG", args: [{ index: 0, value: 0, op: "EQ" }] }] } }),
    "/linux/seccomp/syscalls/0/args/0/op",
    '"EQ" is not one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ',
  ],
  ["seccomp listenerMetadata alone", (c) => (c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "m" } }), "/linux/seccomp/listenerPath", "is required when listenerMetadata is set"],
  ["rootfsPropagation unknown", (c) => (c.linux = { rootfsPropagation: "public" }), "/linux/rootfsPropagation", '"public" is not one of shared, slave, private, unbindable, rshared, rslave, rprivate, runbindable'],
  ["maskedPaths relative", (c) => (c.linux = { maskedPaths: ["proc/kcore"] }), "/linux/maskedPaths/0", '"proc/kcore" is not an absolute path (it must start with /)'],
  ["readonlyPaths not strings", (c) => (c.linux = { readonlyPaths: [true] }), "/linux/readonlyPaths/0", "must be a string, not a boolean (true)"],
  ["mountLabel not a string", (c) => (c.linux = { mountLabel: ["x"] }), "/linux/mountLabel", "must be a string, not an array"],
  ["personality domain unknown", (c) => (c.linux = { personality: { domain: "SVR4" } }), "/linux/personality/domain", '"SVR4" is not one of LINUX, LINUX32'],
  ["personality flags", (c) => (c.linux = { personality: { domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"] } }), "/linux/personality/flags", "must be empty"],
  ["memoryPolicy mode unknown", (c) => (c.linux = { memoryPolicy: { mode: "MPOL_ANY" } }), "/linux/memoryPolicy/mode", '"MPOL_ANY" is not one of MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL'],
  ["memoryPolicy flag unknown", (c) => (c.linux = { memoryPolicy: { mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_X"] } }), "/linux/memoryPolicy/flags/0", '"MPOL_F_X" is not one of MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES'],
  ["not an object", (c) => Object.assign(c, { __replace: [] }), "", "must be an object, not an array"],
];

for (const [name, change, pointer, message] of BAD) {
  t.test(`rejected: ${name}`, (t) => {
    let config: Doc = minimalConfig();
    change(config);
    if (config.__replace) config = config.__replace;
    const problems = validateConfig(config);
    t.equal(problems.length, 1, `one problem: ${JSON.stringify(problems)}`);
    t.equal(problems[0]?.pointer, pointer, "pointer");
    if (typeof message === "string") t.equal(problems[0]?.message, message, "message");
    else t.match(problems[0]?.message, message, "message");
    t.end();
  });
}

t.test("every mistake is reported, each once, in document order", (t) => {
  const config: Doc = fullConfig();
  config.ociVersion = "one";
  config.process.cwd = "relative";
  config.process.rlimits[1].type = "RLIMIT_X";
  config.linux.namespaces[2].type = "mnt";
  config.linux.resources.memory.swappiness = -1;
  config.linux.seccomp.syscalls[0].action = "ALLOW";
  const problems = validateConfig(config);
  t.same(
    problems.map((p) => p.pointer),
    [
      "/ociVersion",
      "/process/cwd",
      "/process/rlimits/1/type",
      "/linux/namespaces/2/type",
      "/linux/resources/memory/swappiness",
      "/linux/seccomp/syscalls/0/action",
    ],
  );
  t.end();
});

t.test("unknown properties are warnings, never errors (config.md, Extensibility)", (t) => {
  const config: Doc = minimalConfig();
  config.process.terminall = true;
  config.windows = { layerFolders: [] };
  config.linux = { resources: { oomScoreAdj: 5 }, enableCMT: true };
  config["x~y/z"] = 1;
  const warnings: Problem[] = [];
  t.same(validateConfig(config, warnings), []);
  t.same(
    warnings.map((w) => [w.pointer, w.message, w.warning]).sort(),
    [
      ["/process/terminall", "unknown property, ignored", true],
      ["/windows", "unknown property, ignored", true],
      ["/x~0y~1z", "unknown property, ignored", true],
      ["/linux/enableCMT", "unknown property, ignored", true],
      ["/linux/resources/oomScoreAdj", "unknown property, ignored", true],
    ].sort(),
    "sorted for comparison",
  );
  t.end();
});

t.test("keys of maps are data, not unknown properties", (t) => {
  const warnings: Problem[] = [];
  const config = fullConfig();
  t.same(validateConfig(config, warnings), []);
  t.same(warnings, []);
  t.end();
});

t.test("validateProcess checks a process document with pointers from its root", (t) => {
  t.same(validateProcess({ cwd: "/", args: ["sh"] }), []);
  t.same(validateProcess({ args: ["sh"], user: { uid: 0 } }), [
    { pointer: "/cwd", message: "is required" },
    { pointer: "/user/gid", message: "is required" },
  ]);
  const warnings: Problem[] = [];
  t.same(validateProcess({ cwd: "/", args: ["sh"], commandLine: "sh" }, warnings), []);
  t.same(warnings, [{ pointer: "/commandLine", message: "unknown property, ignored", warning: true }]);
  t.end();
});

t.test("what `rongqi spec` writes validates, plain and rootless", async (t) => {
  const { defaultConfig } = await import("./default_config.ts");
  const { checkConfig } = await import("./check_config.ts");
  const { CONFIG_CHECKS } = await import("./semantic/checks.ts");
  const { checkRootPath } = await import("./semantic/root_path.ts");
  const checks = CONFIG_CHECKS.filter((c) => c !== checkRootPath); // no rootfs directory here
  for (const options of [{}, { rootless: true, uid: 1000, gid: 1000 }]) {
    const config = defaultConfig(options);
    const warnings: Problem[] = [];
    t.same(validateConfig(config, warnings), [], JSON.stringify(options));
    t.same(warnings, []);
    t.same(checkConfig(config, { bundle: "/" }, { checks }), [], "semantic checks too");
  }
});
