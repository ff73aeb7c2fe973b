import t from "tap";
import { checkNetDevices } from "./net_devices.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("network devices need a network namespace of the container's own", (t) => {
  t.same(checkNetDevices(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { netDevices: {} };
  t.same(checkNetDevices(c), [], "none");
  c.linux = { netDevices: { eth1: {} } };
  t.same(checkNetDevices(c), [{ pointer: "/linux/netDevices", message: 'need a network namespace: add {"type": "network"} to linux.namespaces' }]);
  c.linux.namespaces = [{ type: "network", path: "/proc/self/ns/net" }];
  t.same(checkNetDevices(c), [{ pointer: "/linux/netDevices", message: "need a network namespace other than the runtime's own (/proc/self/ns/net)" }]);
  t.end();
});

t.test("two devices cannot get the same name, unless a %d template", (t) => {
  const c = minimalConfig();
  c.linux = { namespaces: [{ type: "network" }], netDevices: { eth1: { name: "data" }, eth2: { name: "data" }, data: {}, a: { name: "n%d" }, b: { name: "n%d" } } };
  t.same(checkNetDevices(c), [
    { pointer: "/linux/netDevices/eth2", message: 'would be named "data" in the container, like "eth1"' },
    { pointer: "/linux/netDevices/data", message: 'would be named "data" in the container, like "eth1"' },
  ]);
  t.end();
});
