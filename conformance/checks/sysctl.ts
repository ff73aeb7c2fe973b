// sysctl: namespaced kernel parameters set for the container only; a name
// that does not exist is refused.
import { readFileSync } from "node:fs";
import { check, type T } from "../_check.ts";
import { expectCreateFails, runInside } from "../_helpers.ts";
import { APPLIED, CANNOT_APPLY } from "../_spec.ts";

export default [
  check({
    id: "sysctl.network",
    area: "sysctl",
    title: "a net.* sysctl is set in the container's network namespace only",
    spec: APPLIED,
    about: "config-linux.md#sysctl",
    async run(t: T) {
      const before = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8");
      const want = before.trim() === "1" ? "0" : "1";
      const b = t.ws.bundle({ script: `eq net.ipv4.ip_forward "$(cat /proc/sys/net/ipv4/ip_forward)" ${want}`, edit: (c) => { c.linux.sysctl = { "net.ipv4.ip_forward": want }; } });
      await runInside(t, b);
      t.eq(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8"), before, "the host's value");
    },
  }),
  check({
    id: "sysctl.ipc",
    area: "sysctl",
    title: "a kernel.msg* sysctl is set in the container's IPC namespace only",
    spec: APPLIED,
    about: "config-linux.md#sysctl",
    async run(t: T) {
      const before = readFileSync("/proc/sys/kernel/msgmax", "utf8");
      const b = t.ws.bundle({ script: `eq kernel.msgmax "$(cat /proc/sys/kernel/msgmax)" 4321`, edit: (c) => { c.linux.sysctl = { "kernel.msgmax": "4321" }; } });
      await runInside(t, b);
      t.eq(readFileSync("/proc/sys/kernel/msgmax", "utf8"), before, "the host's value");
    },
  }),
  check({
    id: "sysctl.unknown",
    area: "sysctl",
    title: "a sysctl that does not exist is refused",
    spec: CANNOT_APPLY,
    about: "config-linux.md#sysctl",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.sysctl = { "net.ipv4.cf_no_such_parameter": "1" }; } });
      await expectCreateFails(t, b, "the sysctl does not exist");
    },
  }),
];
