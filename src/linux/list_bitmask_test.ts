import t from "tap";
import { listBitmask } from "./list_bitmask.ts";

t.test("ranges and lists become whole 64-bit words", (t) => {
  t.same([...listBitmask("0-1", "f", "CPU")], [3, 0, 0, 0, 0, 0, 0, 0]);
  t.same([...listBitmask("0,9", "f", "CPU")], [1, 2, 0, 0, 0, 0, 0, 0]);
  t.equal(listBitmask("64", "f", "CPU").length, 16);
  t.equal(listBitmask(undefined, "f", "CPU").length, 0);
  t.throws(() => listBitmask("3-1", "x.y", "node"), /x\.y: "3-1" is not a node number or range/);
  t.throws(() => listBitmask("5000", "f", "node", 4095), /not a node number/);
  t.end();
});
