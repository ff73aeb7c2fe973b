import t from "tap";
import { distance, suggest } from "./_suggest.ts";

t.test("distance", (t) => {
  t.equal(distance("spec", "spec"), 0);
  t.equal(distance("sepc", "spec"), 1, "a swap is one edit");
  t.equal(distance("stat", "state"), 1);
  t.equal(distance("", "abc"), 3);
  t.end();
});

t.test("suggest", (t) => {
  const commands = ["create", "start", "state", "spec", "delete", "features", "check"];
  t.equal(suggest("sepc", commands), "spec");
  t.equal(suggest("delet", commands), "delete");
  t.equal(suggest("feat", commands), "features", "a prefix");
  t.equal(suggest("chekc", commands), "check");
  t.equal(suggest("xyzzy", commands), undefined, "nothing close");
  t.equal(suggest("a", commands), undefined);
  t.end();
});
