import t from "tap";
import { checkMountDestinations } from "./mount_destinations.ts";
import { minimalConfig, runcSpecDefaultConfig } from "../testdata/configs.ts";

t.test("relative destinations are deprecated: a warning", (t) => {
  t.same(checkMountDestinations(runcSpecDefaultConfig()), []);
  const c = minimalConfig();
  c.mounts = [{ destination: "/ok" }, { destination: "data/x" }];
  t.same(checkMountDestinations(c), [
    { pointer: "/mounts/1/destination", message: 'relative destination "data/x" is deprecated: it is taken as "/data/x"', warning: true },
  ]);
  t.end();
});
