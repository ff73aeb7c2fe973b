import t from "tap";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfig } from "../spec/validate_config.ts";
import type { ImageConfig } from "./_image_types.ts";
import { imageRuntimeConfig } from "./image_runtime_config.ts";

const rootfs = mkdtempSync(join(tmpdir(), "rongqi-test-conv-"));
t.teardown(() => rmSync(rootfs, { recursive: true, force: true }));
mkdirSync(join(rootfs, "etc"));
mkdirSync(join(rootfs, "data"));
writeFileSync(join(rootfs, "etc/passwd.real"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:100::/home/bob:/bin/sh\n");
// /etc/passwd is an absolute symlink: resolved inside the image, never on the host
symlinkSync("/etc/passwd.real", join(rootfs, "etc/passwd"));
writeFileSync(join(rootfs, "etc/group"), "root:x:0:\nusers:x:100:\nalice:x:1000:\nwheel:x:10:alice,bob\ndocker:x:999:alice\n");

const image = (config: ImageConfig["config"], extra: Partial<ImageConfig> = {}): ImageConfig => ({
  architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] }, config, ...extra,
});

t.test("Entrypoint + Cmd, Env, WorkingDir, annotations; valid for rongqi", (t) => {
  const c = imageRuntimeConfig(image({
    Entrypoint: ["/bin/app", "--serve"], Cmd: ["--port", "80"], Env: ["FOO=bar", "PATH=/opt/bin"], WorkingDir: "/srv",
    Labels: { "org.opencontainers.image.os": "from-label", "com.example.x": "y" }, StopSignal: "SIGQUIT",
    ExposedPorts: { "80/tcp": {}, "53/udp": {} },
  }, { author: "A <a@example.com>", created: "2024-01-02T03:04:05Z", variant: "v3" }), rootfs);
  t.same(c.process!.args, ["/bin/app", "--serve", "--port", "80"]);
  t.same(c.process!.env, ["FOO=bar", "PATH=/opt/bin"], "Env verbatim; PATH not replaced");
  t.equal(c.process!.cwd, "/srv");
  t.equal(c.process!.terminal, false);
  t.same(c.process!.user, { uid: 0, gid: 0 });
  t.same(c.root, { path: "rootfs", readonly: false });
  t.same(c.annotations, {
    "org.opencontainers.image.os": "from-label", // Labels win
    "org.opencontainers.image.architecture": "amd64",
    "org.opencontainers.image.variant": "v3",
    "org.opencontainers.image.author": "A <a@example.com>",
    "org.opencontainers.image.created": "2024-01-02T03:04:05Z",
    "org.opencontainers.image.stopSignal": "SIGQUIT",
    "org.opencontainers.image.exposedPorts": "80/tcp,53/udp",
    "com.example.x": "y",
  });
  t.same(validateConfig(c).filter((p) => !p.warning), [], "passes rongqi's validation");
  t.end();
});

t.test("a command replaces Cmd; PATH, TERM added when missing; no command at all is an error", (t) => {
  const c = imageRuntimeConfig(image({ Entrypoint: ["/bin/sh", "-c"], Cmd: ["default"] }), rootfs, { args: ["echo hi"], terminal: true });
  t.same(c.process!.args, ["/bin/sh", "-c", "echo hi"]);
  t.ok(c.process!.env!.some((e) => e.startsWith("PATH=")));
  t.ok(c.process!.env!.includes("TERM=xterm"));
  t.equal(c.process!.terminal, true);
  t.throws(() => imageRuntimeConfig(image({}), rootfs), /neither Entrypoint nor Cmd/);
  t.end();
});

t.test("User resolved against the image's /etc/passwd and /etc/group", (t) => {
  const user = (u: string) => imageRuntimeConfig(image({ Cmd: ["x"], User: u }), rootfs).process!.user;
  t.same(user("alice"), { uid: 1000, gid: 1000, additionalGids: [10, 999] }, "name: primary group + memberships");
  t.same(user("bob"), { uid: 1001, gid: 100, additionalGids: [10] });
  t.same(user("1000"), { uid: 1000, gid: 1000 }, "numeric uid: gid from passwd, groups untouched");
  t.same(user("4242"), { uid: 4242, gid: 0 }, "numeric uid unknown to the image");
  t.same(user("alice:wheel"), { uid: 1000, gid: 10 }, "a group given: no supplementary groups");
  t.same(user("1000:999"), { uid: 1000, gid: 999 });
  t.same(user("0:users"), { uid: 0, gid: 100 });
  t.throws(() => user("mallory"), /no user "mallory" in the image's \/etc\/passwd/);
  t.throws(() => user("alice:nogroup"), /no group "nogroup"/);
  const home = imageRuntimeConfig(image({ Cmd: ["x"], User: "alice" }), rootfs).process!.env;
  t.ok(home!.includes("HOME=/home/alice"));
  t.end();
});

t.test("Volumes become bind mounts of the given directories", (t) => {
  const c = imageRuntimeConfig(image({ Cmd: ["x"], Volumes: { "/data": {} } }), rootfs, { volumes: new Map([["/data", "/store/v/0"]]) });
  t.same(c.mounts!.at(-1), { destination: "/data", type: "bind", source: "/store/v/0", options: ["rbind", "rw"] });
  t.end();
});
