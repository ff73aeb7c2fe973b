/**
 * The subordinate ids a user may map into a user namespace, from
 * /etc/subuid or /etc/subgid (subuid(5)): lines `owner:start:count`, the
 * owner a user name or a numeric uid. newuidmap/newgidmap accept exactly
 * these ranges (and the caller's own id), so rongqi checks a config against
 * them first, to name the mapping that cannot work.
 *
 * @example
 * ```ts
 * subordinateIds("alice:100000:65536\n", { name: "alice", uid: 1000 }); // [{ start: 100000, count: 65536 }]
 * ```
 */
export interface IdRange {
  start: number;
  count: number;
}

export function subordinateIds(text: string, user: { name?: string; uid: number }): IdRange[] {
  const out: IdRange[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [owner, start, count] = line.split(":");
    if (owner === undefined || !/^\d+$/.test(start ?? "") || !/^\d+$/.test(count ?? "")) continue;
    if (owner !== String(user.uid) && (user.name === undefined || owner !== user.name)) continue;
    const range = { start: Number(start), count: Number(count) };
    if (range.count > 0) out.push(range);
  }
  return out;
}

/** Whether host ids [start, start+count) all lie in one of the ranges. */
export function withinRanges(start: number, count: number, ranges: readonly IdRange[]): boolean {
  return ranges.some((r) => start >= r.start && start + count <= r.start + r.count);
}
