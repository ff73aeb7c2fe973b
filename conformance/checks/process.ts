// The process: args, PATH lookup, env, cwd, user and groups, umask,
// capabilities, rlimits, noNewPrivileges, oomScoreAdj, scheduler, I/O
// priority, LSM labels, consoleSize without a terminal, a terminal, and the
// file descriptors it gets.
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type Check, type T } from "../_check.ts";
import { parseChecker, q } from "../_checker.ts";
import { PATH_ENV } from "../_config.ts";
import { CAPS, capMask, fdReceiver, hostCaps, judge, running, runInside } from "../_helpers.ts";
import type { Host } from "../_host.ts";
import { describe } from "../_runtime.ts";
import { RUN_AS_SPECIFIED } from "../_spec.ts";
import type { Bundle } from "../_workspace.ts";

/** Either create or start must fail (process properties may be applied at either). */
async function expectRefused(t: T, b: Bundle, what: string): Promise<void> {
  const c = await b.create();
  if (c.status !== 0) {
    t.ok((await b.state()).res.status !== 0, "no container left after the refused create");
    return;
  }
  const pid = (await b.state()).state?.pid;
  const s = await b.start();
  t.ok(s.status !== 0, `create and start both succeeded although ${what}`);
  if (s.status === 0) await b.waitStopped(pid);
}

const capStatus = (set: string) => `$(status Cap${set})`;

/** A capability the host's bounding set lacks (so no container can have it), if any. */
function ungrantable(h: Host): string | undefined {
  const have = hostCaps(h.capBound, h.capLast);
  return CAPS.slice(0, h.capLast + 1).find((c) => !have.includes(c));
}

interface CapCase {
  id: string;
  title: string;
  uid: number;
  caps: { bounding?: string[]; effective?: string[]; permitted?: string[]; inheritable?: string[]; ambient?: string[] };
  expect: Partial<Record<"Bnd" | "Eff" | "Prm" | "Inh" | "Amb", string[]>>;
}

// After execve(2) the kernel recomputes the sets: for uid 0, permitted and
// effective become bounding | inheritable; for other uids, permitted and
// effective become ambient. The cases check what a config determines.
const CAP_CASES: CapCase[] = [
  {
    id: "capabilities-bounding", title: "bounding is the bounding set; root's effective and permitted follow it", uid: 0,
    caps: { bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], effective: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"] },
    expect: { Bnd: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], Eff: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], Prm: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], Inh: [], Amb: [] },
  },
  {
    id: "capabilities-none", title: "empty sets leave root with no capability at all", uid: 0,
    caps: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] },
    expect: { Bnd: [], Eff: [], Prm: [], Inh: [], Amb: [] },
  },
  {
    id: "capabilities-inheritable", title: "inheritable is the inheritable set", uid: 0,
    caps: { bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], effective: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], inheritable: ["CAP_NET_BIND_SERVICE"] },
    expect: { Inh: ["CAP_NET_BIND_SERVICE"], Bnd: ["CAP_KILL", "CAP_NET_BIND_SERVICE"] },
  },
  {
    id: "capabilities-ambient", title: "ambient capabilities reach a non-root program's effective set", uid: 1000,
    caps: {
      bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"], effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"],
    },
    expect: { Amb: ["CAP_NET_BIND_SERVICE"], Eff: ["CAP_NET_BIND_SERVICE"], Prm: ["CAP_NET_BIND_SERVICE"], Inh: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], Bnd: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"] },
  },
];

const capCheck = (c: CapCase): Check =>
  check({
    id: `process.${c.id}`,
    area: "process",
    title: c.title,
    spec: RUN_AS_SPECIFIED,
    about: "config.md#linux-process capabilities",
    async run(t: T) {
      const body = Object.entries(c.expect).map(([set, names]) => `eq "Cap${set}" "${capStatus(set)}" ${capMask(names!)}`).join("\n");
      const b = t.ws.bundle({
        script: body,
        edit: (cfg) => {
          cfg.process!.capabilities = c.caps;
          cfg.process!.user = { uid: c.uid, gid: c.uid };
          cfg.process!.noNewPrivileges = false;
        },
      });
      await runInside(t, b);
    },
  });

