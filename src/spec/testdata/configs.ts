/**
 * Test fixtures: fresh copies of the configs in this directory (written for
 * rongqi's tests), so a test can change one without affecting the others.
 *
 * @example
 * ```ts
 * import { fullConfig } from "./testdata/configs.ts";
 * const c = fullConfig();
 * c.hostname = "other";
 * ```
 */
import { readFileSync } from "node:fs";
import type { Config } from "../types/config.ts";

const read = (name: string): Config => JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), "utf8"));

/** ociVersion, root and a process: the least a config for create needs. */
export const minimalConfig = (): Config => read("minimal");
/** What `runc spec` (and `rongqi spec`) writes. */
export const runcSpecDefaultConfig = (): Config => read("runc_spec_default");
/** A realistic config using nearly every Linux field of the spec. */
export const fullConfig = (): Config => read("full");
