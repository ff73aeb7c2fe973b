import t from "tap";
import { checkUtsNamespace } from "./uts_namespace.ts";
import { minimalConfig } from "../testdata/configs.ts";

t.test("hostname and domainname need a uts namespace", (t) => {
  const c = minimalConfig();
  t.same(checkUtsNamespace(c), [], "neither set");
  c.hostname = "";
  t.same(checkUtsNamespace(c), [], "empty hostname sets nothing");
  c.hostname = "box";
  c.domainname = "example.test";
  t.same(checkUtsNamespace(c), [
    { pointer: "/hostname", message: 'cannot set the hostname without a uts namespace: add {"type": "uts"} to linux.namespaces' },
    { pointer: "/domainname", message: 'cannot set the domainname without a uts namespace: add {"type": "uts"} to linux.namespaces' },
  ]);
  c.linux = { namespaces: [{ type: "uts" }] };
  t.same(checkUtsNamespace(c), [], "new");
  c.linux = { namespaces: [{ type: "uts", path: "/proc/1234/ns/uts" }] };
  t.same(checkUtsNamespace(c), [], "joined, as in a pod");
  t.end();
});
