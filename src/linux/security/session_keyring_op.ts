/**
 * The container's own session keyring: the container process joins a new
 * keyring named `_ses.<container id>` (as runc names it) so it does not
 * share the runtime's session keyring and the keys in it. The keyring is
 * made searchable by the container's user: "user" search permission, or
 * "other" search in a user namespace (whose root is another uid on the
 * host than the keyring's owner may be). `--no-new-keyring` keeps the
 * runtime's session keyring instead. A kernel without keyrings is no error.
 *
 * @example
 * ```ts
 * sessionKeyringOp("web", { userns: false }); // { op: "keyring", name: "_ses.web", perm: 0x80000, ... }
 * ```
 */
import type { Op } from "../process/protocol.ts";

/** KEY_USR_SEARCH and KEY_OTH_SEARCH (linux/keyctl.h). */
export const KEY_USR_SEARCH = 0x00080000;
export const KEY_OTH_SEARCH = 0x00000008;

export function sessionKeyringOp(containerId: string, opts: { userns: boolean }): Op {
  const name = `_ses.${containerId}`;
  return {
    op: "keyring", name, perm: opts.userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH,
    desc: { step: `join a new session keyring ${name}`, syscall: "keyctl(KEYCTL_JOIN_SESSION_KEYRING)" },
  };
}
