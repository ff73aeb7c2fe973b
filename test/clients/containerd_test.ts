// containerd 1.6 with rongqi as the runc v2 shim's binary (BinaryName, set
// per container by `ctr run --runc-binary`): each check runs ctr as a user
// does and asserts what the user sees. The same checks pass with runc
// (RONGQI_CLIENT_RUNTIME=runc). scripts/ci-clients.ts runs both.
import t, { type Test } from "tap";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cmd, diag, sleepMs, waitFor, type CmdResult } from "./_cmd.ts";
import { capMask, cgroupExists, hostCapBnd, mountsMentioning, statusField, unmountedV1Hierarchies, which } from "./_host.ts";
import { containerdMissing, startContainerd, type ContainerdEnv } from "./_containerd.ts";

type T = Test;

/** The capabilities ctr's default spec gives a container (containerd's oci.WithDefaultSpec). */
const CTR_DEFAULT_CAPS = [0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31];

const missing = containerdMissing();
if (missing) {
  t.plan(0, `skipped: ${missing}`);
} else {
  t.setTimeout(360_000);
  const C = startContainerd();
  t.teardown(() => C.stop());
  t.comment(`containerd with the runc v2 shim, BinaryName ${C.runtime.path}`);
  checks(C);
}

function lines(s: string): string[] {
  return s.replaceAll("\r", "").split("\n").filter(Boolean);
}

function succeeded(t: T, r: CmdResult, what: string): boolean {
  return t.equal(r.status, 0, `${what}: exit status 0`, diag(r));
}

