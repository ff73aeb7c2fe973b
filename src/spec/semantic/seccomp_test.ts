import t from "tap";
import { checkSeccomp } from "./seccomp.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("errnoRet only with actions that return an errno", (t) => {
  t.same(checkSeccomp(fullConfig()), []);
  const c = minimalConfig();
  c.linux = {
    seccomp: {
      defaultAction: "SCMP_ACT_ALLOW",
      defaultErrnoRet: 1,
      syscalls: [
        { names: ["a"], action: "SCMP_ACT_TRACE", errnoRet: 1 },
        { names: ["b"], action: "SCMP_ACT_KILL", errnoRet: 1 },
      ],
    },
  };
  t.same(checkSeccomp(c), [
    { pointer: "/linux/seccomp/defaultErrnoRet", message: "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
    { pointer: "/linux/seccomp/syscalls/1/errnoRet", message: "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
  ]);
  t.end();
});

t.test("SCMP_ACT_NOTIFY needs a listener and is no default", (t) => {
  const c = minimalConfig();
  c.linux = { seccomp: { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mknod"], action: "SCMP_ACT_NOTIFY" }] } };
  t.same(checkSeccomp(c), [{ pointer: "/linux/seccomp/listenerPath", message: "is required when an action is SCMP_ACT_NOTIFY" }]);
  c.linux.seccomp!.listenerPath = "/run/agent.sock";
  t.same(checkSeccomp(c), []);
  c.linux.seccomp!.defaultAction = "SCMP_ACT_NOTIFY";
  t.same(checkSeccomp(c), [{ pointer: "/linux/seccomp/defaultAction", message: "SCMP_ACT_NOTIFY cannot be the default action: use it in syscalls rules" }]);
  t.end();
});

t.test("a default kill with no rules is a warning", (t) => {
  const c = minimalConfig();
  c.linux = { seccomp: { defaultAction: "SCMP_ACT_KILL_PROCESS" } };
  t.same(checkSeccomp(c), [
    { pointer: "/linux/seccomp/syscalls", message: "is empty with defaultAction SCMP_ACT_KILL_PROCESS: the process is killed at its first system call", warning: true },
  ]);
  t.end();
});
