// A copy of this work tree's built rongqi (launcher, bundle, native helper),
// taken when the bench starts, so that the bench measures one build even if
// the tree is rebuilt while it runs. node_modules is linked, not copied.
import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { TOP } from "../test/_bundle.ts";

/** Copies the build into `dir` and returns the copy's top directory. */
export function snapshotInstall(dir: string): string {
  for (const f of ["dist/rongqi.mjs", "build/rongqi-init", "bin/rongqi"]) {
    if (!existsSync(join(TOP, f))) throw new Error(`rongqi is not built (${f} is missing): run \`npm run build\` first (npm run bench does)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of ["package.json", "bin", "dist", "build"]) cpSync(join(TOP, f), join(dir, f), { recursive: true });
  symlinkSync(join(TOP, "node_modules"), join(dir, "node_modules"));
  return dir;
}
