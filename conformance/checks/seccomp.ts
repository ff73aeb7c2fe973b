// Seccomp: the filter is installed and its actions take effect (ERRNO with
// and without errnoRet, a default ERRNO, KILL, KILL_PROCESS, TRAP, LOG,
// argument conditions), also for a non-root user without no_new_privs;
// errnoRet with an action that has no errno is refused; the notify listener
// receives the container process state and the seccomp fd.
import { existsSync, readFileSync } from "node:fs";
import { check, type T } from "../_check.ts";
import { expectCreateFails, fdReceiver, runInside } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import type { Host } from "../_host.ts";
import { APPLIED } from "../_spec.ts";

type Obj = Record<string, unknown>;

const ARCHES: Record<string, string[]> = {
  x86_64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  aarch64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
};

function filter(h: Host, defaultAction: string, syscalls: Obj[], extra: Obj = {}): Obj {
  return { defaultAction, ...(ARCHES[h.arch] ? { architectures: ARCHES[h.arch] } : {}), syscalls, ...extra };
}

const MKDIR = ["mkdir", "mkdirat"];
/** exit status of a subshell killed by SIGSYS */
const SIGSYS_STATUS = 128 + 31;

const ABOUT = "config-linux.md#seccomp";

export default [
  check({
    id: "seccomp.errno",
    area: "seccomp",
    title: "SCMP_ACT_ERRNO makes the listed syscalls fail with EPERM; the rest work",
    spec: APPLIED,
    about: ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "Seccomp mode" "$(status Seccomp)" 2\nfails "mkdir is refused" "not permitted" mkdir /tmp/d\nsucceeds "other calls work" touch /tmp/f`,
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_ERRNO" }]); },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "seccomp.errno-ret",
    area: "seccomp",
    title: "errnoRet chooses the errno (EACCES)",
    spec: APPLIED,
    about: `${ABOUT} errnoRet`,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `fails "mkdir fails with EACCES" "permission denied" mkdir /tmp/d`,
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_ERRNO", errnoRet: 13 }]); },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "seccomp.default-errno-ret",
    area: "seccomp",
    title: "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet applies to syscalls not allowed by name",
    spec: APPLIED,
    about: `${ABOUT} defaultErrnoRet`,
    needs: (h) => (h.syscalls ? undefined : "the kernel headers listing this architecture's syscalls (linux-libc-dev) are not installed"),
    async run(t: T) {
      const allowed = t.host.syscalls!.filter((s) => !MKDIR.includes(s));
      const b = t.ws.bundle({
        script: `fails "mkdir fails with EACCES" "permission denied" mkdir /tmp/d\nsucceeds "allowed calls work" touch /tmp/f`,
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ERRNO", [{ names: allowed, action: "SCMP_ACT_ALLOW" }], { defaultErrnoRet: 13 }); },
      });
      await runInside(t, b);
    },
  }),
  ...["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP"].map((action) =>
    check({
      id: `seccomp.${action.slice(9).toLowerCase().replace("_", "-")}`,
      area: "seccomp",
      title: `${action} ends a process that makes the listed syscall with SIGSYS`,
      spec: APPLIED,
      about: ABOUT,
      async run(t: T) {
        const b = t.ws.bundle({
          // sethostname: used by nothing but hostname(1); without the filter it fails with EPERM (status 1)
          script: `(exec hostname cf-new-name) 2>/dev/null; eq "exit status of hostname" "$?" ${SIGSYS_STATUS}`,
          edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: ["sethostname"], action }]); },
        });
        await runInside(t, b);
      },
    })),
  check({
    id: "seccomp.log",
    area: "seccomp",
    title: "SCMP_ACT_LOG lets the syscall through",
    spec: APPLIED,
    about: ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "Seccomp mode" "$(status Seccomp)" 2\nsucceeds "mkdir works" mkdir /tmp/d`,
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_LOG" }]); },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "seccomp.args",
    area: "seccomp",
    title: "args conditions select calls by argument (kill with signal 0 refused, SIGCONT allowed)",
    spec: APPLIED,
    about: `${ABOUT} args`,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `fails "kill -0 is refused" "not permitted" kill -0 $$\nsucceeds "kill -CONT works" kill -CONT $$`,
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: ["kill"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, value: 0, op: "SCMP_CMP_EQ" }] }]); },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "seccomp.non-root-without-nnp",
    area: "seccomp",
    title: "the filter also applies to a non-root user without noNewPrivileges",
    spec: APPLIED,
    about: ABOUT,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "Seccomp mode" "$(status Seccomp)" 2\neq NoNewPrivs "$(status NoNewPrivs)" 0\nfails "mkdir is refused" "not permitted" mkdir /tmp/d`,
        edit: (c) => {
          c.process!.user = { uid: 1000, gid: 1000 };
          c.process!.noNewPrivileges = false;
          c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_ERRNO" }]);
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "seccomp.errno-ret-without-errno-action",
    area: "seccomp",
    title: "errnoRet on an action without an errno (SCMP_ACT_KILL) is refused",
    spec: { file: "config-linux.md", quote: "When the action doesn't support an errno, the runtime MUST print and error and fail." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: ["sethostname"], action: "SCMP_ACT_KILL", errnoRet: 5 }]); } });
      const c = await b.create();
      if (c.status === 0) {
        const pid = (await b.state()).state?.pid;
        const s = await b.start();
        t.ok(s.status !== 0, "create and start both succeeded although errnoRet came with SCMP_ACT_KILL");
        await b.waitStopped(pid);
      }
    },
  }),
  check({
    id: "seccomp.default-errno-ret-without-errno-action",
    area: "seccomp",
    title: "defaultErrnoRet with defaultAction SCMP_ACT_ALLOW is refused",
    spec: { file: "config-linux.md", quote: "When the action doesn't support an errno, the runtime MUST print and error and fail." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_ERRNO" }], { defaultErrnoRet: 5 }); } });
      await expectCreateFails(t, b, "defaultErrnoRet came with SCMP_ACT_ALLOW");
    },
  }),
  check({
    id: "seccomp.notify-listener",
    area: "seccomp",
    title: "with SCMP_ACT_NOTIFY the listener gets the container process state as JSON and the seccomp fd with SCM_RIGHTS",
    spec: { file: "config-linux.md", quote: "The container runtime MUST send the container process state over the UNIX socket as regular payload serialized in JSON and file descriptors MUST be sent using SCM_RIGHTS." },
    async run(t: T) {
      const rx = await fdReceiver(t);
      const b = t.ws.bundle({
        script: "ok started",
        edit: (c) => { c.linux.seccomp = filter(t.host, "SCMP_ACT_ALLOW", [{ names: MKDIR, action: "SCMP_ACT_NOTIFY" }], { listenerPath: rx.sock, listenerMetadata: "cf-metadata" }); },
      });
      // the state may be sent at create or at start (when the filter is loaded)
      const cr = await b.create({ call: { timeoutMs: 20_000 } });
      if (cr.status !== 0) t.fatal("create failed", describe(cr));
      const pid = (await b.state()).state?.pid;
      const s = await b.start();
      if (s.status !== 0) t.fatal("start failed", describe(s));
      const finished = await Promise.race([rx.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      await b.waitStopped(pid);
      if (!finished) t.fatal("within 5 s of start the listener got no connection, or one that was not closed after the state was sent");
      if (!existsSync(rx.out)) t.fatal("the fd receiver ended without a message (see its stderr)");
      let msg: Record<string, unknown> = {};
      try {
        msg = JSON.parse(readFileSync(rx.out, "utf8")) as Record<string, unknown>;
      } catch {
        t.fatal("the listener payload is not JSON", readFileSync(rx.out, "utf8").slice(0, 300));
      }
      t.eq(readFileSync(`${rx.out}.fds`, "utf8").trim(), "fds 1", "descriptors received");
      t.eq(msg.fds, ["seccompFd"], "fds");
      t.ok(Number.isInteger(msg.pid), "pid is an integer", String(msg.pid));
      t.eq(msg.metadata, "cf-metadata", "metadata");
      t.eq((msg.state as Record<string, unknown> | undefined)?.id, b.id, "state.id");
      t.ok(typeof msg.ociVersion === "string", "ociVersion");
    },
  }),
];
