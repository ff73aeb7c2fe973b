/**
 * An image config turned into a runtime config.json, as conversion.md says,
 * on top of rongqi's starter configuration (`defaultConfig()`, no terminal
 * unless asked):
 *
 * - `process.args`: Entrypoint followed by Cmd (or by the command given, which
 *   replaces Cmd, as `docker run IMAGE CMD` does);
 * - `process.env`: Env verbatim; PATH added when the image sets none, HOME from
 *   /etc/passwd and TERM (with a terminal) likewise, never replacing a name Env has;
 * - `process.cwd`: WorkingDir (default /);
 * - `process.user`: User resolved in the image's /etc/passwd and /etc/group;
 * - `annotations`: org.opencontainers.image.{os,architecture,variant,os.version,
 *   os.features,author,created,stopSignal,exposedPorts}, then Config.Labels,
 *   which win on conflict;
 * - `mounts`: a bind mount of a directory of the snapshot at each of Volumes.
 *
 * @example
 * ```ts
 * const config = imageRuntimeConfig(image.config, "/b/rootfs", { volumes: [] });
 * config.process.args; // ["sh"]
 * ```
 */
import { RongqiError } from "../errors.ts";
import { defaultConfig } from "../spec/default_config.ts";
import type { Config, Mount } from "../spec/types/config.ts";
import { resolveImageUser } from "./_image_user.ts";
import type { ImageConfig } from "./_image_types.ts";

export interface RuntimeConfigOptions {
  /** the command to run instead of the image's Cmd (Entrypoint still comes first) */
  args?: string[];
  /** give the process a terminal (process.terminal) */
  terminal?: boolean;
  /** root.readonly */
  readonly?: boolean;
  /** host directories for the image's Volumes, by destination */
  volumes?: Map<string, string>;
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function imageRuntimeConfig(image: ImageConfig, rootfs: string, opts: RuntimeConfigOptions = {}): Config {
  const c = image.config ?? {};
  const config = defaultConfig();
  const entrypoint = c.Entrypoint ?? [];
  const cmd = opts.args && opts.args.length > 0 ? opts.args : (c.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  const [first, ...rest] = args;
  if (first === undefined) {
    throw new RongqiError("the image has neither Entrypoint nor Cmd: give the command to run after the bundle (rongqi snapshot prepare IMAGE BUNDLE -- CMD...)");
  }
  const user = resolveImageUser(rootfs, c.User);
  const env = [...(c.Env ?? [])];
  const has = (name: string) => env.some((e) => e.startsWith(`${name}=`));
  if (!has("PATH")) env.push(DEFAULT_PATH);
  if (!has("HOME") && user.home) env.push(`HOME=${user.home}`);
  if (opts.terminal && !has("TERM")) env.push("TERM=xterm");
  const cwd = c.WorkingDir ? (c.WorkingDir.startsWith("/") ? c.WorkingDir : `/${c.WorkingDir}`) : "/";
  config.process = {
    ...config.process!,
    terminal: opts.terminal ?? false,
    args: [first, ...rest],
    env,
    cwd,
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids ? { additionalGids: user.additionalGids } : {}) },
  };
  config.root = { path: "rootfs", readonly: opts.readonly ?? false };
  const annotations = imageAnnotations(image);
  if (Object.keys(annotations).length > 0) config.annotations = annotations;
  const mounts: Mount[] = [...(config.mounts ?? [])];
  for (const [destination, source] of opts.volumes ?? []) {
    mounts.push({ destination, type: "bind", source, options: ["rbind", "rw"] });
  }
  config.mounts = mounts;
  return config;
}

/** The annotations conversion.md derives from an image config; Config.Labels take precedence. */
export function imageAnnotations(image: ImageConfig): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (key: string, value: unknown) => {
    if (typeof value === "string" && value !== "") out[`org.opencontainers.image.${key}`] = value;
  };
  set("os", image.os);
  set("architecture", image.architecture);
  set("variant", image.variant);
  set("os.version", image["os.version"]);
  if (image["os.features"]?.length) set("os.features", image["os.features"].join(","));
  set("author", image.author);
  set("created", image.created);
  const c = image.config ?? {};
  set("stopSignal", c.StopSignal);
  const ports = Object.keys(c.ExposedPorts ?? {});
  if (ports.length) set("exposedPorts", ports.join(","));
  return { ...out, ...(c.Labels ?? {}) };
}
