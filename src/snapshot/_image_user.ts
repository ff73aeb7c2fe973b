/**
 * Config.User of an image config as process.user (conversion.md): `user`,
 * `uid`, `user:group`, `uid:gid`, `uid:group` or `user:gid`, names looked up
 * in the image's own /etc/passwd and /etc/group. Without a group, the user's
 * primary group and (for a user given by name) the groups that list it as a
 * member apply; with a group, supplementary groups are not added. A name the
 * image does not know is an error, as conversion.md requires.
 *
 * @example
 * ```ts
 * resolveImageUser("/b/rootfs", "nobody"); // { uid: 65534, gid: 65534, additionalGids: [...], home: "/nonexistent" }
 * ```
 */
import { RongqiError } from "../errors.ts";
import { readFileInRoot } from "./_resolve_in_root.ts";

export interface ImageUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
  /** the user's home directory from /etc/passwd, when found */
  home?: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const NUMERIC = /^\d+$/;
const MAX_ID = 4294967294;

function parsePasswd(text: string | null): PasswdEntry[] {
  return (text ?? "").split("\n").flatMap((line) => {
    const f = line.split(":");
    if (line.startsWith("#") || f.length < 4 || !NUMERIC.test(f[2]!) || !NUMERIC.test(f[3]!)) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "" }];
  });
}

function parseGroup(text: string | null): GroupEntry[] {
  return (text ?? "").split("\n").flatMap((line) => {
    const f = line.split(":");
    if (line.startsWith("#") || f.length < 3 || !NUMERIC.test(f[2]!)) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").map((m) => m.trim()).filter(Boolean) }];
  });
}

function id(value: string, what: string, user: string): number {
  const n = Number(value);
  if (n > MAX_ID) throw new RongqiError(`image config User "${user}": ${what} ${value} is out of range`);
  return n;
}

export function resolveImageUser(rootfs: string, user: string | null | undefined): ImageUser {
  if (!user) return { uid: 0, gid: 0 };
  const colon = user.indexOf(":");
  const u = colon < 0 ? user : user.slice(0, colon);
  const g = colon < 0 ? undefined : user.slice(colon + 1);
  if (u === "" || g === "") throw new RongqiError(`image config User "${user}": expected user, uid, user:group or uid:gid`);
  const passwd = parsePasswd(readFileInRoot(rootfs, "/etc/passwd"));
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (NUMERIC.test(u)) {
    uid = id(u, "uid", user);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === u);
    if (!entry) throw new RongqiError(`image config User "${user}": no user "${u}" in the image's /etc/passwd`);
    uid = entry.uid;
  }
  const home = entry?.home || undefined;
  if (g !== undefined) {
    let gid: number;
    if (NUMERIC.test(g)) gid = id(g, "gid", user);
    else {
      const grp = parseGroup(readFileInRoot(rootfs, "/etc/group")).find((x) => x.name === g);
      if (!grp) throw new RongqiError(`image config User "${user}": no group "${g}" in the image's /etc/group`);
      gid = grp.gid;
    }
    return { uid, gid, ...(home ? { home } : {}) };
  }
  const gid = entry?.gid ?? 0;
  if (NUMERIC.test(u)) return { uid, gid, ...(home ? { home } : {}) };
  const additionalGids = [...new Set(parseGroup(readFileInRoot(rootfs, "/etc/group"))
    .filter((x) => x.members.includes(u) && x.gid !== gid).map((x) => x.gid))];
  return { uid, gid, ...(additionalGids.length ? { additionalGids } : {}), ...(home ? { home } : {}) };
}
