import t from "tap";
import { readFileSync } from "node:fs";
import { checkCapabilities } from "./capabilities.ts";
import { fullConfig, minimalConfig, runcSpecDefaultConfig } from "../testdata/configs.ts";
import { CAPABILITIES } from "../../linux/capabilities_list.ts";

t.test("known capabilities pass", (t) => {
  t.same(checkCapabilities(runcSpecDefaultConfig()), []);
  t.same(checkCapabilities(fullConfig()), []);
  t.end();
});

t.test("unknown names are warnings, not errors", (t) => {
  const c = minimalConfig();
  c.process!.capabilities = { bounding: ["CAP_KILL", "CAP_FLY", "kill"], effective: ["CAP_FLY"] };
  t.same(checkCapabilities(c), [
    { pointer: "/process/capabilities/bounding/1", message: '"CAP_FLY" is not a known capability, ignored', warning: true },
    { pointer: "/process/capabilities/bounding/2", message: '"kill" is not a known capability, ignored', warning: true },
    { pointer: "/process/capabilities/effective/0", message: '"CAP_FLY" is not a known capability, ignored', warning: true },
  ]);
  t.end();
});

t.test("ambient capabilities must be permitted and inheritable", (t) => {
  const c = minimalConfig();
  c.process!.capabilities = { ambient: ["CAP_KILL", "CAP_CHOWN"], permitted: ["CAP_KILL", "CAP_CHOWN"], inheritable: ["CAP_KILL"] };
  t.same(checkCapabilities(c), [
    { pointer: "/process/capabilities/ambient/1", message: "CAP_CHOWN cannot be ambient unless it is also permitted and inheritable, ignored", warning: true },
  ]);
  t.end();
});

t.test("capabilities this kernel lacks are warnings", (t) => {
  const last = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"));
  if (last >= CAPABILITIES.length - 1) {
    t.pass(`this kernel has every capability rongqi knows (last is ${last})`);
    return t.end();
  }
  const c = minimalConfig();
  c.process!.capabilities = { bounding: [CAPABILITIES[last + 1]!] };
  t.match(checkCapabilities(c), [{ warning: true, message: /is not supported by this kernel/ }]);
  t.end();
});