/** /proc/PID/limits row for an RLIMIT_ name. */
const LIMIT_ROW: Record<string, string> = { RLIMIT_NOFILE: "Max open files", RLIMIT_CORE: "Max core file size", RLIMIT_MSGQUEUE: "Max msgqueue size", RLIMIT_NPROC: "Max processes" };

function rlimitValues(t: T): { type: string; soft: number; hard: number }[] {
  const hard = (type: string, want: number) => {
    const h = t.host.limits.get(type)?.hard;
    return h === undefined || h === "unlimited" ? want : Math.min(want, Number(h));
  };
  return [
    { type: "RLIMIT_NOFILE", soft: Math.min(1000, hard("RLIMIT_NOFILE", 1500)), hard: hard("RLIMIT_NOFILE", 1500) },
    { type: "RLIMIT_CORE", soft: Math.min(1024, hard("RLIMIT_CORE", 2048)), hard: hard("RLIMIT_CORE", 2048) },
    { type: "RLIMIT_MSGQUEUE", soft: Math.min(8192, hard("RLIMIT_MSGQUEUE", 16384)), hard: hard("RLIMIT_MSGQUEUE", 16384) },
  ];
}

const rlimitCheck = (field: "soft" | "hard"): Check =>
  check({
    id: `process.rlimits-${field}`,
    area: "process",
    title: `rlimits set the ${field} limits (NOFILE, CORE, MSGQUEUE)`,
    spec: { file: "config.md", quote: field === "soft" ? "rlim.rlim_cur MUST match the configured value." : "rlim.rlim_max MUST match the configured value." },
    async run(t: T) {
      const limits = rlimitValues(t);
      const col = field === "soft" ? 2 : 3;
      const body = limits.map((l) => `eq "${l.type} ${field}" "$(sed -n 's/^${LIMIT_ROW[l.type]}  *//p' /proc/$$/limits | awk '{print $${col - 1}}')" ${l[field]}`).join("\n");
      const b = t.ws.bundle({ script: body, edit: (c) => { c.process!.rlimits = limits; } });
      await runInside(t, b);
    },
  });

