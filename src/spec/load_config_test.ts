import t from "tap";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { RongqiError } from "../errors.ts";
import { loadConfig } from "./load_config.ts";
import { ValidationError } from "./validation_error.ts";
import { fullConfig, minimalConfig, runcSpecDefaultConfig } from "./testdata/configs.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

function bundle(t: { teardown(fn: () => void): void }, config: unknown, opts: { rootfs?: boolean; raw?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-bundle-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  if (opts.rootfs !== false) mkdirSync(join(dir, "rootfs"));
  writeFileSync(join(dir, "config.json"), opts.raw ?? JSON.stringify(config, null, 2));
  return dir;
}

t.test("a good bundle loads: config, absolute bundle and rootfs, no warnings", (t) => {
  for (const config of [minimalConfig(), runcSpecDefaultConfig()]) {
    const dir = bundle(t, config);
    const loaded = loadConfig(relative(process.cwd(), dir));
    t.same(loaded.config, config);
    t.equal(loaded.bundle, dir);
    t.equal(loaded.rootfs, join(dir, "rootfs"));
    t.same(loaded.warnings, []);
  }
  t.end();
});

t.test("an absolute root.path is kept", (t) => {
  const other = mkdtempSync(join(tmpdir(), "rongqi-rootfs-"));
  t.teardown(() => rmSync(other, { recursive: true, force: true }));
  const config = minimalConfig();
  config.root.path = other;
  t.equal(loadConfig(bundle(t, config, { rootfs: false })).rootfs, other);
  t.end();
});

t.test("warnings are returned as config.json: pointer: message", (t) => {
  const config: Doc = minimalConfig();
  config.process.terminall = true;
  config.mounts = [{ destination: "data", type: "tmpfs", source: "tmpfs" }];
  config.process.capabilities = { bounding: ["CAP_FLY"] };
  const loaded = loadConfig(bundle(t, config));
  t.same(loaded.warnings, [
    "config.json: /process/terminall: unknown property, ignored",
    'config.json: /mounts/0/destination: relative destination "data" is deprecated: it is taken as "/data"',
    'config.json: /process/capabilities/bounding/0: "CAP_FLY" is not a known capability, ignored',
  ]);
  t.end();
});

t.test("missing config.json, missing bundle, config.json a directory", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-bundle-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => loadConfig(dir), { message: `no config.json in bundle ${dir}: ${join(dir, "config.json")} does not exist` });
  t.throws(() => loadConfig(join(dir, "nope")), { message: `bundle directory ${join(dir, "nope")} does not exist` });
  mkdirSync(join(dir, "config.json"));
  t.throws(() => loadConfig(dir), { message: `${join(dir, "config.json")} is a directory, not a file` });
  writeFileSync(join(dir, "file"), "");
  t.throws(() => loadConfig(join(dir, "file")), { message: `bundle ${join(dir, "file")} is not a directory` });
  t.end();
});

t.test("invalid JSON names the line and column", (t) => {
  const dir = bundle(t, undefined, { raw: '{\n  "ociVersion": "1.3.0",\n  "root": {"path": "rootfs"}\n  "process": {}\n}' });
  t.throws(() => loadConfig(dir), {
    message: 'config.json: invalid JSON at line 4, column 3: expected "," or "}" after property value, found "\\""',
    constructor: RongqiError,
  });
  t.end();
});

t.test("a bundle with several mistakes lists all of them, schema and semantic", (t) => {
  const config: Doc = fullConfig();
  config.ociVersion = "1.9.0"; // semantic: unsupported
  config.process.cwd = "www"; // schema
  config.process.rlimits.push({ type: "RLIMIT_NOFILE", soft: 1, hard: 1 }); // semantic: duplicate
  config.linux.namespaces = config.linux.namespaces.filter((n: Doc) => n.type !== "uts"); // hostname needs uts
  config.linux.namespaces.push({ type: "pid" }); // duplicate
  config.linux.seccomp.defaultAction = "SCMP_ACT_DENY"; // schema
  config.linux.sysctl["vm.overcommit_memory"] = "1"; // not namespaced
  config.root.path = "missing-rootfs"; // no such directory
  config.annotations.bad = 1; // schema
  config.process.termnal = true; // warning only
  const dir = bundle(t, config);
  let error: ValidationError | undefined;
  try {
    loadConfig(dir);
  } catch (e) {
    error = e as ValidationError;
  }
  t.ok(error instanceof ValidationError, "a ValidationError");
  t.ok(error instanceof RongqiError, "which is a RongqiError");
  t.equal(error!.file, "config.json");
  t.same(error!.message.split("\n"), [
    "config.json: /process/cwd: \"www\" is not an absolute path (it must start with /)",
    "config.json: /annotations/bad: must be a string, not a number (1)",
    `config.json: /linux/seccomp/defaultAction: "SCMP_ACT_DENY" is not one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY`,
    "config.json: /ociVersion: version 1.9.0 is not supported: rongqi accepts 1.0.0 to 1.3.x",
    `config.json: /root/path: directory "missing-rootfs" (${join(dir, "missing-rootfs")}) does not exist`,
    "config.json: /process/rlimits/3/type: duplicate rlimit RLIMIT_NOFILE: entry 0 sets it already",
    'config.json: /hostname: cannot set the hostname without a uts namespace: add {"type": "uts"} to linux.namespaces',
    'config.json: /domainname: cannot set the domainname without a uts namespace: add {"type": "uts"} to linux.namespaces',
    'config.json: /linux/namespaces/7/type: duplicate namespace type "pid": entry 0 has it already',
    'config.json: /linux/sysctl/kernel.domainname: needs a uts namespace: add {"type": "uts"} to linux.namespaces',
    "config.json: /linux/sysctl/vm.overcommit_memory: is not namespaced: setting it would change the host (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem*, fs.mqueue.*, kernel.hostname, kernel.domainname)",
  ]);
  t.equal(error!.problems.length, 11);
  t.notOk(error!.problems.some((p) => p.warning), "warnings are not in the error");
  t.end();
});

t.test("semantic findings under a value the schema rejected are not repeated", (t) => {
  const config: Doc = minimalConfig();
  config.process.rlimits = [{ type: "RLIMIT_X", soft: 1, hard: 1 }, { type: "RLIMIT_X", soft: 1, hard: 1 }];
  const dir = bundle(t, config);
  t.throws(() => loadConfig(dir), {
    message: /^config\.json: \/process\/rlimits\/0\/type: "RLIMIT_X" is not one of .*\nconfig\.json: \/process\/rlimits\/1\/type: "RLIMIT_X" is not one of [^\n]*$/,
  });
  t.end();
});

t.test("a document that is not an object", (t) => {
  t.throws(() => loadConfig(bundle(t, [1, 2])), { message: "config.json: must be an object, not an array" });
  t.end();
});

t.test("process is required to create a container", (t) => {
  const config: Doc = minimalConfig();
  delete config.process;
  t.throws(() => loadConfig(bundle(t, config)), { message: "config.json: /process: is required: start runs this process" });
  t.end();
});
