import t from "tap";
import { checkCgroupResources } from "./cgroup_resources.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("burst within a positive quota; swap at least the memory limit", (t) => {
  t.same(checkCgroupResources(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { resources: { cpu: { quota: 1000, burst: 5000 }, memory: { limit: 2048, swap: 1024 } } };
  t.same(checkCgroupResources(c), [
    { pointer: "/linux/resources/cpu/burst", message: "5000 is larger than quota 1000" },
    { pointer: "/linux/resources/memory/swap", message: "1024 is below limit 2048: swap limits memory plus swap, so it must be at least limit (or -1)" },
  ]);
  c.linux = { resources: { cpu: { quota: -1, burst: 5000 }, memory: { limit: 2048, swap: -1 } } };
  t.same(checkCgroupResources(c), [], "no quota, unlimited swap");
  t.end();
});
