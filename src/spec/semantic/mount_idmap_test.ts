import t from "tap";
import { checkMountIdmap } from "./mount_idmap.ts";
import { minimalConfig } from "../testdata/configs.ts";

const map = [{ containerID: 0, hostID: 100000, size: 65536 }];

t.test("idmap needs a mapping: the mount's own or the user namespace's", (t) => {
  const c = minimalConfig();
  c.mounts = [{ destination: "/a", source: "/srv", options: ["rbind", "idmap"] }, { destination: "/b", options: ["ridmap"] }];
  t.same(checkMountIdmap(c), [
    { pointer: "/mounts/0/options", message: "idmap needs uidMappings and gidMappings on the mount, or a user namespace in linux.namespaces" },
    { pointer: "/mounts/1/options", message: "ridmap needs uidMappings and gidMappings on the mount, or a user namespace in linux.namespaces" },
  ]);
  c.mounts[0]!.uidMappings = map;
  c.mounts[0]!.gidMappings = map;
  t.equal(checkMountIdmap(c).length, 1, "own mappings");
  c.linux = { namespaces: [{ type: "user" }] };
  t.same(checkMountIdmap(c), [], "the container's user namespace");
  t.end();
});
