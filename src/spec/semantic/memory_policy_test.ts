import t from "tap";
import { checkMemoryPolicy } from "./memory_policy.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";
import type { MemoryPolicy } from "../types/config.ts";

t.test("nodes each mode takes, and exclusive flags", (t) => {
  t.same(checkMemoryPolicy(fullConfig()), []);
  const c = minimalConfig();
  const check = (memoryPolicy: MemoryPolicy) => checkMemoryPolicy({ ...c, linux: { memoryPolicy } });
  t.same(check({ mode: "MPOL_DEFAULT" }), []);
  t.same(check({ mode: "MPOL_LOCAL", nodes: "" }), []);
  t.same(check({ mode: "MPOL_PREFERRED" }), []);
  t.same(check({ mode: "MPOL_PREFERRED", nodes: "1" }), []);
  t.same(check({ mode: "MPOL_BIND", nodes: "0-1" }), []);
  t.same(check({ mode: "MPOL_DEFAULT", nodes: "0" }), [{ pointer: "/linux/memoryPolicy/nodes", message: "must be empty with MPOL_DEFAULT" }]);
  t.same(check({ mode: "MPOL_WEIGHTED_INTERLEAVE", nodes: "" }), [
    { pointer: "/linux/memoryPolicy/nodes", message: "is required with MPOL_WEIGHTED_INTERLEAVE: list at least one node" },
  ]);
  t.same(check({ mode: "MPOL_PREFERRED", nodes: "0-1" }), [
    { pointer: "/linux/memoryPolicy/nodes", message: "must name one node with MPOL_PREFERRED (MPOL_PREFERRED_MANY takes several)" },
  ]);
  t.same(check({ mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"] }), [
    { pointer: "/linux/memoryPolicy/flags", message: "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be used together" },
  ]);
  t.end();
});
