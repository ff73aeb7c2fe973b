/**
 * root.path, resolved against the bundle when relative, must be a directory:
 * "A directory MUST exist at the path declared by the field" (config.md).
 *
 * @example
 * ```ts
 * import { checkRootPath } from "./root_path.ts";
 * checkRootPath({ ociVersion: "1.3.0", root: { path: "rootfs" } }, { bundle: "/nowhere" });
 * // [{ pointer: "/root/path", message: 'directory "rootfs" (/nowhere/rootfs) does not exist' }]
 * ```
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { problem, type Problem } from "../problem.ts";
import type { Config } from "../types/config.ts";
import type { CheckContext } from "./_check.ts";

export function checkRootPath(config: Config, ctx: CheckContext): Problem[] {
  const path = config.root?.path;
  if (typeof path !== "string" || path === "") return []; // the schema reports it
  const full = resolve(ctx.bundle, path);
  const shown = full === path ? JSON.stringify(path) : `${JSON.stringify(path)} (${full})`;
  try {
    if (!statSync(full).isDirectory()) return [problem("/root/path", `${shown} is not a directory`)];
    return [];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [problem("/root/path", `directory ${shown} does not exist`)];
    if (code === "ENOTDIR") return [problem("/root/path", `${shown} is not a directory: a parent is not a directory`)];
    return [problem("/root/path", `cannot check directory ${shown}: ${code ?? (e as Error).message}`)];
  }
}
