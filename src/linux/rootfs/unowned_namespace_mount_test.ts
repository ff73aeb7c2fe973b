import t from "tap";
import { MS_BIND, MS_REC, MS_REMOUNT, MS_RDONLY } from "../mount_options.ts";
import { classifyNamespaces } from "../namespaces.ts";
import { mountOps } from "./mount_ops.ts";
import { unownedNamespaceMount, unownedNamespaces } from "./unowned_namespace_mount.ts";

const sysfs = { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] };
const mqueue = { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] };
const ns = (...types: string[]) => classifyNamespaces(types.map((type) => (type.includes("=") ? { type: type.split("=")[0]!, path: type.split("=")[1] } : { type })));

t.test("which namespaces a user namespace does not own", async (t) => {
  t.equal(unownedNamespaces(ns("mount", "pid"), false), undefined, "the host's root, no user namespace: nothing to work around");
  t.same(unownedNamespaces(ns("user", "mount", "network"), false), { network: false, ipc: true }, "created with the user namespace: owned; left out: the host's");
  t.same(unownedNamespaces(ns("user", "mount", "network=/run/netns/x", "ipc"), false), { network: true, ipc: false }, "joined, with a new user namespace made after it: not owned");
  t.same(unownedNamespaces(ns("mount", "network=/run/netns/x"), true), { network: false, ipc: true }, "runtime in a user namespace (rootless Podman) joining a network namespace: taken as its own");
  t.same(unownedNamespaces(ns("mount", "network", "ipc"), true), { network: false, ipc: false });
});

t.test("sysfs and mqueue become binds of the host's, options applied to submounts too", async (t) => {
  t.same(unownedNamespaceMount(sysfs, { network: true, ipc: false }), {
    destination: "/sys", type: "bind", source: "/sys",
    options: ["rbind", "nosuid", "rnosuid", "noexec", "rnoexec", "nodev", "rnodev", "ro", "rro"],
  });
  t.same(unownedNamespaceMount({ ...mqueue, options: [...mqueue.options, "size=10"] }, { network: false, ipc: true }), {
    destination: "/dev/mqueue", type: "bind", source: "/dev/mqueue", options: ["rbind", "nosuid", "rnosuid", "noexec", "rnoexec", "nodev", "rnodev"],
  }, "filesystem options are dropped");
  t.equal(unownedNamespaceMount(sysfs, { network: false, ipc: true }), sysfs, "an owned network namespace: a fresh sysfs");
  t.equal(unownedNamespaceMount(mqueue, undefined), mqueue);
  const tmpfs = { destination: "/tmp", type: "tmpfs", source: "tmpfs" };
  t.equal(unownedNamespaceMount(tmpfs, { network: true, ipc: true }), tmpfs, "other types untouched");
});

t.test("mountOps: the bind keeps the locked flags and sets the recursive ones", async (t) => {
  const ops = mountOps([sysfs], { bundle: "/b", userns: true, warnings: [], unowned: { network: true, ipc: true } });
  t.match(ops[0], { op: "mount", source: "/sys", target: "/sys", fstype: "", flags: MS_BIND | MS_REC });
  t.match(ops[1], { op: "mount", target: "/sys", keepFlags: true });
  t.ok((ops[1] as { flags: number }).flags & MS_REMOUNT && (ops[1] as { flags: number }).flags & MS_RDONLY, "remounted read-only");
  t.match(ops[2], { op: "mountSetattr", target: "/sys" });
  const fresh = mountOps([sysfs], { bundle: "/b", userns: true, warnings: [], unowned: { network: false, ipc: true } });
  t.match(fresh, [{ op: "mount", source: "sysfs", fstype: "sysfs" }]);
});
