import t from "tap";
import { subordinateIds, withinRanges } from "./subordinate_ids.ts";

const FILE = `# comment
alice:100000:65536
1000:300000:10
bob:165536:65536
alice:400000:0
alice:bad:5

alice:500000:1000
`;

t.test("the lines of the user, by name or by uid; empty and malformed ranges skipped", async (t) => {
  t.same(subordinateIds(FILE, { name: "alice", uid: 1000 }), [
    { start: 100000, count: 65536 }, { start: 300000, count: 10 }, { start: 500000, count: 1000 },
  ]);
  t.same(subordinateIds(FILE, { uid: 1000 }), [{ start: 300000, count: 10 }], "a user without a name: numeric lines only");
  t.same(subordinateIds(FILE, { name: "carol", uid: 1002 }), []);
  t.same(subordinateIds("", { name: "alice", uid: 1000 }), []);
});

t.test("a mapping must lie within one range", async (t) => {
  const ranges = [{ start: 100000, count: 65536 }, { start: 200000, count: 10 }];
  t.ok(withinRanges(100000, 65536, ranges));
  t.ok(withinRanges(165535, 1, ranges), "the last id");
  t.notOk(withinRanges(165535, 2, ranges), "one past the end");
  t.notOk(withinRanges(99999, 1, ranges));
  t.notOk(withinRanges(165530, 40000, ranges), "spanning two ranges is not within one");
});
