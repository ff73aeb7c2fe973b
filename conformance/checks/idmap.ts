// User namespace uid/gid mappings: the maps the container sees, the host
// ids its processes run as, and the rootfs left as it was.
import { statSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { USERNS_MAP, withNamespace, type Config, type IdMapping } from "../_config.ts";
import { procStatus, running, runInside } from "../_helpers.ts";
import { APPLIED } from "../_spec.ts";

const needsUserns = (h: { userns: boolean }) => (h.userns ? undefined : "user namespaces are disabled on this host");

function userns(c: Config, uid: IdMapping[] = USERNS_MAP, gid: IdMapping[] = USERNS_MAP): void {
  withNamespace(c, "user");
  c.linux.uidMappings = uid;
  c.linux.gidMappings = gid;
}

/** What /proc/PID/uid_map prints for `m`, one line per entry, spaces squeezed. */
const mapText = (m: IdMapping[]) => m.map((e) => `${e.containerID} ${e.hostID} ${e.size}`).join(";");
const readMap = (file: string) => `$(tr -s ' ' < /proc/$$/${file} | sed 's/^ //' | tr '\\n' ';' | sed 's/;$//')`;

export default [
  check({
    id: "idmap.uid-gid-maps",
    area: "idmap",
    title: "uidMappings and gidMappings are the container's uid_map and gid_map",
    spec: APPLIED,
    about: "config-linux.md#user-namespace-mappings",
    needs: needsUserns,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq uid_map "${readMap("uid_map")}" "${mapText(USERNS_MAP)}"\neq gid_map "${readMap("gid_map")}" "${mapText(USERNS_MAP)}"\neq "uid inside" "$(id -u)" 0`,
        edit: (c) => userns(c),
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "idmap.several-ranges",
    area: "idmap",
    title: "mappings with several ranges are all applied",
    spec: APPLIED,
    about: "config-linux.md#user-namespace-mappings",
    needs: needsUserns,
    async run(t: T) {
      const uid = [{ containerID: 0, hostID: 200000, size: 1000 }, { containerID: 1000, hostID: 300000, size: 1000 }];
      const gid = [{ containerID: 0, hostID: 210000, size: 1000 }, { containerID: 1000, hostID: 310000, size: 1000 }];
      const b = t.ws.bundle({
        script: `eq uid_map "${readMap("uid_map")}" "${mapText(uid)}"\neq gid_map "${readMap("gid_map")}" "${mapText(gid)}"`,
        edit: (c) => userns(c, uid, gid),
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "idmap.host-ids",
    area: "idmap",
    title: "the container process runs as the mapped host ids (process.user 1000 -> host 101000)",
    spec: APPLIED,
    about: "config-linux.md#user-namespace-mappings",
    needs: needsUserns,
    async run(t: T) {
      const b = t.ws.bundle({
        edit: (c) => {
          userns(c);
          c.process!.user = { uid: 1000, gid: 1000 };
          c.process!.args = ["sleep", "1000"];
        },
      });
      const st = await running(t, b);
      t.eq(procStatus(st.pid!, "Uid")?.split(/\s+/)[0], "101000", "host uid of the container process");
      t.eq(procStatus(st.pid!, "Gid")?.split(/\s+/)[0], "101000", "host gid of the container process");
    },
  }),
  check({
    id: "idmap.rootfs-not-chowned",
    area: "idmap",
    title: "the rootfs keeps its owners after a container with a user namespace ran",
    spec: { file: "config-linux.md", quote: "The runtime SHOULD NOT modify the ownership of referenced filesystems to realize the mapping." },
    needs: needsUserns,
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => userns(c) });
      const before = ["bin/busybox", "etc/passwd", "conformance/check", "."].map((p) => `${p} ${statSync(join(b.rootfs, p)).uid}:${statSync(join(b.rootfs, p)).gid}`);
      await runInside(t, b);
      const after = ["bin/busybox", "etc/passwd", "conformance/check", "."].map((p) => `${p} ${statSync(join(b.rootfs, p)).uid}:${statSync(join(b.rootfs, p)).gid}`);
      t.eq(after, before, "owners of rootfs files");
    },
  }),
];
