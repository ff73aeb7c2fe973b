/**
 * Makes the helper dumpable around one operation (a SYNC): a process that
 * is not dumpable has its /proc/PID files owned by the host's root, so an
 * unprivileged runtime (or newuidmap/newgidmap, which check the owner of
 * /proc/PID) could not write the uid and gid maps of the user namespace the
 * helper just made. It is made non-dumpable again right after, as it was
 * (native/rongqi-init.c), before anything of the container runs.
 *
 * @example
 * ```ts
 * ops.push(...dumpableDuring({ op: "sync", tag: TAG.USERMAP, desc: { step: "write uid and gid maps" } }));
 * ```
 */
import type { Op } from "./process/protocol.ts";

const PR_SET_DUMPABLE = 4;

export function dumpableDuring(op: Op): Op[] {
  return [
    { op: "prctl", option: PR_SET_DUMPABLE, args: [1], desc: { step: "let the runtime write /proc/<pid>/uid_map and gid_map (dumpable)", syscall: "prctl(PR_SET_DUMPABLE)" } },
    op,
    { op: "prctl", option: PR_SET_DUMPABLE, args: [0], desc: { step: "make the process non-dumpable again", syscall: "prctl(PR_SET_DUMPABLE)" } },
  ];
}
