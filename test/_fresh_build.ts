// Makes sure dist/rongqi.mjs was built from the current sources, so that a
// test of bin/rongqi tests this work tree. `npm test` builds first, so this
// only rebuilds when a test file is run on its own after an edit.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const TOP = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The launcher, by absolute path, as containerd and conmon start it. */
export const RONGQI_BIN = join(TOP, "bin/rongqi");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|js|mjs|json)$/.test(e.name) && !e.name.endsWith("_test.ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Rebuilds the bundle if a source is newer than it; returns the launcher's path. */
export function freshBuild(): string {
  let built = 0;
  try {
    built = statSync(join(TOP, "dist/rongqi.mjs")).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(newest(join(TOP, "cmd")), newest(join(TOP, "src")), statSync(join(TOP, "package.json")).mtimeMs);
  if (sources > built) {
    execFileSync(join(TOP, "node_modules/node/bin/node"), [join(TOP, "scripts/build.mjs"), "--js-only"], { stdio: "inherit" });
  }
  return RONGQI_BIN;
}
