// Podman 4 (through conmon) with rongqi as its --runtime: each check runs
// podman as a user does and asserts what the user sees. The same checks pass
// with runc (RONGQI_CLIENT_RUNTIME=runc), which shows they test the runtime
// and not podman. scripts/ci-clients.ts runs both and prints a table.
import t, { type Test } from "tap";
import { existsSync, openSync, closeSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { diag, sleepMs, waitFor, type CmdResult } from "./_cmd.ts";
import { capMask, cgroupExists, hostCapBnd, mountsMentioning, statusField } from "./_host.ts";
import { DEFAULT_CAPS, podmanMissing, startPodman, type PodmanEnv } from "./_podman.ts";

type T = Test;

const missing = podmanMissing();
if (missing) {
  t.plan(0, `skipped: ${missing}`);
} else {
  t.setTimeout(360_000);
  const P = startPodman();
  t.teardown(() => P.cleanup());
  t.comment(`podman with --runtime ${P.runtime.path}`);
  checks(P);
}

function lines(s: string): string[] {
  return s.replaceAll("\r", "").split("\n").filter(Boolean);
}

function succeeded(t: T, r: CmdResult, what: string): boolean {
  return t.equal(r.status, 0, `${what}: exit status 0`, diag(r));
}

function checks(P: PodmanEnv): void {
  const IMG = P.image;
  let n = 0;
  /** a container name unique in the suite, removed when the check ends */
  const name = (t: T): string => {
    const id = `rq-test-${process.pid}-${++n}`;
    t.teardown(() => void P.podman(["rm", "-f", "-t", "0", id]));
    return id;
  };
  /** `podman run -d --name NAME ...args`, asserted to succeed */
  const detached = (t: T, args: string[]): string => {
    const id = name(t);
    const r = P.run(["-d", "--name", id, ...args]);
    succeeded(t, r, `podman run -d ${args.join(" ")}`);
    return id;
  };
  const inspect = (id: string, format: string): string => P.podman(["inspect", "--format", format, id]).stdout.trim();
  const hostPid = (id: string): number => Number(inspect(id, "{{.State.Pid}}"));
  /** a file inside a running container, read from the host through /proc/PID/root */
  const readInside = (id: string, path: string): string | undefined => {
    try {
      return readFileSync(`/proc/${hostPid(id)}/root${path}`, "utf8");
    } catch {
      return undefined;
    }
  };

  t.test("run: stdout, stderr and exit code", (t) => {
    const r = P.run(["--rm", IMG, "sh", "-c", "echo out; echo err >&2; exit 3"]);
    t.equal(r.status, 3, "podman exits with the container's exit code", diag(r));
    t.equal(r.stdout, "out\n", "stdout is the container's stdout");
    t.equal(r.stderr, "err\n", "stderr is the container's stderr, nothing else");
    t.end();
  });

  t.test("run -i: standard input reaches the container", (t) => {
    const r = P.run(["--rm", "-i", IMG, "sh", "-c", "while read l; do echo \"got $l\"; done; echo eof"], { input: "one\ntwo\n" });
    succeeded(t, r, "podman run -i");
    t.equal(r.stdout, "got one\ngot two\neof\n", "the container read both lines and then end of file");
    t.end();
  });

  t.test("run -d, then exec: output and exit code", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    t.equal(inspect(id, "{{.State.Status}}"), "running", "the container is running");
    const r = P.podman(["exec", id, "sh", "-c", "echo in-exec; echo exec-err >&2; exit 7"]);
    t.equal(r.status, 7, "podman exec exits with the process's exit code", diag(r));
    t.equal(r.stdout, "in-exec\n", "exec stdout");
    t.equal(r.stderr, "exec-err\n", "exec stderr");
    const ps = P.podman(["exec", id, "ps", "-o", "pid,args"]);
    t.match(ps.stdout, /^\s*1\s+sleep 1000$/m, "exec runs in the container's pid namespace (sleep is pid 1)", diag(ps));
    t.end();
  });

  t.test("exec -e, -w, -u", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    const r = P.podman(["exec", "-e", "FOO=bar baz", "-w", "/tmp", "-u", "1000:1000", id, "sh", "-c", "echo \"$FOO\"; pwd; id -u; id -g"]);
    succeeded(t, r, "podman exec -e -w -u");
    t.same(lines(r.stdout), ["bar baz", "/tmp", "1000", "1000"], "environment, working directory, uid and gid of the exec'd process");
    t.end();
  });

  t.test("exec -i: standard input reaches the exec'd process", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    const r = P.podman(["exec", "-i", id, "sh", "-c", "read a; echo \"read $a\""], { input: "hello\n" });
    succeeded(t, r, "podman exec -i");
    t.equal(r.stdout, "read hello\n", "the process read its input");
    t.end();
  });

  t.test("exec -t: the process gets a terminal", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    const r = P.podman(["exec", "-t", id, "sh", "-c", "[ -t 0 ] && [ -t 1 ] && tty; exit 6"]);
    t.equal(r.status, 6, "exit code through the terminal session", diag(r));
    t.match(r.stdout, /^\/dev\/pts\/\d+\r?\n/, "stdin and stdout are a pseudo-terminal");
    t.end();
  });

  t.test("run -it: an interactive shell on a terminal", (t) => {
    const id = name(t);
    const r = P.runOnTerminal(["--rm", "-it", "--name", id, IMG, "sh"], { input: "echo \"sum=$((40+2))\"; tty; exit 5\n" });
    t.equal(r.status, 5, "the shell's exit code comes back", diag(r));
    t.match(r.stdout, /sum=42\r+\n/, "the shell ran the typed command");
    t.match(r.stdout, /\/dev\/pts\/0\r+\n/, "the shell's terminal is the container's /dev/pts/0");
    t.end();
  });

  t.test("top and ps", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    const top = P.podman(["top", id, "pid", "args"]);
    succeeded(t, top, "podman top");
    t.match(top.stdout, /^1\s+sleep 1000\s*$/m, "podman top lists the container's process as pid 1");
    const ps = P.podman(["ps", "--filter", `name=${id}`, "--format", "{{.Names}} {{.Status}}"]);
    t.match(ps.stdout, new RegExp(`^${id} Up `, "m"), "podman ps shows the container up", diag(ps));
    t.end();
  });

  t.test("pause and unpause", (t) => {
    const id = detached(t, [IMG, "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; usleep 20000; done"]);
    t.ok(waitFor(5000, () => Number(readInside(id, "/tmp/count")) > 0), "the container counts");
    const pause = P.podman(["pause", id]);
    succeeded(t, pause, "podman pause");
    t.equal(inspect(id, "{{.State.Status}}"), "paused", "podman inspect shows the container paused");
    const frozen = readInside(id, "/tmp/count");
    sleepMs(500);
    t.equal(readInside(id, "/tmp/count"), frozen, "a paused container does not run");
    const unpause = P.podman(["unpause", id]);
    succeeded(t, unpause, "podman unpause");
    t.equal(inspect(id, "{{.State.Status}}"), "running", "podman inspect shows the container running again");
    t.ok(waitFor(5000, () => Number(readInside(id, "/tmp/count")) > Number(frozen)), "the container counts again after unpause");
    t.end();
  });

  t.test("stats: memory and pids from the container's cgroup", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    let r = P.podman(["stats", "--no-stream", "--format", "json", id]);
    succeeded(t, r, "podman stats");
    let stats: Array<Record<string, string>> = [];
    const read = () => {
      try {
        stats = JSON.parse(r.stdout);
      } catch {
        stats = [];
      }
      return stats;
    };
    // the runtime's own short-lived processes may still be counted for a moment after start
    waitFor(3000, () => read()[0]?.pids === "1" || (r = P.podman(["stats", "--no-stream", "--format", "json", id]), false));
    t.ok(read().length === 1, "podman stats printed JSON for the container", diag(r));
    t.equal(stats[0]?.pids, "1", "one process in the container", diag(r));
    t.match(stats[0]?.mem_usage ?? "", /^[1-9][\d.]*[kMG]?B \/ /, "memory usage is counted", diag(r));
    t.end();
  });

  t.test("stop: SIGTERM first, SIGKILL after the timeout", (t) => {
    const polite = detached(t, [IMG, "sh", "-c", "trap 'exit 42' TERM; while :; do usleep 50000; done"]);
    let r = P.podman(["stop", "-t", "10", polite]);
    succeeded(t, r, "podman stop");
    t.ok(r.ms < 8000, `a container that handles SIGTERM stops without waiting for the timeout (${Math.round(r.ms)} ms)`);
    t.equal(inspect(polite, "{{.State.ExitCode}}"), "42", "it exited through its SIGTERM handler");
    const stubborn = detached(t, [IMG, "sh", "-c", "trap '' TERM; while :; do usleep 50000; done"]);
    r = P.podman(["stop", "-t", "2", stubborn]);
    succeeded(t, r, "podman stop");
    t.ok(r.ms >= 1900, `a container ignoring SIGTERM is given the timeout (${Math.round(r.ms)} ms)`);
    t.equal(inspect(stubborn, "{{.State.Status}}"), "exited", "then it is stopped");
    t.equal(inspect(stubborn, "{{.State.ExitCode}}"), "137", "by SIGKILL");
    t.end();
  });

  t.test("kill: a signal reaches the container; the default is SIGKILL", (t) => {
    const id = detached(t, [IMG, "sh", "-c", "trap 'echo got-usr1' USR1; while :; do usleep 50000; done"]);
    const usr1 = P.podman(["kill", "-s", "USR1", id]);
    succeeded(t, usr1, "podman kill -s USR1");
    t.ok(waitFor(5000, () => P.podman(["logs", id]).stdout.includes("got-usr1")), "the container's handler ran (podman logs)");
    const kill = P.podman(["kill", id]);
    succeeded(t, kill, "podman kill");
    t.ok(waitFor(5000, () => inspect(id, "{{.State.Status}}") === "exited"), "the container exited");
    t.equal(inspect(id, "{{.State.ExitCode}}"), "137", "killed by SIGKILL");
    t.end();
  });

  /** what is left of a container after it is removed: podman's view, the runtime's state, cgroups, mounts */
  const leftovers = (t: T, id: string, cid: string) => {
    t.match(cid, /^[0-9a-f]{64}$/, "podman wrote the container id");
    t.not(P.podman(["container", "exists", id]).status, 0, "podman no longer knows the container");
    t.notOk(existsSync(join(P.runtime.defaultRoot, cid)), `no runtime state left (${P.runtime.defaultRoot}/<id>)`);
    t.notOk(cgroupExists(P.cgroupParent.slice(1), `libpod-${cid}`), "no cgroup left");
    t.same(mountsMentioning(cid), [], "no mount left");
  };

  t.test("rm and run --rm leave nothing behind", (t) => {
    const a = name(t);
    const cidA = join(P.dir, `${a}.cid`);
    const r = P.run(["--rm", "--name", a, "--cidfile", cidA, IMG, "true"]);
    succeeded(t, r, "podman run --rm");
    t.test("after run --rm", (t) => {
      leftovers(t, a, readFileSync(cidA, "utf8").trim());
      t.end();
    });
    const b = name(t);
    const cidB = join(P.dir, `${b}.cid`);
    succeeded(t, P.run(["-d", "--name", b, "--cidfile", cidB, IMG, "sleep", "1000"]), "podman run -d");
    succeeded(t, P.podman(["rm", "-f", "-t", "0", b]), "podman rm -f");
    t.test("after rm -f of a running container", (t) => {
      leftovers(t, b, readFileSync(cidB, "utf8").trim());
      t.end();
    });
    t.end();
  });

  t.test("restart: the container runs again", (t) => {
    const id = detached(t, [IMG, "sh", "-c", "echo started; sleep 1000"]);
    t.ok(waitFor(5000, () => P.podman(["logs", id]).stdout === "started\n"), "the container started once");
    const pid = hostPid(id);
    const r = P.podman(["restart", "-t", "0", id]);
    succeeded(t, r, "podman restart");
    t.equal(inspect(id, "{{.State.Status}}"), "running", "running after restart");
    t.not(hostPid(id), pid, "with a new process");
    t.ok(waitFor(5000, () => P.podman(["logs", id]).stdout === "started\nstarted\n"), "its command ran again (podman logs)");
    t.end();
  });

  t.test("update --memory: the container sees the new limit", (t) => {
    const id = detached(t, [IMG, "sleep", "1000"]);
    const r = P.podman(["update", "--memory", "64m", id]);
    succeeded(t, r, "podman update --memory 64m");
    const limit = P.podman(["exec", id, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]);
    t.equal(limit.stdout.trim(), String(64 * 1024 * 1024), "memory.limit_in_bytes in the container", diag(limit));
    t.end();
  });

  t.test("environment, working directory, user and hostname", (t) => {
    const r = P.run(["--rm", "-e", "GREETING=hello world", "-w", "/tmp", "-u", "1000:1000", "--hostname", "rq-host", IMG, "sh", "-c", "echo \"$GREETING\"; pwd; id -u; id -g; hostname"]);
    succeeded(t, r, "podman run -e -w -u --hostname");
    t.same(lines(r.stdout), ["hello world", "/tmp", "1000", "1000", "rq-host"], "as given on the command line");
    t.end();
  });

  t.test("--read-only: the root filesystem cannot be written", (t) => {
    const r = P.run(["--rm", "--read-only", IMG, "sh", "-c", "touch /x || echo refused; touch /tmp/y && echo tmp-ok"]);
    succeeded(t, r, "podman run --read-only");
    t.same(lines(r.stdout), ["refused", "tmp-ok"], "/ is read-only, /tmp (a tmpfs) is writable");
    t.match(r.stderr, /Read-only file system/, "touch says why");
    t.end();
  });

  t.test("bind mounts: rw and ro", (t) => {
    const rw = P.mkdir("bind-rw");
    const ro = P.mkdir("bind-ro");
    writeFileSync(join(ro, "given"), "from the host\n");
    const r = P.run(["--rm", "-v", `${rw}:/rw`, "-v", `${ro}:/ro:ro`, IMG, "sh", "-c", "echo written > /rw/made; cat /ro/given; touch /ro/x || echo refused"]);
    succeeded(t, r, "podman run -v rw -v ro");
    t.equal(readFileSync(join(rw, "made"), "utf8"), "written\n", "a file written to the rw mount is on the host");
    t.same(lines(r.stdout), ["from the host", "refused"], "the ro mount is readable and refuses writes");
    t.match(r.stderr, /Read-only file system/, "touch says why");
    t.notOk(existsSync(join(ro, "x")), "nothing was written to the ro source");
    t.end();
  });

  t.test("--memory: the limit is enforced", (t) => {
    const r = P.run(["--rm", "--memory", "32m", "--memory-swap", "32m", IMG, "sh", "-c",
      "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo dd=$?"]);
    succeeded(t, r, "podman run --memory 32m");
    const [limit, dd] = lines(r.stdout);
    t.equal(dd, "dd=137", "a 64 MiB allocation is killed", diag(r));
    t.equal(limit, String(32 * 1024 * 1024), "the container's memory.limit_in_bytes shows the limit");
    t.end();
  });

  t.test("--pids-limit: the limit is enforced", (t) => {
    const r = P.run(["--rm", "--pids-limit", "10", IMG, "sh", "-c", "cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 20); do sleep 2 & done; wait; echo done"]);
    t.equal(lines(r.stdout)[0], "10", "pids.max in the container", diag(r));
    t.match(r.stderr, /can't fork/, "forking past the limit fails");
    t.end();
  });

  t.test("cpu limits are visible in the container", (t) => {
    const r = P.run(["--rm", "--cpus", "0.5", "--cpu-shares", "512", "--cpuset-cpus", "0", IMG, "sh", "-c",
      "cd /sys/fs/cgroup; cat cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares cpuset/cpuset.cpus; nproc"]);
    succeeded(t, r, "podman run --cpus --cpu-shares --cpuset-cpus");
    const [quota, period, shares, cpus, nproc] = lines(r.stdout);
    t.same([quota, period, shares], ["50000", "100000", "512"], "the container's cpu cgroup shows quota, period and shares", diag(r));
    t.equal(cpus, "0", "the container's cpuset cgroup shows cpu 0");
    t.equal(nproc, "1", "nproc sees one cpu (the cpuset applies)");
    t.end();
  });

  t.test("--privileged", (t) => {
    const r = P.run(["--rm", "--privileged", IMG, "sh", "-c", "cat /proc/self/status; mount -t tmpfs none /mnt && echo mounted; ls /dev"]);
    succeeded(t, r, "podman run --privileged");
    t.equal(statusField(r.stdout, "CapEff"), hostCapBnd(), "every capability the host allows");
    t.equal(statusField(r.stdout, "Seccomp"), "0", "no seccomp filter");
    t.match(r.stdout, /^mounted$/m, "can mount");
    const hostDev = ["loop-control", "kmsg", "mem", "vda", "sda", "nvme0"].find((d) => existsSync(`/dev/${d}`));
    if (hostDev) t.match(r.stdout, new RegExp(`^${hostDev}$`, "m"), `sees the host's /dev/${hostDev}`);
    t.end();
  });

  t.test("default capabilities", (t) => {
    const r = P.run(["--rm", IMG, "sh", "-c", "cat /proc/self/status; mount -t tmpfs none /mnt || echo refused"]);
    succeeded(t, r, "podman run");
    const want = capMask(Object.values(DEFAULT_CAPS));
    for (const f of ["CapEff", "CapPrm", "CapBnd"]) t.equal(statusField(r.stdout, f), want, `${f} is containers.conf's default_capabilities`);
    t.equal(statusField(r.stdout, "CapAmb"), "0000000000000000", "no ambient capabilities");
    t.match(r.stdout, /^refused$/m, "no CAP_SYS_ADMIN: mount is refused");
    const drop = P.run(["--rm", "--cap-drop", "all", "--cap-add", "NET_ADMIN", IMG, "cat", "/proc/self/status"]);
    t.equal(statusField(drop.stdout, "CapEff"), capMask([12]), "--cap-drop all --cap-add NET_ADMIN", diag(drop));
    t.end();
  });

  t.test("seccomp: the default profile is applied, a custom profile is enforced", (t) => {
    const def = P.run(["--rm", IMG, "cat", "/proc/self/status"]);
    succeeded(t, def, "podman run");
    t.equal(statusField(def.stdout, "Seccomp"), "2", "the process runs under a seccomp filter");
    const profile = join(P.dir, "deny-mkdir.json");
    writeFileSync(profile, JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] }));
    const custom = P.run(["--rm", "--security-opt", `seccomp=${profile}`, IMG, "sh", "-c", "mkdir /tmp/d || echo refused; echo ok > /tmp/f && cat /tmp/f"]);
    succeeded(t, custom, "podman run --security-opt seccomp=profile");
    t.same(lines(custom.stdout), ["refused", "ok"], "mkdir is denied, other calls work");
    t.match(custom.stderr, /Operation not permitted/, "with the profile's errno (EPERM)");
    const off = P.run(["--rm", "--security-opt", "seccomp=unconfined", IMG, "cat", "/proc/self/status"]);
    t.equal(statusField(off.stdout, "Seccomp"), "0", "seccomp=unconfined: no filter", diag(off));
    t.end();
  });

  t.test("--uidmap: a user namespace", (t) => {
    const shared = P.mkdir("userns");
    chmodSync(shared, 0o777);
    const r = P.run(["--rm", "--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536", "-v", `${shared}:/shared`, IMG, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /shared/made"]);
    succeeded(t, r, "podman run --uidmap --gidmap");
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

  t.test("--pid host", (t) => {
    const r = P.run(["--rm", "--pid", "host", IMG, "sh", "-c", `cat /proc/1/comm; test -d /proc/${process.pid} && echo sees-host`]);
    succeeded(t, r, "podman run --pid host");
    t.same(lines(r.stdout), [readFileSync("/proc/1/comm", "utf8").trim(), "sees-host"], "pid 1 is the host's init, host processes are visible");
    t.end();
  });

  t.test("--preserve-fds: an open file reaches the container", (t) => {
    const file = join(P.dir, "fd3");
    writeFileSync(file, "through fd 3\n");
    const fd = openSync(file, "r");
    try {
      const r = P.run(["--rm", "--preserve-fds", "1", IMG, "sh", "-c", "cat <&3"], { extraFds: [fd] });
      succeeded(t, r, "podman run --preserve-fds 1");
      t.equal(r.stdout, "through fd 3\n", "the container read fd 3");
    } finally {
      closeSync(fd);
    }
    t.end();
  });

  t.test("no_pivot_root = true in containers.conf", (t) => {
    const r = P.run(["--rm", IMG, "sh", "-c", "ls /; test -e /work || echo no-host-root; exit 4"], { env: P.envWith("no_pivot_root = true") });
    t.equal(r.status, 4, "exit code", diag(r));
    t.match(r.stdout, /^bin$/m, "the image's root");
    t.match(r.stdout, /^no-host-root$/m, "the host's root is out of reach");
    t.end();
  });

  t.test("a failed create shows the runtime's error", (t) => {
    const a = name(t);
    const r = P.run(["--rm", "--name", a, IMG, "/nonexistent"]);
    t.equal(r.status, 127, "a missing command: exit 127, as for a shell", diag(r));
    t.same(lines(r.stderr).length, 1, "one line of error", diag(r));
    t.match(r.stderr, /^Error: /, "podman's error line");
    t.ok(r.stderr.includes(`${P.runtime.path}: `), "naming the runtime");
    t.match(r.stderr, /\/nonexistent.*no such file or directory/i, "and the runtime's reason");
    const file = join(P.dir, "a-file");
    writeFileSync(file, "");
    const b = name(t);
    const m = P.run(["--rm", "--name", b, "-v", `${file}:/etc`, IMG, "true"]);
    t.equal(m.status, 126, "a bind mount the runtime cannot make: exit 126", diag(m));
    t.same(lines(m.stderr).length, 1, "one line of error", diag(m));
    t.ok(m.stderr.startsWith(`Error: OCI runtime error: ${P.runtime.path}: `), "an OCI runtime error naming the runtime");
    t.match(m.stderr, /\/etc/, "naming the mount's destination");
    t.match(m.stderr, /not a directory|ENOTDIR/i, "and the reason");
    t.not(P.podman(["container", "exists", b]).status, 0, "--rm removed the container that failed");
    t.end();
  });
}
