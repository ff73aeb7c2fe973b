import t from "tap";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "./default_config.ts";
import { validateConfig } from "./validate_config.ts";
import { writeDefaultConfig } from "./write_default_config.ts";
import type { Problem } from "./problem.ts";

const types = (c: ReturnType<typeof defaultConfig>) => c.linux?.namespaces?.map((n) => n.type);
const mount = (c: ReturnType<typeof defaultConfig>, dest: string) => c.mounts?.find((m) => m.destination === dest);

t.test("the default configuration", (t) => {
  const c = defaultConfig();
  const warnings: Problem[] = [];
  t.same(validateConfig(c, warnings), [], "valid");
  t.same(warnings, [], "no warnings");
  t.equal(c.ociVersion, "1.3.0");
  t.same(c.root, { path: "rootfs", readonly: true });
  t.same(c.process?.args, ["sh"]);
  t.equal(c.process?.terminal, true);
  t.equal(c.process?.noNewPrivileges, true);
  t.same(c.process?.capabilities?.bounding, ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]);
  t.same(types(c), ["pid", "network", "ipc", "uts", "mount", "cgroup"]);
  t.equal(mount(c, "/sys")?.type, "sysfs");
  t.equal(mount(c, "/sys/fs/cgroup")?.type, "cgroup");
  t.ok(mount(c, "/dev/pts")?.options?.includes("gid=5"));
  t.same(c.linux?.resources?.devices, [{ allow: false, access: "rwm" }], "no device access by default");
  t.ok(c.linux?.maskedPaths?.includes("/proc/kcore"));
  t.ok(c.linux?.readonlyPaths?.includes("/proc/sys"));
  t.equal(c.linux?.uidMappings, undefined);
  t.not(defaultConfig().process, defaultConfig().process, "a fresh object each time");
  t.end();
});

t.test("the rootless variant", (t) => {
  const c = defaultConfig({ rootless: true, uid: 1000, gid: 1001 });
  t.same(validateConfig(c), [], "valid");
  t.same(c.linux?.uidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  t.same(c.linux?.gidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
  t.same(types(c), ["pid", "ipc", "uts", "mount", "cgroup", "user"], "a user namespace, the host's network");
  t.same(mount(c, "/sys"), { destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"] });
  t.equal(mount(c, "/sys/fs/cgroup"), undefined, "no cgroup mount");
  t.notOk(mount(c, "/dev/pts")?.options?.some((o) => o.startsWith("gid=") || o.startsWith("uid=")), "no unmapped ids");
  t.equal(c.linux?.resources, undefined, "no device rules");
  const me = defaultConfig({ rootless: true });
  t.same(me.linux?.uidMappings, [{ containerID: 0, hostID: process.geteuid!(), size: 1 }], "the caller by default");
  t.same(me.linux?.gidMappings, [{ containerID: 0, hostID: process.getegid!(), size: 1 }]);
  t.end();
});

t.test("writeDefaultConfig", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-spec-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = writeDefaultConfig(dir);
  t.equal(path, join(dir, "config.json"));
  const text = readFileSync(path, "utf8");
  t.same(JSON.parse(text), defaultConfig());
  t.match(text, /^\{\n\t"ociVersion"/, "tab-indented like runc spec");
  t.equal(statSync(path).mode & 0o777, 0o666 & ~process.umask());
  t.throws(() => writeDefaultConfig(dir, { rootless: true }), { name: "RongqiError", message: `${path} exists: remove it first` });
  t.same(JSON.parse(readFileSync(path, "utf8")), defaultConfig(), "not overwritten");
  writeFileSync(join(dir, "file"), "");
  t.throws(() => writeDefaultConfig(join(dir, "missing")), { message: `bundle directory ${join(dir, "missing")} does not exist` });
  t.throws(() => writeDefaultConfig(join(dir, "file")), { message: /cannot write .*: ENOTDIR/ });
  t.end();
});
