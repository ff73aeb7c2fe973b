import t from "tap";
import { checkSysctlNamespaces, sysctlNamespace } from "./sysctl_namespaces.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("which namespace a sysctl belongs to", (t) => {
  const cases: [string, string | undefined][] = [
    ["net.ipv4.ip_forward", "network"],
    ["net/ipv4/conf/eth0.100/forwarding", "network"],
    ["kernel.shmmax", "ipc"],
    ["kernel.shm_rmid_forced", "ipc"],
    ["kernel.msgmnb", "ipc"],
    ["kernel.sem", "ipc"],
    ["kernel/sem", "ipc"],
    ["fs.mqueue.msg_max", "ipc"],
    ["kernel.hostname", "uts"],
    ["kernel.domainname", "uts"],
    ["vm.swappiness", undefined],
    ["kernel.pid_max", undefined],
    ["fs.file-max", undefined],
    ["net", undefined],
    ["fs.mqueue", undefined],
  ];
  for (const [name, ns] of cases) t.equal(sysctlNamespace(name), ns, name);
  t.end();
});

t.test("each sysctl needs its namespace; global ones are refused", (t) => {
  t.same(checkSysctlNamespaces(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { sysctl: { "net.core.somaxconn": "256", "kernel.msgmax": "1", "vm.swappiness": "1", "kernel.hostname": "x" } };
  t.same(checkSysctlNamespaces(c), [
    { pointer: "/linux/sysctl/net.core.somaxconn", message: 'needs a network namespace: add {"type": "network"} to linux.namespaces' },
    { pointer: "/linux/sysctl/kernel.msgmax", message: 'needs an ipc namespace: add {"type": "ipc"} to linux.namespaces' },
    {
      pointer: "/linux/sysctl/vm.swappiness",
      message:
        "is not namespaced: setting it would change the host (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem*, fs.mqueue.*, kernel.hostname, kernel.domainname)",
    },
    { pointer: "/linux/sysctl/kernel.hostname", message: 'needs a uts namespace: add {"type": "uts"} to linux.namespaces' },
  ]);
  t.end();
});

t.test("joining the runtime's own namespace by path is no isolation", (t) => {
  const c = minimalConfig();
  c.linux = { namespaces: [{ type: "network", path: "/proc/self/ns/net" }], sysctl: { "net.ipv4.ip_forward": "1" } };
  t.same(checkSysctlNamespaces(c), [
    { pointer: "/linux/sysctl/net.ipv4.ip_forward", message: "would change the host: the network namespace /proc/self/ns/net is the runtime's own" },
  ]);
  c.linux.namespaces = [{ type: "network", path: "/nonexistent/netns" }];
  t.same(checkSysctlNamespaces(c), [], "a path that cannot be inspected is left to the join");
  t.end();
});
