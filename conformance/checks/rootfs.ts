// The root filesystem: read-only when asked, read-write by default, an
// absolute path works, a missing one is refused.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { expectCreateFails, runInside } from "../_helpers.ts";
import { APPLIED } from "../_spec.ts";

const READONLY = { file: "config.md", quote: "If true then the root filesystem MUST be read-only inside the container, defaults to false." } as const;

export default [
  check({
    id: "rootfs.readonly",
    area: "rootfs",
    title: "root.readonly true: / is read-only",
    spec: READONLY,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `optin "ro on /" / ro\nfails "writes to / fail" "read-only" touch /cf-written\nsucceeds "/share is still writable" touch /share/ok`,
        edit: (c) => { c.root.readonly = true; },
      });
      await runInside(t, b);
      t.ok(!existsSync(join(b.rootfs, "cf-written")), "nothing was written to the rootfs");
    },
  }),
  check({
    id: "rootfs.readwrite-default",
    area: "rootfs",
    title: "root.readonly unset: / is writable and writes reach the bundle's rootfs",
    spec: READONLY,
    async run(t: T) {
      const b = t.ws.bundle({ script: `succeeds "write to /" sh -c "echo written > /cf-written"`, edit: (c) => { delete c.root.readonly; } });
      await runInside(t, b);
      t.eq(existsSync(join(b.rootfs, "cf-written")) ? readFileSync(join(b.rootfs, "cf-written"), "utf8").trim() : "(missing)", "written", "the file in the bundle's rootfs");
    },
  }),
  check({
    id: "rootfs.absolute-path",
    area: "rootfs",
    title: "root.path may be absolute",
    spec: APPLIED,
    about: "config.md#root: On POSIX platforms, path is either an absolute path or a relative path to the bundle",
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq "rootfs marker" "$(cat /cf-marker)" absolute`, edit: (c, bb) => { c.root.path = bb.rootfs; bb.file("/cf-marker", "absolute"); } });
      await runInside(t, b, { create: { cwd: "/" } });
    },
  }),
  check({
    id: "rootfs.missing",
    area: "rootfs",
    title: "a root.path that does not exist is refused",
    spec: { file: "config.md", quote: "A directory MUST exist at the path declared by the field." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.root.path = "no-such-rootfs"; } });
      await expectCreateFails(t, b, "root.path does not exist");
    },
  }),
];
