/**
 * `rongqi snapshot diff NAME`: what the container changed, from its upper
 * layer against the image's layers: `A` added, `C` changed (including the
 * directories overlayfs copied up because something in them changed, as
 * `docker diff` shows them), `D` deleted (overlay whiteouts, and what an
 * opaque directory hides of the image).
 *
 * @example
 * ```ts
 * diffSnapshot({ name: "c1" }); // [{ kind: "C", path: "/etc" }, { kind: "A", path: "/etc/motd" }, ...]
 * ```
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { isOpaque, isWhiteout, lookupInLowers } from "./_overlay_fs.ts";
import { readSnapshot, upperDir } from "./_snapshots.ts";
import { walk } from "./_walk.ts";
import { layerDir, openStore } from "./open_store.ts";

export interface Change {
  kind: "A" | "C" | "D";
  /** absolute, as seen in the container */
  path: string;
}

export function diffSnapshot(opts: { store?: string; name: string }): Change[] {
  const store = openStore(opts.store);
  const rec = readSnapshot(store, opts.name);
  if (rec.readonly) throw new RongqiError(`snapshot ${rec.name} is read-only: it has no changes`);
  const upper = upperDir(store, rec.name);
  const lowers = rec.chainIds.map((c) => join(layerDir(store, c), "diff")).reverse();
  return upperChanges(upper, lowers);
}

/** The changes an overlay upper directory holds over `lowers` (top first), sorted by path. */
export function upperChanges(upper: string, lowers: readonly string[]): Change[] {
  const out: Change[] = [];
  walk(upper, (rel, st, abs) => {
    if (isWhiteout(st)) {
      if (lookupInLowers(lowers, rel) !== null) out.push({ kind: "D", path: `/${rel}` });
      return false;
    }
    const below = lookupInLowers(lowers, rel);
    out.push({ kind: below === null ? "A" : "C", path: `/${rel}` });
    if (below !== null && st.isDirectory() && isOpaque(abs)) {
      // Everything the image had in it is gone, unless the container made it again.
      for (const name of lowerNames(lowers, rel)) {
        if (!existsSync(join(abs, name)) && lookupInLowers(lowers, `${rel}/${name}`) !== null) out.push({ kind: "D", path: `/${rel}/${name}` });
      }
    }
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function lowerNames(lowers: readonly string[], rel: string): Set<string> {
  const names = new Set<string>();
  for (const layer of lowers) {
    try {
      for (const n of readdirSync(join(layer, rel))) names.add(n);
    } catch {
      // not a directory in this layer
    }
  }
  return names;
}
