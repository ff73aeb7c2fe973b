import t from "tap";
import { parseDuration } from "./events.ts";

t.test("Go durations", async (t) => {
  t.equal(parseDuration("5s"), 5000);
  t.equal(parseDuration("500ms"), 500);
  t.equal(parseDuration("1m30s"), 90_000);
  t.equal(parseDuration("1.5h"), 5_400_000);
  t.throws(() => parseDuration("5"), /--interval: "5" is not a duration/);
  t.throws(() => parseDuration("5s junk"), /not a duration/);
});
