import t from "tap";
import { checkDevices } from "./devices.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("one device per path; the same numbers twice is a warning", (t) => {
  t.same(checkDevices(fullConfig()), []);
  const c = minimalConfig();
  c.linux = {
    devices: [
      { path: "/dev/a", type: "c", major: 1, minor: 3 },
      { path: "/dev/a", type: "c", major: 1, minor: 5 },
      { path: "/dev/a", type: "c", major: 1, minor: 3 },
      { path: "/dev/null2", type: "c", major: 1, minor: 3 },
      { path: "/dev/b", type: "b", major: 1, minor: 3 },
      { path: "/run/p1", type: "p" },
      { path: "/run/p2", type: "p" },
    ],
  };
  t.same(checkDevices(c), [
    { pointer: "/linux/devices/1/path", message: 'path "/dev/a" is already used by entry 0, a different device' },
    { pointer: "/linux/devices/2", message: "device /dev/a is listed twice (entry 0 is the same)", warning: true },
    { pointer: "/linux/devices/3", message: "device c 1:3 is also created at /dev/a (entry 0); the spec advises against it", warning: true },
  ]);
  t.end();
});
