import t from "tap";
import { checkRlimits } from "./rlimits.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("duplicates and soft above hard are errors", (t) => {
  t.same(checkRlimits(fullConfig()), []);
  const c = minimalConfig();
  c.process!.rlimits = [
    { type: "RLIMIT_NOFILE", soft: 1024, hard: 1024 },
    { type: "RLIMIT_CORE", soft: 10, hard: 5 },
    { type: "RLIMIT_NOFILE", soft: 10, hard: 10 },
  ];
  t.same(checkRlimits(c), [
    { pointer: "/process/rlimits/1/soft", message: "10 is above the hard limit 5" },
    { pointer: "/process/rlimits/2/type", message: "duplicate rlimit RLIMIT_NOFILE: entry 0 sets it already" },
  ]);
  t.end();
});
