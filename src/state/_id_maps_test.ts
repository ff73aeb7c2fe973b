import t from "tap";
import { idMapMethod, idMapText, type IdMapContext } from "./_id_maps.ts";

const user: IdMapContext = {
  euid: 1000, egid: 1000, uid: 1000, gid: 1000, name: "alice",
  subuid: "alice:100000:65536\n", subgid: "alice:100000:65536\n",
  findTool: (name) => `/usr/bin/${name}`,
};
const userns = [{ type: "user" }, { type: "mount" }];
const own = [{ containerID: 0, hostID: 1000, size: 1 }];
const wide = [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65536 }];

t.test("no new user namespace: nothing to write", async (t) => {
  t.equal(idMapMethod({ namespaces: [{ type: "mount" }] }, user), undefined);
  t.equal(idMapMethod({ namespaces: [{ type: "user", path: "/proc/1/ns/user" }, { type: "mount" }], uidMappings: wide }, user), undefined, "a joined one is mapped already");
});

t.test("the host's root writes any map itself", async (t) => {
  t.same(idMapMethod({ namespaces: userns, uidMappings: wide, gidMappings: wide }, { ...user, euid: 0, egid: 0, uid: 0, gid: 0 }),
    { uid: {}, gid: {}, denySetgroups: false });
});

t.test("unprivileged, its own ids only: written directly, setgroups denied", async (t) => {
  t.same(idMapMethod({ namespaces: userns, uidMappings: own, gidMappings: own }, user), { uid: {}, gid: {}, denySetgroups: true });
  t.same(idMapMethod({ namespaces: userns, uidMappings: own, gidMappings: own }, { ...user, findTool: () => undefined, subuid: "", subgid: "" }),
    { uid: {}, gid: {}, denySetgroups: true }, "needs neither the tools nor /etc/subuid");
});

t.test("unprivileged, more ids: newuidmap and newgidmap", async (t) => {
  t.same(idMapMethod({ namespaces: userns, uidMappings: wide, gidMappings: wide }, user),
    { uid: { tool: "/usr/bin/newuidmap" }, gid: { tool: "/usr/bin/newgidmap" }, denySetgroups: true },
    "the own gid is not in /etc/subgid: newgidmap would deny setgroups, so the plan must not call it");
  const sub = [{ containerID: 0, hostID: 100000, size: 65536 }];
  t.same(idMapMethod({ namespaces: userns, uidMappings: sub, gidMappings: sub }, user),
    { uid: { tool: "/usr/bin/newuidmap" }, gid: { tool: "/usr/bin/newgidmap" }, denySetgroups: false },
    "every gid from /etc/subgid: setgroups stays allowed");
  t.same(idMapMethod({ namespaces: userns, uidMappings: wide, gidMappings: own }, user),
    { uid: { tool: "/usr/bin/newuidmap" }, gid: {}, denySetgroups: true }, "each map on its own");
});

t.test("unprivileged: a range not given to the user is a clear error naming the mapping", async (t) => {
  const bad = [...wide, { containerID: 70000, hostID: 300000, size: 10 }];
  t.throws(() => idMapMethod({ namespaces: userns, uidMappings: bad, gidMappings: own }, user),
    /^linux\.uidMappings\[2\]: host uids 300000-300009 cannot be mapped by alice: an unprivileged user maps its own uid \(1000\) and the ranges \/etc\/subuid gives it \(100000-165535\)$/);
  t.throws(() => idMapMethod({ namespaces: userns, uidMappings: own, gidMappings: wide }, { ...user, subgid: "" }),
    /^linux\.gidMappings\[1\]: host gids 100000-165535 .*\/etc\/subgid gives it \(none\)$/);
  t.throws(() => idMapMethod({ namespaces: userns, uidMappings: [{ containerID: 0, hostID: 1000, size: 2 }] }, user),
    /linux\.uidMappings\[0\]: host uids 1000-1001 cannot be mapped/, "the own uid may be mapped alone only");
});

t.test("unprivileged: a missing newuidmap is a clear error", async (t) => {
  t.throws(() => idMapMethod({ namespaces: userns, uidMappings: wide, gidMappings: own }, { ...user, findTool: () => undefined }),
    /^linux\.uidMappings: mapping more than uid 1000 as an unprivileged user needs newuidmap \(package "uidmap"\), which is not installed$/);
});

t.test("map text: one line per mapping", async (t) => {
  t.equal(idMapText(wide), "0 1000 1\n1 100000 65536\n");
});
