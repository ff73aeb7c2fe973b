import t from "tap";
import { checkTimeOffsets } from "./time_offsets.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("time offsets need a new time namespace", (t) => {
  t.same(checkTimeOffsets(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { timeOffsets: {} };
  t.same(checkTimeOffsets(c), [], "no offsets");
  c.linux = { timeOffsets: { boottime: { secs: 10 } } };
  t.same(checkTimeOffsets(c), [{ pointer: "/linux/timeOffsets", message: 'need a new time namespace: add {"type": "time"} to linux.namespaces' }]);
  c.linux.namespaces = [{ type: "time", path: "/proc/9/ns/time" }];
  t.same(checkTimeOffsets(c), [
    { pointer: "/linux/timeOffsets", message: "cannot be set on the time namespace joined at /proc/9/ns/time: they need a new one (no path)" },
  ]);
  c.linux.namespaces = [{ type: "time" }];
  t.same(checkTimeOffsets(c), []);
  t.end();
});