function checks(C: ContainerdEnv): void {
  const IMG = C.image;
  let n = 0;
  const ctrTask = (id: string): { pid: number; status: string } | undefined => {
    const row = lines(C.ctr(["task", "ls"]).stdout).map((l) => l.split(/\s+/)).find((f) => f[0] === id);
    return row ? { pid: Number(row[1]), status: row[2]! } : undefined;
  };
  const remove = (id: string) => {
    if (ctrTask(id)) {
      C.ctr(["task", "kill", "-a", "-s", "SIGKILL", id]);
      waitFor(5000, () => ctrTask(id)?.status !== "RUNNING");
      C.ctr(["task", "delete", "-f", id]);
    }
    C.ctr(["containers", "delete", id]);
  };
  /** a container id unique in the suite, removed when the check ends */
  const name = (t: T): string => {
    const id = `rq-test-${process.pid}-${++n}`;
    t.teardown(() => remove(id));
    return id;
  };
  /** `ctr run -d [flags] IMAGE ID ...command`, asserted to succeed */
  const detached = (t: T, flags: string[], command: string[]): string => {
    const id = name(t);
    const r = C.run(["-d", ...flags, IMG, id, ...command]);
    succeeded(t, r, `ctr run -d ${command.join(" ")}`);
    return id;
  };
  const readInside = (id: string, path: string): string | undefined => {
    try {
      return readFileSync(`/proc/${ctrTask(id)?.pid}/root${path}`, "utf8");
    } catch {
      return undefined;
    }
  };
  /** `ctr run --rm [flags] IMAGE ID ...command` */
  const runRm = (t: T, flags: string[], command: string[], input?: string) => C.run(["--rm", ...flags, IMG, name(t), ...command], { input });

  t.test("run: stdout, stderr and exit code", (t) => {
    const r = runRm(t, [], ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    t.equal(r.status, 3, "ctr exits with the task's exit code", diag(r));
    t.equal(r.stdout, "out\n", "stdout is the container's stdout");
    t.equal(r.stderr, "err\n", "stderr is the container's stderr, nothing else");
    t.end();
  });

  t.test("run: standard input reaches the container", (t) => {
    // ctr does not close the task's stdin at the end of its own: read what is sent, no more
    const r = runRm(t, [], ["sh", "-c", "read a; read b; echo \"got $a and $b\""], "one\ntwo\n");
    succeeded(t, r, "ctr run");
    t.equal(r.stdout, "got one and two\n", "the container read both lines");
    t.end();
  });

  t.test("run -d, then task exec: output and exit code", (t) => {
    const id = detached(t, [], ["sleep", "1000"]);
    t.equal(ctrTask(id)?.status, "RUNNING", "ctr task ls shows the task running");
    const r = C.ctr(["task", "exec", "--exec-id", "e1", id, "sh", "-c", "echo in-exec; echo exec-err >&2; exit 7"]);
    t.equal(r.status, 7, "ctr task exec exits with the process's exit code", diag(r));
    t.equal(r.stdout, "in-exec\n", "exec stdout");
    t.equal(r.stderr, "exec-err\n", "exec stderr");
    const ps = C.ctr(["task", "exec", "--exec-id", "e2", id, "ps", "-o", "pid,args"]);
    t.match(ps.stdout, /^\s*1\s+sleep 1000$/m, "exec runs in the container's pid namespace (sleep is pid 1)", diag(ps));
    const input = C.ctr(["task", "exec", "--exec-id", "e3", id, "sh", "-c", "read a; echo \"read $a\""], { input: "hello\n" });
    t.equal(input.stdout, "read hello\n", "standard input reaches the exec'd process", diag(input));
    t.end();
  });

  t.test("task exec --cwd, --user", (t) => {
    const id = detached(t, [], ["sleep", "1000"]);
    const r = C.ctr(["task", "exec", "--exec-id", "e1", "--cwd", "/tmp", "--user", "1000", id, "sh", "-c", "pwd; id -u"]);
    succeeded(t, r, "ctr task exec --cwd --user");
    t.same(lines(r.stdout), ["/tmp", "1000"], "working directory and uid of the exec'd process");
    t.end();
  });

  t.test("task exec -t: the process gets a terminal", (t) => {
    const id = detached(t, [], ["sleep", "1000"]);
    const r = C.onTerminal(["task", "exec", "-t", "--exec-id", "e1", id, "sh"], { input: "echo \"sum=$((40+2))\"; tty; exit 6\n" });
    t.equal(r.status, 6, "exit code through the terminal session", diag(r));
    t.match(r.stdout, /sum=42\r+\n/, "the shell ran the typed command");
    t.match(r.stdout, /\/dev\/pts\/\d+\r+\n/, "on a pseudo-terminal");
    t.end();
  });

  t.test("run -t: an interactive shell on a terminal", (t) => {
    const id = name(t);
    const r = C.onTerminal(["run", ...C.runFlags, "--rm", "-t", IMG, id, "sh"], { input: "echo \"sum=$((40+2))\"; tty; exit 5\n" });
    t.equal(r.status, 5, "the shell's exit code comes back", diag(r));
    t.match(r.stdout, /sum=42\r+\n/, "the shell ran the typed command");
    t.match(r.stdout, /\/dev\/pts\/0\r+\n/, "the shell's terminal is the container's /dev/pts/0");
    t.end();
  });

  t.test("task ps: the container's processes", (t) => {
    const id = detached(t, [], ["sleep", "1000"]);
    const pid = ctrTask(id)?.pid;
    const exec = C.ctr(["task", "exec", "-d", "--exec-id", "e1", id, "sleep", "999"]);
    succeeded(t, exec, "ctr task exec -d");
    const r = C.ctr(["task", "ps", id]);
    succeeded(t, r, "ctr task ps");
    const pids = lines(r.stdout).slice(1).map((l) => Number(l.split(/\s+/)[0]));
    t.ok(pid && pids.includes(pid), "lists the task's process", { pids, pid });
    t.equal(pids.length, 2, "and the exec'd one, nothing else", diag(r));
    t.end();
  });

  t.test("task pause and resume", (t) => {
    const id = detached(t, [], ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; usleep 20000; done"]);
    t.ok(waitFor(5000, () => Number(readInside(id, "/tmp/count")) > 0), "the container counts");
    succeeded(t, C.ctr(["task", "pause", id]), "ctr task pause");
    t.equal(ctrTask(id)?.status, "PAUSED", "ctr task ls shows the task paused");
    const frozen = readInside(id, "/tmp/count");
    sleepMs(500);
    t.equal(readInside(id, "/tmp/count"), frozen, "a paused task does not run");
    succeeded(t, C.ctr(["task", "resume", id]), "ctr task resume");
    t.equal(ctrTask(id)?.status, "RUNNING", "running again");
    t.ok(waitFor(5000, () => Number(readInside(id, "/tmp/count")) > Number(frozen)), "the container counts again after resume");
    t.end();
  });

  t.test("task metrics: memory and pids from the container's cgroup", (t) => {
    const id = detached(t, ["--memory-limit", String(64 * 1024 * 1024)], ["sleep", "1000"]);
    let r = C.ctr(["task", "metrics", id]);
    succeeded(t, r, "ctr task metrics");
    const metric = (k: string) => new RegExp(`^${k.replaceAll(".", "\\.")}\\s+(\\S+)`, "m").exec(r.stdout)?.[1];
    // the runtime's own short-lived processes may still be counted for a moment after start
    waitFor(3000, () => (r = C.ctr(["task", "metrics", id]), metric("pids.current") === "1"));
    const unmounted = unmountedV1Hierarchies();
    t.equal(metric("pids.current"), "1", "one process in the container",
      { ...diag(r), ...(unmounted.length ? { hostProblem: `cgroup v1 hierarchies not mounted on this host: ${unmounted.join(" ")} (containerd cannot load cgroups then)` } : {}) });
    t.equal(metric("memory.limit_in_bytes"), String(64 * 1024 * 1024), "the memory limit");
    t.ok(Number(metric("memory.usage_in_bytes")) > 0, "memory usage is counted");
    t.end();
  });

  t.test("task kill: SIGTERM to a process that ignores it, then SIGKILL", (t) => {
    const polite = detached(t, [], ["sh", "-c", "trap 'exit 42' TERM; while :; do usleep 50000; done"]);
    succeeded(t, C.ctr(["task", "kill", "-s", "SIGTERM", polite]), "ctr task kill -s SIGTERM");
    t.ok(waitFor(5000, () => ctrTask(polite)?.status === "STOPPED"), "a task that handles SIGTERM stops");
    const del = C.ctr(["task", "delete", polite]);
    t.match(del.stderr, /exit code 42/, "ctr task delete reports its exit code 42", diag(del));
    const stubborn = detached(t, [], ["sh", "-c", "trap '' TERM; while :; do usleep 50000; done"]);
    succeeded(t, C.ctr(["task", "kill", "-s", "SIGTERM", stubborn]), "ctr task kill -s SIGTERM");
    sleepMs(1000);
    t.equal(ctrTask(stubborn)?.status, "RUNNING", "a task ignoring SIGTERM keeps running");
    succeeded(t, C.ctr(["task", "kill", "-s", "SIGKILL", stubborn]), "ctr task kill -s SIGKILL");
    t.ok(waitFor(5000, () => ctrTask(stubborn)?.status === "STOPPED"), "SIGKILL stops it");
    const del2 = C.ctr(["task", "delete", stubborn]);
    t.match(del2.stderr, /exit code 137/, "ctr task delete reports exit code 137", diag(del2));
    t.end();
  });

  t.test("task kill --all: every process in the container", (t) => {
    const id = detached(t, [], ["sleep", "1000"]);
    succeeded(t, C.ctr(["task", "exec", "-d", "--exec-id", "e1", id, "sleep", "999"]), "ctr task exec -d");
    const pids = () => lines(C.ctr(["task", "ps", id]).stdout).slice(1).map((l) => Number(l.split(/\s+/)[0]));
    const before = pids();
    t.equal(before.length, 2, "two processes", { before });
    succeeded(t, C.ctr(["task", "kill", "-a", "-s", "SIGKILL", id]), "ctr task kill -a -s SIGKILL");
    t.ok(waitFor(5000, () => ctrTask(id)?.status === "STOPPED"), "the task stopped");
    t.ok(waitFor(5000, () => before.every((p) => !existsSync(`/proc/${p}`))), "no process of the container is left");
    t.end();
  });

  t.test("run --rm and task/container delete leave nothing behind", (t) => {
    const leftovers = (t: T, id: string) => {
      t.notOk(C.ctr(["containers", "ls", "-q"]).stdout.split("\n").includes(id), "ctr containers ls does not list it");
      t.notOk(C.ctr(["snapshots", "ls"]).stdout.includes(id), "no snapshot left");
      t.notOk(existsSync(join(C.runcRoot, C.namespace, id)), "no runtime state left (--runc-root)");
      t.notOk(cgroupExists(C.namespace, id), "no cgroup left");
      t.same(mountsMentioning(id), [], "no mount left");
    };
    const a = name(t);
    succeeded(t, C.run(["--rm", IMG, a, "true"]), "ctr run --rm");
    t.test("after run --rm", (t) => {
      leftovers(t, a);
      t.end();
    });
    const b = detached(t, [], ["sleep", "1000"]);
    succeeded(t, C.ctr(["task", "kill", "-s", "SIGKILL", b]), "ctr task kill");
    waitFor(5000, () => ctrTask(b)?.status === "STOPPED");
    succeeded(t, C.ctr(["task", "delete", b]), "ctr task delete");
    succeeded(t, C.ctr(["containers", "delete", b]), "ctr containers delete");
    t.test("after task delete and container delete", (t) => {
      leftovers(t, b);
      t.end();
    });
    t.end();
  });

  t.test("a container's task starts again after it exits", (t) => {
    const id = name(t);
    const first = C.run([IMG, id, "sh", "-c", "echo started; exit 3"]);
    t.equal(first.status, 3, "ctr run: the task ran to its exit code", diag(first));
    t.equal(first.stdout, "started\n", "ctr run: its output");
    // the container keeps its runtime options (BinaryName): a new task runs on the same runtime
    const again = C.ctr(["task", "start", id]);
    t.equal(again.status, 3, "ctr task start: the task ran again to its exit code", diag(again));
    t.equal(again.stdout, "started\n", "ctr task start: its output");
    t.end();
  });

  t.test("environment and working directory", (t) => {
    const r = runRm(t, ["--env", "GREETING=hello world", "--cwd", "/tmp"], ["sh", "-c", "echo \"$GREETING\"; pwd"]);
    succeeded(t, r, "ctr run --env --cwd");
    t.same(lines(r.stdout), ["hello world", "/tmp"], "as given on the command line");
    t.end();
  });

  t.test("--read-only: the root filesystem cannot be written", (t) => {
    const r = runRm(t, ["--read-only"], ["sh", "-c", "touch /x || echo refused; echo ok > /dev/null && echo dev-ok"]);
    succeeded(t, r, "ctr run --read-only");
    t.same(lines(r.stdout), ["refused", "dev-ok"], "/ is read-only, /dev works");
    t.match(r.stderr, /Read-only file system/, "touch says why");
    t.end();
  });

  t.test("bind mounts: rw and ro", (t) => {
    const rw = C.mkdir("bind-rw");
    const ro = C.mkdir("bind-ro");
    writeFileSync(join(ro, "given"), "from the host\n");
    const r = runRm(t, ["--mount", `type=bind,src=${rw},dst=/rw,options=rbind:rw`, "--mount", `type=bind,src=${ro},dst=/ro,options=rbind:ro`],
      ["sh", "-c", "echo written > /rw/made; cat /ro/given; touch /ro/x || echo refused"]);
    succeeded(t, r, "ctr run --mount rw --mount ro");
    t.equal(existsSync(join(rw, "made")) ? readFileSync(join(rw, "made"), "utf8") : "", "written\n", "a file written to the rw mount is on the host");
    t.same(lines(r.stdout), ["from the host", "refused"], "the ro mount is readable and refuses writes");
    t.notOk(existsSync(join(ro, "x")), "nothing was written to the ro source");
    t.end();
  });

  t.test("--memory-limit: the limit is enforced", (t) => {
    const r = runRm(t, ["--memory-limit", String(32 * 1024 * 1024)], ["sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo dd=$?"]);
    succeeded(t, r, "ctr run --memory-limit");
    t.same(lines(r.stdout), ["dd=137"], "a 64 MiB allocation is killed");
    t.end();
  });

  t.test("cpu limits are set on the container's cgroup", (t) => {
    // ctr's default spec mounts no cgroupfs in the container: look from the host, at the
    // cgroup the task's process is in (the spec's cgroupsPath, /<namespace>/<id>)
    const id = detached(t, ["--cpus", "0.5", "--cpu-shares", "512"], ["sleep", "1000"]);
    const pid = ctrTask(id)?.pid;
    let own = "";
    try {
      own = /^\d+:cpu:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1] ?? "";
    } catch {
      // no process
    }
    t.equal(own, `/${C.namespace}/${id}`, "the task's process is in its cgroup");
    const read = (f: string) => {
      try {
        return readFileSync(`/sys/fs/cgroup/cpu${own}/${f}`, "utf8").trim();
      } catch {
        return undefined;
      }
    };
    t.same([read("cpu.cfs_quota_us"), read("cpu.cfs_period_us"), read("cpu.shares")], ["50000", "100000", "512"], "quota, period and shares");
    t.end();
  });

  t.test("--privileged", (t) => {
    const r = runRm(t, ["--privileged"], ["sh", "-c", "cat /proc/self/status; mount -t tmpfs none /mnt && echo mounted; ls /dev"]);
    succeeded(t, r, "ctr run --privileged");
    t.equal(statusField(r.stdout, "CapEff"), hostCapBnd(), "every capability the host allows");
    t.match(r.stdout, /^mounted$/m, "can mount");
    const hostDev = ["loop-control", "kmsg", "mem", "vda", "sda", "nvme0"].find((d) => existsSync(`/dev/${d}`));
    if (hostDev) t.match(r.stdout, new RegExp(`^${hostDev}$`, "m"), `sees the host's /dev/${hostDev}`);
    t.end();
  });

  t.test("default capabilities", (t) => {
    const r = runRm(t, [], ["sh", "-c", "cat /proc/self/status; mount -t tmpfs none /mnt || echo refused"]);
    succeeded(t, r, "ctr run");
    for (const f of ["CapEff", "CapPrm", "CapBnd"]) t.equal(statusField(r.stdout, f), capMask(CTR_DEFAULT_CAPS), `${f} is containerd's default set`);
    t.match(r.stdout, /^refused$/m, "no CAP_SYS_ADMIN: mount is refused");
    const drop = runRm(t, ["--cap-drop", "CAP_NET_RAW", "--cap-drop", "CAP_MKNOD"], ["cat", "/proc/self/status"]);
    t.equal(statusField(drop.stdout, "CapEff"), capMask(CTR_DEFAULT_CAPS.filter((c) => c !== 13 && c !== 27)), "--cap-drop removes them", diag(drop));
    t.end();
  });

  t.test("seccomp: --seccomp applies the default profile, a custom profile is enforced", (t) => {
    const none = runRm(t, [], ["cat", "/proc/self/status"]);
    t.equal(statusField(none.stdout, "Seccomp"), "0", "ctr's default: no filter", diag(none));
    const def = runRm(t, ["--seccomp"], ["cat", "/proc/self/status"]);
    succeeded(t, def, "ctr run --seccomp");
    t.equal(statusField(def.stdout, "Seccomp"), "2", "the process runs under a seccomp filter");
    const profile = join(C.dir, "deny-mkdir.json");
    writeFileSync(profile, JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] }));
    const custom = runRm(t, ["--seccomp", "--seccomp-profile", profile], ["sh", "-c", "mkdir /tmp/d || echo refused; echo ok > /tmp/f && cat /tmp/f"]);
    succeeded(t, custom, "ctr run --seccomp-profile");
    t.same(lines(custom.stdout), ["refused", "ok"], "mkdir is denied, other calls work");
    t.match(custom.stderr, /Operation not permitted/, "with the profile's errno (EPERM)");
    t.end();
  });

  t.test("--uidmap: a user namespace", (t) => {
    const shared = C.mkdir("userns");
    chmodSync(shared, 0o777);
    const r = runRm(t, ["--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536", "--mount", `type=bind,src=${shared},dst=/shared,options=rbind:rw`],
      ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /shared/made"]);
    succeeded(t, r, "ctr run --uidmap --gidmap");
    t.same(lines(r.stdout).map((l) => l.trim().split(/\s+/).join(" ")), ["0 100000 65536", "0 100000 65536", "0"], "the maps, and root inside");
    let uid = -1;
    try {
      uid = statSync(join(shared, "made")).uid;
    } catch {
      // not made
    }
    t.equal(uid, 100000, "a file made by the container's root belongs to host uid 100000");
    t.end();
  });

  t.test("--no-pivot", (t) => {
    const r = runRm(t, ["--no-pivot"], ["sh", "-c", "ls /; test -e /work || echo no-host-root; exit 4"]);
    t.equal(r.status, 4, "exit code", diag(r));
    t.match(r.stdout, /^bin$/m, "the image's root");
    t.match(r.stdout, /^no-host-root$/m, "the host's root is out of reach");
    t.end();
  });

  t.test("a failed create shows the runtime's error", (t) => {
    const id = name(t);
    const r = C.run(["--rm", IMG, id, "/nonexistent"]);
    t.not(r.status, 0, "ctr fails", diag(r));
    t.same(lines(r.stderr).length, 1, "one line of error", diag(r));
    t.match(r.stderr, /^ctr: failed to create shim task: OCI runtime create failed: /, "an OCI runtime create error");
    t.match(r.stderr, /\/nonexistent.*no such file or directory/i, "with the runtime's reason (from its --log JSON)");
    t.notOk(C.ctr(["containers", "ls", "-q"]).stdout.split("\n").includes(id), "--rm removed the container");
    t.end();
  });

  t.test("the README's CRI runtime configuration is accepted by containerd", (t) => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const block = /```toml\n(\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.rongqi\][\s\S]*?)```/.exec(readme)?.[1];
    t.ok(block, "the README has the CRI runtime block");
    if (!block) return t.end();
    const config = join(C.dir, "cri-config.toml");
    writeFileSync(config, `version = 2\n${block.replaceAll("/usr/local/bin/rongqi", C.runtime.path)}`);
    const r = cmd(join(C.dir, "out"), which("containerd")!, ["--config", config, "config", "dump"]);
    succeeded(t, r, "containerd config dump");
    const section = r.stdout.split(/^\s*\[/m).find((s) => s.startsWith(`plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rongqi.options]`)) ?? "";
    const runtime = r.stdout.split(/^\s*\[/m).find((s) => s.startsWith(`plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rongqi]`)) ?? "";
    t.ok(section.includes(`BinaryName = "${C.runtime.path}"`), "the runtime's options name the binary", { section });
    t.ok(section.includes("SystemdCgroup = false"), "with the cgroupfs driver", { section });
    t.ok(runtime.includes(`runtime_type = "io.containerd.runc.v2"`), "through the runc v2 shim", { runtime });
    t.end();
  });
}
