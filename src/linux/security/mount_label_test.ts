import t from "tap";
import type { Op } from "../process/protocol.ts";
import { applyMountLabel } from "./mount_label.ts";

const mount = (fstype: string, flags = 0, data = ""): Op => ({ op: "mount", source: fstype, target: "/x", fstype, data, flags, create: 1, inRoot: true, keepFlags: false });

t.test("the label goes on the container's own filesystems, only where SELinux is", async (t) => {
  const ops = [mount("tmpfs", 0, "mode=755"), mount("devpts"), mount("proc"), mount("sysfs"), mount("mqueue"), mount("", 0x1000), mount("tmpfs", 0x20)];
  const label = "system_u:object_r:container_file_t:s0:c1,c2";
  const out = applyMountLabel(ops, label, { selinux: true }).map((o) => (o.op === "mount" ? o.data : ""));
  t.same(out, [`mode=755,context="${label}"`, `context="${label}"`, "", "", "", "", ""]);
  t.same(applyMountLabel(ops, label, { selinux: false }), ops, "no SELinux: ignored, as runc does");
  t.same(applyMountLabel(ops, undefined, { selinux: true }), ops);
});
