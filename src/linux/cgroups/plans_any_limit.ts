/**
 * Whether linux.resources asks for anything at all: rootless, a cgroup that
 * cannot be written is only fatal when it does.
 *
 * @example
 * ```ts
 * plansAnyLimit({});                                  // false
 * plansAnyLimit({ memory: {} });                      // false
 * plansAnyLimit({ pids: { limit: 10 } });             // true
 * ```
 */
import type { Resources } from "./types.ts";

function meaningful(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).some(meaningful);
  return true;
}

export function plansAnyLimit(resources: Resources | undefined): boolean {
  return meaningful(resources ?? {});
}
