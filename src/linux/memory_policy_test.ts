import t from "tap";
import { memoryPolicyOp, nodemask } from "./memory_policy.ts";

t.test("nodemask: ranges and lists as whole 64-bit words", (t) => {
  t.same([...nodemask("0-1")], [3, 0, 0, 0, 0, 0, 0, 0]);
  t.same([...nodemask("0,9")], [1, 2, 0, 0, 0, 0, 0, 0]);
  t.equal(nodemask("64").length, 16);
  t.equal(nodemask(undefined).length, 0);
  t.throws(() => nodemask("3-1"), /not a node number or range/);
  t.end();
});

t.test("mode and flags", (t) => {
  const op = memoryPolicyOp({ mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"] });
  t.equal(op.op, "mempolicy");
  t.equal((op as { mode: number }).mode, 2 | (1 << 15));
  t.throws(() => memoryPolicyOp({ mode: "MPOL_NOPE" }), /linux\.memoryPolicy\.mode/);
  t.throws(() => memoryPolicyOp({ mode: "MPOL_BIND", flags: ["X"] }), /linux\.memoryPolicy\.flags/);
  t.end();
});
