// The global options (before the command), as runc spells them.
import { DEFAULT_ROOT } from "../src/runtime_options.ts";
import type { FlagDef } from "./command.ts";

export const GLOBAL_FLAGS = [
  { name: "debug", type: "boolean", help: "enable debug logging" },
  { name: "log", type: "string", value: "FILE", help: "append log records to FILE", defaultHelp: "standard error" },
  { name: "log-format", type: "string", value: "FORMAT", choices: ["text", "json"], default: "text", help: "log record format" },
  {
    name: "root", type: "string", value: "DIR", help: "directory for container state, best on tmpfs",
    defaultHelp: `${DEFAULT_ROOT}; not root: $XDG_RUNTIME_DIR/rongqi, else /tmp/rongqi-<uid>`,
  },
  {
    name: "systemd-cgroup", type: "boolean",
    help: "manage cgroups through systemd: not supported yet, refused",
  },
  {
    name: "rootless", type: "string", value: "WHEN", choices: ["true", "false", "auto"], default: "auto",
    help: "skip cgroups that cannot be written when no limit is asked for; auto: when not root or inside a user namespace",
  },
  { name: "help", short: "h", type: "boolean", help: "show help" },
  { name: "version", short: "v", type: "boolean", help: "print the version" },
] as const satisfies readonly FlagDef[];
