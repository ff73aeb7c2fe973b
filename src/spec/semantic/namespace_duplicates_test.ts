import t from "tap";
import { checkNamespaceDuplicates } from "./namespace_duplicates.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("each namespace type once", (t) => {
  t.same(checkNamespaceDuplicates(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { namespaces: [{ type: "pid" }, { type: "network", path: "/run/netns/a" }, { type: "network" }, { type: "pid" }] };
  t.same(checkNamespaceDuplicates(c), [
    { pointer: "/linux/namespaces/2/type", message: 'duplicate namespace type "network": entry 1 has it already' },
    { pointer: "/linux/namespaces/3/type", message: 'duplicate namespace type "pid": entry 0 has it already' },
  ]);
  t.end();
});
