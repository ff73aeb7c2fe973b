/**
 * The container process's user (`process.user`): groups, gid and uid are
 * set with PR_SET_KEEPCAPS held so the capabilities chosen for the process
 * survive the change away from uid 0; capset follows (see capabilities.ts).
 *
 * @example
 * ```ts
 * identityOps({ uid: 1000, gid: 1000, additionalGids: [10] }, masks, { setgroups: true });
 * ```
 */
import type { Op } from "./process/protocol.ts";
import { PR_CAPBSET_DROP, PR_SET_KEEPCAPS, type CapabilityMasks } from "./capabilities.ts";

export interface ProcessUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
  username?: string;
}

/**
 * Operations that drop the bounding set, switch to the container's user
 * and set the capability sets, in that order.
 */
export function identityOps(user: ProcessUser, caps: CapabilityMasks, opts: { lastCap: number; setgroups: boolean }): Op[] {
  const ops: Op[] = [];
  for (let n = 0; n <= opts.lastCap; n++) {
    if (!(caps.bounding & (1n << BigInt(n)))) {
      ops.push({ op: "prctl", option: PR_CAPBSET_DROP, args: [n], desc: { step: `drop capability ${n} from the bounding set`, field: "process.capabilities.bounding", syscall: "prctl(PR_CAPBSET_DROP)" } });
    }
  }
  ops.push({ op: "prctl", option: PR_SET_KEEPCAPS, args: [1], desc: { step: "keep capabilities across the user change", syscall: "prctl(PR_SET_KEEPCAPS)" } });
  if (opts.setgroups) {
    ops.push({ op: "setgroups", gids: user.additionalGids ?? [], desc: { step: "set additional groups", field: "process.user.additionalGids", syscall: "setgroups" } });
  }
  ops.push({ op: "setresgid", rgid: user.gid, egid: user.gid, sgid: user.gid, desc: { step: `set gid ${user.gid}`, field: "process.user.gid", syscall: "setresgid" } });
  ops.push({ op: "setresuid", ruid: user.uid, euid: user.uid, suid: user.uid, desc: { step: `set uid ${user.uid}`, field: "process.user.uid", syscall: "setresuid" } });
  ops.push({ op: "prctl", option: PR_SET_KEEPCAPS, args: [0], desc: { step: "stop keeping capabilities", syscall: "prctl(PR_SET_KEEPCAPS)" } });
  ops.push({ op: "capset", effective: caps.effective, permitted: caps.permitted, inheritable: caps.inheritable, desc: { step: "set capabilities", field: "process.capabilities", syscall: "capset" } });
  if (caps.ambient) ops.push({ op: "ambient", caps: caps.ambient, desc: { step: "raise ambient capabilities", field: "process.capabilities.ambient", syscall: "prctl(PR_CAP_AMBIENT_RAISE)" } });
  if (user.umask !== undefined) ops.push({ op: "umask", mask: user.umask, desc: { step: `set umask ${user.umask.toString(8)}`, field: "process.user.umask", syscall: "umask" } });
  return ops;
}
