// maskedPaths and readonlyPaths: files and directories of the rootfs and of
// /proc that cannot be read, or cannot be written.
import { check, type T } from "../_check.ts";
import { runInside } from "../_helpers.ts";
import { APPLIED } from "../_spec.ts";

const MASKED = APPLIED;
const READONLY = APPLIED;
const MASKED_ABOUT = "config-linux.md#masked-paths: maskedPaths (array of strings, OPTIONAL) will mask over the provided paths inside the container so that they cannot be read";
const READONLY_ABOUT = "config-linux.md#readonly-paths: readonlyPaths (array of strings, OPTIONAL) will set the provided paths as readonly inside the container";

export default [
  check({
    id: "paths.masked-file",
    area: "paths",
    title: "a masked file reads as empty or cannot be read",
    spec: MASKED,
    about: MASKED_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `c=$(cat /cf-secret 2>/dev/null)\neq "content of the masked file" "$c" ""`,
        edit: (c, bb) => {
          bb.file("/cf-secret", "secret");
          c.linux.maskedPaths = ["/cf-secret"];
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "paths.masked-dir",
    area: "paths",
    title: "a masked directory lists as empty or cannot be read",
    spec: MASKED,
    about: MASKED_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "listing of the masked directory" "$(ls -A /cf-secret-dir 2>/dev/null)" ""\nfails "its file cannot be read" "no such|denied|not a directory" cat /cf-secret-dir/file`,
        edit: (c, bb) => {
          bb.file("/cf-secret-dir/file", "secret");
          c.linux.maskedPaths = ["/cf-secret-dir"];
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "paths.masked-proc",
    area: "paths",
    title: "a masked /proc file (/proc/kcore) reads as empty",
    spec: MASKED,
    about: MASKED_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "bytes read from /proc/kcore" "$(head -c 16 /proc/kcore 2>/dev/null | wc -c)" 0`,
        edit: (c) => { c.linux.maskedPaths = ["/proc/kcore"]; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "paths.readonly-dir",
    area: "paths",
    title: "a read-only directory cannot be written, the rest of / can",
    spec: READONLY,
    about: READONLY_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `fails "write in the read-only directory" "read-only" touch /cf-ro/x\nsucceeds "write elsewhere" touch /cf-rw`,
        edit: (c, bb) => {
          bb.mkdir("/cf-ro");
          c.linux.readonlyPaths = ["/cf-ro"];
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "paths.readonly-file",
    area: "paths",
    title: "a read-only file cannot be written",
    spec: READONLY,
    about: READONLY_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `fails "append to the read-only file" "read-only" sh -c "echo x >> /cf-ro-file"\neq "content unchanged" "$(cat /cf-ro-file)" original`,
        edit: (c, bb) => {
          bb.file("/cf-ro-file", "original", 0o666);
          c.linux.readonlyPaths = ["/cf-ro-file"];
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "paths.readonly-proc-sys",
    area: "paths",
    title: "a read-only /proc/sys cannot be written",
    spec: READONLY,
    about: READONLY_ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `optin "ro on /proc/sys" /proc/sys ro\nfails "write to /proc/sys/kernel/domainname" "read-only" sh -c "echo cf > /proc/sys/kernel/domainname"`,
        edit: (c) => { c.linux.readonlyPaths = ["/proc/sys"]; },
      });
      await runInside(t, b);
    },
  }),
];