export default [
  check({
    id: "process.args",
    area: "process",
    title: "args reach the program as argv (spaces and empty strings kept)",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#process args",
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "argument count" "$#" 3\neq "first" "$1" one\neq "second" "$2" "two words"\neq "third" "$3" ""`,
        edit: (c) => { c.process!.args = ["/conformance/check", "one", "two words", ""]; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.args-path-lookup",
    area: "process",
    title: "args[0] without a slash is found through PATH in env, like execvp's file",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#process args: that entry is used with the same semantics as execvp's file",
    async run(t: T) {
      const b = t.ws.bundle({
        edit: (c, bb) => {
          bb.file("/cf-bin/cf-program", "#!/bin/sh\nexec /conformance/check \"$@\"\n", 0o755);
          c.process!.args = ["cf-program", "via-path"];
          c.process!.env = ["PATH=/cf-bin:/bin"];
        },
        script: `eq "argument" "$1" via-path`,
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.env",
    area: "process",
    title: "env is the program's environment; the runtime's own environment stays out",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#process env",
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq CF_A "$CF_A" 1\neq CF_SPACE "$CF_SPACE" "with space"\neq "CF_EMPTY is set" "\${CF_EMPTY+set}" set\neq "CF_EQUALS" "$CF_EQUALS" "a=b"\neq "the runtime's variable" "\${CF_RUNTIME_ONLY-unset}" unset`,
        edit: (c) => { c.process!.env = [PATH_ENV, "CF_A=1", "CF_SPACE=with space", "CF_EMPTY=", "CF_EQUALS=a=b"]; },
      });
      await runInside(t, b, { create: { env: { ...process.env, CF_RUNTIME_ONLY: "leaked" } } });
    },
  }),
  check({
    id: "process.cwd",
    area: "process",
    title: "cwd is the program's working directory",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#process cwd",
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq "working directory" "$(pwd -P)" /cf-dir/sub`, edit: (c, bb) => { bb.mkdir("/cf-dir/sub"); c.process!.cwd = "/cf-dir/sub"; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.cwd-relative",
    area: "process",
    title: "a relative cwd is refused",
    spec: { file: "config.md", quote: "This value MUST be an absolute path." },
    about: "config.md#process cwd",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c, bb) => { bb.mkdir("/cf-dir"); c.process!.cwd = "cf-dir"; } });
      await expectRefused(t, b, "cwd is relative");
    },
  }),
  check({
    id: "process.user",
    area: "process",
    title: "user.uid and user.gid are the program's ids",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#posix-platform-user",
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "Uid (real, effective, saved, fs)" "$(status Uid | tr -s '\\t ' ' ')" "1000 1000 1000 1000"\neq "Gid (real, effective, saved, fs)" "$(status Gid | tr -s '\\t ' ' ')" "1001 1001 1001 1001"`,
        edit: (c) => { c.process!.user = { uid: 1000, gid: 1001 }; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.additional-gids",
    area: "process",
    title: "user.additionalGids are the program's supplementary groups",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#posix-platform-user additionalGids",
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "supplementary groups" "$(status Groups | tr ' ' '\\n' | grep . | sort -n | tr '\\n' ' ')" "10 20 "`,
        edit: (c) => { c.process!.user = { uid: 1000, gid: 1000, additionalGids: [20, 10] }; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.umask",
    area: "process",
    title: "user.umask is the program's umask",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#posix-platform-user umask",
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq Umask "$(status Umask)" 0027\nsucceeds "create a file" touch /tmp/f\neq "mode of a new file" "$(stat -c %a /tmp/f)" 640`, edit: (c) => { c.process!.user = { uid: 0, gid: 0, umask: 0o027 }; } });
      await runInside(t, b);
    },
  }),
  ...CAP_CASES.map(capCheck),
  check({
    id: "process.capabilities-not-grantable",
    area: "process",
    title: "a capability the host cannot grant (outside its bounding set) does not make create fail",
    spec: { file: "config.md", quote: "Runtimes SHOULD NOT fail if the container configuration requests capabilities that cannot be granted, for example, if the runtime operates in a restricted environment with a limited set of capabilities." },
    needs: (h) => (ungrantable(h) ? undefined : "the host's bounding set has every capability: none is ungrantable"),
    async run(t: T) {
      const missing = ungrantable(t.host)!;
      const caps = ["CAP_KILL", missing];
      const b = t.ws.bundle({
        script: `eq "CapEff (what can be granted)" "$(status CapEff)" ${capMask(["CAP_KILL"])}`,
        edit: (c) => { c.process!.capabilities = { bounding: caps, effective: caps, permitted: caps }; },
      });
      t.note(`requested ${missing}, which the host's bounding set lacks`);
      await runInside(t, b);
    },
  }),
  check({
    id: "process.capabilities-ambient-not-inheritable",
    area: "process",
    title: "ambient capabilities that are not inheritable (runc spec's default config) cannot be granted and do not make the container fail",
    spec: { file: "config.md", quote: "Runtimes SHOULD NOT fail if the container configuration requests capabilities that cannot be granted, for example, if the runtime operates in a restricted environment with a limited set of capabilities." },
    about: "capabilities(7): a capability can be ambient only if it is permitted and inheritable",
    async run(t: T) {
      const caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
      const b = t.ws.bundle({
        script: `eq CapAmb "${capStatus("Amb")}" ${capMask([])}\neq CapBnd "${capStatus("Bnd")}" ${capMask(caps)}`,
        edit: (c) => { c.process!.capabilities = { bounding: caps, effective: caps, permitted: caps, ambient: caps }; },
      });
      await runInside(t, b);
    },
  }),
  rlimitCheck("soft"),
  rlimitCheck("hard"),
  check({
    id: "process.rlimits-duplicate",
    area: "process",
    title: "two rlimits of the same type are refused",
    spec: { file: "config.md", quote: "If rlimits contains duplicated entries with same type, the runtime MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.rlimits = [{ type: "RLIMIT_NOFILE", soft: 100, hard: 100 }, { type: "RLIMIT_NOFILE", soft: 200, hard: 200 }]; } });
      await expectRefused(t, b, "RLIMIT_NOFILE is listed twice");
    },
  }),
  check({
    id: "process.rlimits-unknown",
    area: "process",
    title: "an rlimit type that maps to no kernel limit is refused",
    spec: { file: "config.md", quote: "The runtime MUST generate an error for any values which cannot be mapped to a relevant kernel interface." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.rlimits = [{ type: "RLIMIT_CF_BOGUS", soft: 1, hard: 1 }]; } });
      await expectRefused(t, b, "RLIMIT_CF_BOGUS is not a resource");
    },
  }),
  ...[true, false].map((on) =>
    check({
      id: `process.no-new-privileges-${on}`,
      area: "process",
      title: `noNewPrivileges ${on}: the no_new_privs bit is ${on ? "set" : "clear"}`,
      spec: RUN_AS_SPECIFIED,
      about: "config.md#linux-process noNewPrivileges",
      async run(t: T) {
        const b = t.ws.bundle({ script: `eq NoNewPrivs "$(status NoNewPrivs)" ${on ? 1 : 0}`, edit: (c) => { c.process!.noNewPrivileges = on; } });
        await runInside(t, b);
      },
    })),
  check({
    id: "process.oom-score-adj",
    area: "process",
    title: "oomScoreAdj is the program's oom_score_adj",
    spec: { file: "config.md", quote: "If oomScoreAdj is set, the runtime MUST set oom_score_adj to the given value." },
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq oom_score_adj "$(cat /proc/$$/oom_score_adj)" 321`, edit: (c) => { c.process!.oomScoreAdj = 321; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.oom-score-adj-unset",
    area: "process",
    title: "without oomScoreAdj the program keeps the oom_score_adj the runtime was started with",
    spec: { file: "config.md", quote: "If oomScoreAdj is not set, the runtime MUST NOT change the value of oom_score_adj." },
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq oom_score_adj "$(cat /proc/$$/oom_score_adj)" 123`, edit: (c) => { delete c.process!.oomScoreAdj; } });
      const pre = "echo 123 > /proc/self/oom_score_adj";
      const r = await b.run({ create: { preExec: pre } });
      if (r.error) t.fatal(r.error);
      judge(t, r.out);
    },
  }),
  check({
    id: "process.scheduler",
    area: "process",
    title: "scheduler sets the program's policy and nice value (SCHED_BATCH, nice 5)",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#linux-process scheduler",
    async run(t: T) {
      // /proc/PID/stat: field 19 is nice, field 41 the policy (3 = SCHED_BATCH)
      const b = t.ws.bundle({
        script: `s=$(sed 's/.*) //' /proc/$$/stat)\neq policy "$(echo $s | cut -d' ' -f39)" 3\neq nice "$(echo $s | cut -d' ' -f17)" 5`,
        edit: (c) => { c.process!.scheduler = { policy: "SCHED_BATCH", nice: 5 }; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.io-priority",
    area: "process",
    title: "ioPriority sets the program's I/O class and level (best-effort 6)",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#linux-process ioPriority",
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq "ionice -p" "$(ionice -p $$)" "best-effort: prio 6"`, edit: (c) => { c.process!.ioPriority = { class: "IOPRIO_CLASS_BE", priority: 6 }; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.apparmor-profile",
    area: "process",
    title: "apparmorProfile is the program's AppArmor profile",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#linux-process apparmorProfile",
    needs: (h) => (h.apparmor ? undefined : "no AppArmor on this host"),
    async run(t: T) {
      const b = t.ws.bundle({ script: `match "attr/current" "$(cat /proc/$$/attr/current)" "^unconfined"`, edit: (c) => { c.process!.apparmorProfile = "unconfined"; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.selinux-label",
    area: "process",
    title: "selinuxLabel is the program's SELinux label",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#linux-process selinuxLabel",
    needs: (h) => (h.selinux ? undefined : "no SELinux on this host"),
    async run(t: T) {
      const label = readFileSync("/proc/self/attr/current", "utf8").replace(/\0/g, "").trim();
      const b = t.ws.bundle({ script: `eq "attr/current" "$(tr -d '\\0' < /proc/$$/attr/current)" ${q(label)}`, edit: (c) => { c.process!.selinuxLabel = label; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.console-size-without-terminal",
    area: "process",
    title: "consoleSize without a terminal is ignored",
    spec: { file: "config.md", quote: "Runtimes MUST ignore consoleSize if terminal is false or unset." },
    async run(t: T) {
      const b = t.ws.bundle({ script: `if [ -t 1 ]; then nok "stdout is not a terminal" "it is"; else ok "stdout is not a terminal"; fi`, edit: (c) => { c.process!.terminal = false; c.process!.consoleSize = { height: 10, width: 20 }; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "process.terminal",
    area: "process",
    title: "terminal: the program's stdio is a pseudoterminal of the size consoleSize gives, and /dev/console is it",
    spec: RUN_AS_SPECIFIED,
    about: "config.md#process terminal, consoleSize; config-linux.md#default-devices /dev/console",
    async run(t: T) {
      const rx = await fdReceiver(t, { pty: true });
      const b = t.ws.bundle({
        script: `if [ -t 0 ] && [ -t 1 ]; then ok "stdin and stdout are terminals"; else nok "stdin and stdout are terminals" "they are not"; fi\nmatch "tty" "$(tty)" "^/dev/(pts/[0-9]+|console)$"\neq "stty size" "$(stty size)" "25 100"\nmatch "/dev/console is a character device" "$(stat -L -c %F /dev/console)" "character"`,
        edit: (c) => { c.process!.terminal = true; c.process!.consoleSize = { height: 25, width: 100 }; },
      });
      const cr = await b.create({ args: ["--console-socket", rx.sock] });
      if (cr.status !== 0) t.fatal("create with a terminal failed", describe(cr));
      const pid = (await b.state()).state?.pid;
      const s = await b.start();
      if (s.status !== 0) t.fatal("start failed", describe(s));
      await b.waitStopped(pid);
      await Promise.race([rx.done, new Promise((r) => setTimeout(r, 5000))]);
      if (!existsSync(`${rx.out}.tty`)) {
        t.fatal("the console socket received no pseudoterminal", existsSync(`${rx.out}.fds`) ? readFileSync(`${rx.out}.fds`, "utf8").trim() : "no connection");
      }
      const tty = readFileSync(`${rx.out}.tty`, "utf8").replace(/\r/g, "");
      judge(t, parseChecker(tty));
    },
  }),
  check({
    id: "process.file-descriptors",
    area: "process",
    title: "the program gets stdin, stdout and stderr only, not the runtime caller's other descriptors",
    spec: RUN_AS_SPECIFIED,
    about: "runtime-linux.md#file-descriptors: By default, only the stdin, stdout and stderr file descriptors are kept open for the application by the runtime",
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.args = ["sleep", "1000"]; } });
      const extra = [openSync("/dev/null", "r"), openSync(join(t.ws.dir, "extra-fd"), "w")];
      t.defer(() => extra.forEach((fd) => closeSync(fd)));
      const st = await running(t, b, { call: { extraFds: extra } });
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${st.pid}/fd`).sort((a, b) => Number(a) - Number(b));
      } catch (e) {
        t.fatal("cannot list the program's descriptors", (e as Error).message);
      }
      t.eq(fds, ["0", "1", "2"], "open descriptors of the program");
    },
  }),
];
