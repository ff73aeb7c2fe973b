// hostname and domainname, set in the container's UTS namespace only.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { check, type T } from "../_check.ts";
import { runInside } from "../_helpers.ts";
import { APPLIED } from "../_spec.ts";

export default [
  check({
    id: "hostname.hostname",
    area: "hostname",
    title: "hostname is the container's hostname, the host's is unchanged",
    spec: APPLIED,
    about: "config.md#hostname",
    async run(t: T) {
      const before = hostname();
      const b = t.ws.bundle({
        script: `eq "hostname(1)" "$(hostname)" cf-host\neq /proc/sys/kernel/hostname "$(cat /proc/sys/kernel/hostname)" cf-host`,
        edit: (c) => { c.hostname = "cf-host"; },
      });
      await runInside(t, b);
      t.eq(hostname(), before, "the host's hostname");
    },
  }),
  check({
    id: "hostname.domainname",
    area: "hostname",
    title: "domainname is the container's NIS domain name, the host's is unchanged",
    spec: APPLIED,
    about: "config.md#domainname",
    async run(t: T) {
      const before = readFileSync("/proc/sys/kernel/domainname", "utf8");
      const b = t.ws.bundle({
        script: `eq /proc/sys/kernel/domainname "$(cat /proc/sys/kernel/domainname)" cf.example.test`,
        edit: (c) => { c.domainname = "cf.example.test"; },
      });
      await runInside(t, b);
      t.eq(readFileSync("/proc/sys/kernel/domainname", "utf8"), before, "the host's domainname");
    },
  }),
];
