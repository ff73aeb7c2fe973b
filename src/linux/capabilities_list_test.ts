import t from "tap";
import { CAP_LAST_CAP, CAPABILITIES, capabilityNumber } from "./capabilities_list.ts";

t.test("the kernel's 41 capabilities in bit order", (t) => {
  t.equal(CAPABILITIES.length, 41);
  t.equal(CAP_LAST_CAP, 40);
  t.equal(new Set(CAPABILITIES).size, 41, "no duplicates");
  const known: Record<string, number> = {
    CAP_CHOWN: 0, CAP_KILL: 5, CAP_SETUID: 7, CAP_NET_BIND_SERVICE: 10, CAP_NET_ADMIN: 12, CAP_SYS_CHROOT: 18,
    CAP_SYS_ADMIN: 21, CAP_SYS_RESOURCE: 24, CAP_MKNOD: 27, CAP_AUDIT_WRITE: 29, CAP_SETFCAP: 31, CAP_SYSLOG: 34,
    CAP_AUDIT_READ: 37, CAP_PERFMON: 38, CAP_BPF: 39, CAP_CHECKPOINT_RESTORE: 40,
  };
  for (const [name, n] of Object.entries(known)) t.equal(capabilityNumber(name), n, name);
  t.equal(capabilityNumber("CAP_NOPE"), undefined);
  t.equal(capabilityNumber("constructor"), undefined);
  t.end();
});

t.test("agrees with the running kernel", (t) => {
  // /proc/sys/kernel/cap_last_cap is the kernel's highest capability.
  return import("node:fs").then(({ readFileSync }) => {
    const last = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"));
    t.ok(last <= CAP_LAST_CAP, `kernel's last cap ${last} is known to rongqi`);
  });
});
