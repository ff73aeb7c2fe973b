import t from "tap";
import { checkUserNamespace } from "./user_namespace.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

const map = [{ containerID: 0, hostID: 100000, size: 65536 }];

t.test("mappings need a user namespace", (t) => {
  t.same(checkUserNamespace(fullConfig()), []);
  const c = minimalConfig();
  c.linux = { uidMappings: map, gidMappings: map };
  t.same(checkUserNamespace(c), [
    { pointer: "/linux/uidMappings", message: 'needs a user namespace: add {"type": "user"} to linux.namespaces' },
    { pointer: "/linux/gidMappings", message: 'needs a user namespace: add {"type": "user"} to linux.namespaces' },
  ]);
  t.end();
});

t.test("a new user namespace needs both mappings; a joined one none", (t) => {
  const c = minimalConfig();
  c.linux = { namespaces: [{ type: "pid" }, { type: "user" }], uidMappings: map };
  t.same(checkUserNamespace(c), [
    { pointer: "/linux/gidMappings", message: "is required with a new user namespace (/linux/namespaces/1 has no path): the kernel maps no IDs by itself" },
  ]);
  c.linux.gidMappings = [];
  t.equal(checkUserNamespace(c).length, 1, "an empty list maps nothing either");
  c.linux = { namespaces: [{ type: "user", path: "/proc/42/ns/user" }] };
  t.same(checkUserNamespace(c), [], "joined: its mappings are already set");
  t.end();
});
