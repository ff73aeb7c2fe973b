// rongqi exec: runs a new process inside a container.
import { RongqiError } from "../../src/errors.ts";
import { defineCommand } from "../command.ts";
import { traceFlag } from "../_trace_flag.ts";

export const exec = defineCommand({
  name: "exec",
  summary: "execute a new process inside the container",
  description: `Runs COMMAND (or the process of --process FILE, a config.json "process"
object on its own) inside the container: in all its namespaces and its
cgroup, with the container's process settings (user, capabilities,
environment, cwd, ...) unless the flags change them. Works on a created or
running container; a paused one only with --ignore-paused.

In the foreground (the default) rongqi waits for the process, forwards the
signals it receives, proxies its terminal (--tty) and exits with its status
(128+N when killed by signal N). With --detach it returns once the process
runs, leaving it to the caller. If rongqi itself fails, it exits with 255.
Flags go before the container id: what follows it is the command.`,
  flags: [
    { name: "process", short: "p", type: "string", value: "FILE", help: "path to the process.json to run instead of COMMAND" },
    { name: "tty", short: "t", type: "boolean", help: "allocate a pseudo-TTY" },
    { name: "console-socket", type: "string", value: "PATH", help: "path to an AF_UNIX socket which will receive the pseudoterminal's master fd (with --detach and --tty)" },
    { name: "detach", short: "d", type: "boolean", help: "detach from the process: return once it runs" },
    { name: "pid-file", type: "string", value: "FILE", help: "file to write the process's host pid to" },
    { name: "cwd", type: "string", value: "DIR", help: "working directory in the container" },
    { name: "env", short: "e", type: "strings", value: "NAME=VALUE", help: "add an environment variable" },
    { name: "user", short: "u", type: "string", value: "UID[:GID]", help: "run as this uid (and gid), numeric" },
    { name: "additional-gids", short: "g", type: "strings", value: "GID", help: "add a supplementary group" },
    { name: "cap", short: "c", type: "strings", value: "CAP", help: "add a capability to the bounding, effective, permitted, inheritable and ambient sets" },
    { name: "no-new-privs", type: "boolean", help: "set no_new_privs for the process" },
    { name: "preserve-fds", type: "uint", value: "N", default: 0, help: "pass N additional file descriptors (3 .. 3+N-1) to the process" },
    { name: "process-label", type: "string", value: "LABEL", help: "SELinux label of the process (an error where SELinux is not enabled)" },
    { name: "apparmor", type: "string", value: "PROFILE", help: "AppArmor profile of the process (an error where AppArmor is not enabled)" },
    { name: "ignore-paused", type: "boolean", help: "allow exec in a paused container (the process stays frozen until resume)" },
    traceFlag,
  ] as const,
  args: [{ name: "container-id" }, { name: "command", optional: true, variadic: true }],
  interspersed: false,
  async run({ args, flags, globals }) {
    const { exec } = await import("../../src/state/exec.ts");
    const { parseGid } = await import("../../src/state/exec_process.ts");
    const go = () => exec({
      root: globals.root, id: args[0]!, args: args.slice(1), processFile: flags.process,
      tty: flags.tty, consoleSocket: flags["console-socket"], detach: flags.detach, pidFile: flags["pid-file"],
      cwd: flags.cwd, env: flags.env, user: flags.user, additionalGids: flags["additional-gids"].map(parseGid),
      caps: flags.cap, noNewPrivs: flags["no-new-privs"], preserveFds: flags["preserve-fds"],
      processLabel: flags["process-label"], apparmor: flags.apparmor, ignorePaused: flags["ignore-paused"],
    });
    try {
      // Only a traced call loads the trace writer.
      return await (flags.trace === undefined ? go() : (await import("../../src/trace/with_trace.ts")).withTrace(flags.trace, "exec", go));
    } catch (err) {
      // As runc: 255 tells a failed exec from the exit status of the process.
      if (err instanceof RongqiError) err.exitCode = 255;
      else if (err instanceof Error) throw new RongqiError(err.message, { cause: err, exitCode: 255 });
      throw err;
    }
  },
});
