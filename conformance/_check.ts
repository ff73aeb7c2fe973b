// What a conformance check is: an id, the area it belongs to, the
// specification sentence it tests, and an async body run against one runtime.
//
//   export default [
//     check({
//       id: "hostname.set", area: "hostname", title: "hostname is set in the container",
//       spec: APPLIED, about: "config.md#hostname",
//       async run(t) { ... t.eq(got, want, "hostname") ... },
//     }),
//   ];
import type { Host } from "./_host.ts";
import type { Runtime } from "./_runtime.ts";
import type { Workspace } from "./_workspace.ts";

/** Areas in the order the report lists them. */
export const AREAS = [
  "lifecycle", "state", "kill", "delete", "hooks", "hostname", "mounts", "propagation", "rootfs",
  "paths", "devices", "namespaces", "idmap", "process", "sysctl", "seccomp", "cgroups", "pidfile", "misc",
] as const;
export type Area = (typeof AREAS)[number];

export type SpecFile = "runtime.md" | "runtime-linux.md" | "config.md" | "config-linux.md" | "features.md";

/** A requirement: the file and the sentence of the specification, quoted word for word (links and markup removed). */
export interface SpecRef {
  file: SpecFile;
  quote: string;
}

export interface Check {
  /** unique, `area.name` */
  id: string;
  area: Area;
  /** what is checked, one line */
  title: string;
  spec: SpecRef;
  /** the config field or section the check is about, when `spec` is a general sentence */
  about?: string;
  /** returns why this host cannot support the requirement, or undefined */
  needs?: (host: Host) => string | undefined;
  run(t: T): Promise<void>;
}

export function check(c: Check): Check {
  return c;
}

/** Thrown by `t.skip`: the check is reported as skipped with the reason. */
export class Skip extends Error {}

/** Thrown by `t.fatal`: the check fails and stops here. */
export class Fatal extends Error {}

/** The handle a check body gets. */
export interface T {
  readonly host: Host;
  readonly rt: Runtime;
  readonly ws: Workspace;
  /** records a failure unless `cond` holds; returns `cond` */
  ok(cond: boolean, what: string, detail?: string): boolean;
  /** records a failure unless got === want (compared as JSON) */
  eq(got: unknown, want: unknown, what: string): boolean;
  /** records a failure and stops the check */
  fatal(what: string, detail?: string): never;
  /** stops the check and reports it skipped */
  skip(reason: string): never;
  /** a note shown with the result */
  note(text: string): void;
  /** runs `fn` when the check ends, last registered first */
  defer(fn: () => unknown): void;
}
