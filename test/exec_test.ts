// `rongqi exec` on real containers: output and status, the flags, --process,
// --detach, the container's namespaces and root, and what it refuses.
import t from "tap";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Config } from "../src/spec/types/config.ts";
import { lsmFacts } from "../src/linux/process_ops.ts";
import { cleanup, makeBundle, RONGQI, rongqi, type TestBundle } from "./_bundle.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stateOf(b: TestBundle, id: string): { status: string; pid: number } {
  const r = rongqi(b.root, ["state", id]);
  if (r.status !== 0) throw new Error(`state ${id}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { status: string; pid: number };
}

/** A running container `id` whose process sleeps. */
function running(t: { teardown(fn: () => void): void }, id = "ex", edit?: (c: Config) => void): TestBundle {
  const b = makeBundle(["sleep", "1000"], edit);
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "-d", "-b", b.bundle, id]);
  if (r.status !== 0) throw new Error(`run -d: ${r.stderr}`);
  return b;
}

const NS = ["user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"];

t.test("exec prints what the process prints and exits with its status", async (t) => {
  const b = running(t);
  const r = rongqi(b.root, ["exec", "ex", "sh", "-c", "echo out; echo err >&2; exit 3"]);
  t.equal(r.status, 3);
  t.equal(r.stdout, "out\n");
  t.equal(r.stderr, "err\n");
  const k = rongqi(b.root, ["exec", "ex", "sh", "-c", "kill -TERM $$"]);
  t.equal(k.status, 143, "killed by SIGTERM: 128+15");
  t.equal(rongqi(b.root, ["exec", "ex", "true"]).status, 0);
  t.equal(stateOf(b, "ex").status, "running", "the container is untouched");
});

t.test("the process is in the container's pid namespace, with the container's env and cwd", async (t) => {
  const b = running(t, "ex", (c) => {
    c.process!.env!.push("FROM_CONFIG=yes");
    c.process!.cwd = "/tmp";
  });
  const r = rongqi(b.root, ["exec", "ex", "sh", "-c", "echo $$ $FROM_CONFIG $(pwd); cat /proc/1/cmdline | tr '\\0' ' '"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^\d+ yes \/tmp\nsleep 1000 $/);
  t.not(r.stdout.split(" ")[0], "1", "not pid 1");
});

t.test("--env, --cwd, --user, --additional-gids, --cap, --no-new-privs", async (t) => {
  const b = running(t);
  const script = "echo $A $B; pwd; id -u; id -g; id -G; grep -E '^(CapEff|CapAmb|NoNewPrivs)' /proc/self/status";
  const r = rongqi(b.root, ["exec", "-e", "A=1", "--env", "B=two", "--cwd", "/home/user", "-u", "1000:1000", "-g", "10", "-g", "20", "-c", "CAP_NET_RAW", "--no-new-privs", "ex", "sh", "-c", script]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  t.same(lines.slice(0, 5), ["1 two", "/home/user", "1000", "1000", "1000 10 20"]);
  t.match(r.stdout, /CapEff:\s+0000000000002000\n/, "CAP_NET_RAW (13) effective for uid 1000, through the ambient set");
  t.match(r.stdout, /CapAmb:\s+0000000000002000\n/);
  t.match(r.stdout, /NoNewPrivs:\s+1\n/);
  const plain = rongqi(b.root, ["exec", "-u", "1000", "ex", "sh", "-c", "id -u; id -g; grep CapEff /proc/self/status"]);
  t.equal(plain.status, 0, plain.stderr);
  t.match(plain.stdout, /^1000\n0\nCapEff:\s+0000000000000000\n$/, "--user uid alone keeps the config's gid; no capabilities");
});

t.test("bad flag values are refused with exit status 255", async (t) => {
  const b = running(t);
  const cases: [string[], RegExp][] = [
    [["-u", "bob"], /--user: "bob" is not a valid uid/],
    [["-u", "1:2:3"], /--user: "1:2:3" is not uid\[:gid\]/],
    [["-g", "x"], /--additional-gids: "x" is not a valid gid/],
    [["-c", "CAP_NOPE"], /--cap: unknown capability "CAP_NOPE"/],
    [["--cwd", "tmp"], /--cwd: "tmp" must be an absolute path/],
    [["-e", "NOEQUALS"], /--env: "NOEQUALS" is not NAME=VALUE/],
  ];
  for (const [flags, msg] of cases) {
    const r = rongqi(b.root, ["exec", ...flags, "ex", "true"]);
    t.equal(r.status, 255, flags.join(" "));
    t.match(r.stderr, msg);
  }
  const none = rongqi(b.root, ["exec", "ex"]);
  t.equal(none.status, 255);
  t.match(none.stderr, /no command to run/);
  const missing = rongqi(b.root, ["exec", "ex", "no-such-program"]);
  t.equal(missing.status, 255);
  t.match(missing.stderr, /find the executable "no-such-program" in the container \(process\.args\[0\]\).*ENOENT/);
});

t.test("--process FILE runs that process", async (t) => {
  const b = running(t);
  const file = join(b.dir, "process.json");
  writeFileSync(file, JSON.stringify({
    args: ["sh", "-c", "echo $P; pwd; id -u; exit 5"], env: ["P=from-file", "PATH=/bin"], cwd: "/home", user: { uid: 1000, gid: 1000 },
  }));
  const r = rongqi(b.root, ["exec", "--process", file, "ex"]);
  t.equal(r.status, 5, r.stderr);
  t.equal(r.stdout, "from-file\n/home\n1000\n");
  const both = rongqi(b.root, ["exec", "-p", file, "ex", "true"]);
  t.equal(both.status, 255);
  t.match(both.stderr, /either --process FILE or a command, not both/);
  writeFileSync(file, JSON.stringify({ args: ["true"] }));
  const bad = rongqi(b.root, ["exec", "-p", file, "ex"]);
  t.equal(bad.status, 255);
  t.match(bad.stderr, /process\.json: .*cwd/, "the process file is validated");
});

t.test("--detach returns at once and --pid-file holds the process's host pid", async (t) => {
  const b = running(t);
  const pidFile = join(b.dir, "exec.pid");
  const r = rongqi(b.root, ["exec", "-d", "--pid-file", pidFile, "ex", "sleep", "77"]);
  t.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, "utf8"));
  t.ok(pid > 1);
  t.equal(readFileSync(`/proc/${pid}/cmdline`, "utf8"), "sleep\x0077\x00", "the pid is the exec'd process, on the host");
  const init = stateOf(b, "ex").pid;
  for (const ns of NS) t.equal(readlinkSync(`/proc/${pid}/ns/${ns}`), readlinkSync(`/proc/${init}/ns/${ns}`), `same ${ns} namespace as the container`);
  t.equal(readFileSync(`/proc/${pid}/cgroup`, "utf8"), readFileSync(`/proc/${init}/cgroup`, "utf8"), "in the container's cgroup");
  process.kill(pid, "SIGKILL");
});

t.test("a paused container refuses exec, unless --ignore-paused: the process then runs on resume", async (t) => {
  const b = running(t);
  t.equal(rongqi(b.root, ["pause", "ex"]).status, 0);
  const r = rongqi(b.root, ["exec", "ex", "true"]);
  t.equal(r.status, 255);
  t.match(r.stderr, /cannot exec in container "ex": it is paused \(use --ignore-paused/);
  const pidFile = join(b.dir, "paused.pid");
  const { spawn } = await import("node:child_process");
  const child = spawn(RONGQI, ["--root", b.root, "exec", "-d", "--ignore-paused", "--pid-file", pidFile, "ex", "sleep", "66"], { stdio: "ignore" });
  let code: number | null | undefined;
  const exited = new Promise<void>((res) => child.on("exit", (c) => { code = c; res(); }));
  await sleep(500);
  t.equal(code, undefined, "frozen with the container: rongqi waits");
  t.equal(rongqi(b.root, ["resume", "ex"]).status, 0);
  await exited;
  t.equal(code, 0);
  const pid = Number(readFileSync(pidFile, "utf8"));
  t.equal(readFileSync(`/proc/${pid}/cmdline`, "utf8"), "sleep\x0066\x00");
  t.equal(readFileSync(`/proc/${pid}/cgroup`, "utf8"), readFileSync(`/proc/${stateOf(b, "ex").pid}/cgroup`, "utf8"), "in the container's cgroup");
  process.kill(pid, "SIGKILL");
});

t.test("every namespace of the container is joined, also a user namespace", async (t) => {
  for (const userns of [false, true]) {
    const b = running(t, userns ? "exu" : "ex", userns ? (c) => {
      c.linux!.namespaces!.push({ type: "user" });
      c.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      c.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      c.mounts = c.mounts!.filter((m) => m.destination !== "/sys" && m.destination !== "/sys/fs/cgroup");
    } : undefined);
    const id = userns ? "exu" : "ex";
    const init = stateOf(b, id).pid;
    const r = rongqi(b.root, ["exec", id, "sh", "-c", `for n in ${NS.join(" ")}; do readlink /proc/self/ns/$n; done; id -u; grep CapEff /proc/self/status`]);
    t.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    NS.forEach((ns, i) => t.equal(lines[i], readlinkSync(`/proc/${init}/ns/${ns}`), `${userns ? "userns container: " : ""}${ns}`));
    t.equal(lines[NS.length], "0", "root in the container");
    if (userns) {
      const pid = rongqi(b.root, ["exec", "-d", "--pid-file", join(b.dir, "p"), id, "sleep", "50"]);
      t.equal(pid.status, 0, pid.stderr);
      const p = Number(readFileSync(join(b.dir, "p"), "utf8"));
      t.match(readFileSync(`/proc/${p}/status`, "utf8"), /\nUid:\s+100000\s+100000\s+100000\s+100000\n/, "on the host the process is the mapped root");
      process.kill(p, "SIGKILL");
    }
  }
});

t.test("no fd of the runtime reaches the process; --preserve-fds passes fds", async (t) => {
  const b = running(t);
  const r = rongqi(b.root, ["exec", "ex", "ls", "/proc/self/fd"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.split(/\s+/).filter(Boolean).join(" "), "0 1 2 3", "stdio, and ls's own directory fd");
  const out = join(b.dir, "pout");
  const file = join(b.dir, "fd3");
  writeFileSync(file, "from fd 3\n");
  const fds = [openSync("/dev/null", "r"), openSync(out, "w"), openSync(join(b.dir, "perr"), "w"), openSync(file, "r")];
  const res = spawnSync(RONGQI, ["--root", b.root, "exec", "--preserve-fds", "1", "ex", "sh", "-c", "cat <&3; ls /proc/self/fd | tr '\\n' ' '"], { stdio: fds });
  fds.forEach((fd) => closeSync(fd));
  t.equal(res.status, 0, readFileSync(join(b.dir, "perr"), "utf8"));
  t.equal(readFileSync(out, "utf8"), "from fd 3\n0 1 2 3 4 ", "fd 3 arrived; 4 is ls's own directory fd");
});

t.test("the working directory is resolved in the container, never on the host", async (t) => {
  const b = running(t);
  const host = mkdtempSync("/tmp/rongqi-cwd-");
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  writeFileSync(join(host, "host-marker"), "");
  mkdirSync(join(b.rootfs, host), { recursive: true });
  writeFileSync(join(b.rootfs, host, "container-marker"), "");
  const r = rongqi(b.root, ["exec", "--cwd", host, "ex", "sh", "-c", "pwd; ls"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `${host}\ncontainer-marker\n`);
  rmSync(join(b.rootfs, host), { recursive: true });
  const gone = rongqi(b.root, ["exec", "--cwd", host, "ex", "pwd"]);
  t.equal(gone.status, 255, "a path only the host has does not exist in the container");
  t.match(gone.stderr, /change to the working directory .*chdir.*ENOENT/);
  // A host directory handed in as fd 3 cannot become the cwd (CVE-2024-21626).
  const dirfd = openSync(host, "r");
  const err = join(b.dir, "leak.err");
  const fds = [openSync("/dev/null", "r"), openSync(join(b.dir, "leak.out"), "w"), openSync(err, "w"), dirfd];
  const res = spawnSync(RONGQI, ["--root", b.root, "exec", "--preserve-fds", "1", "--cwd", "/proc/self/fd/3", "ex", "ls"], { stdio: fds });
  fds.forEach((fd) => closeSync(fd));
  t.equal(res.status, 255);
  t.match(readFileSync(err, "utf8"), /change to the working directory \/proc\/self\/fd\/3 .*(ELOOP|outside the container's root)/);
  t.equal(readFileSync(join(b.dir, "leak.out"), "utf8"), "", "nothing was listed");
});

t.test("exec into a created container works (as in runc) and leaves it created", async (t) => {
  const b = makeBundle(["sh", "-c", "echo started"]);
  t.teardown(() => cleanup(b));
  const c = rongqi(b.root, ["create", "-b", b.bundle, "cr"]);
  t.equal(c.status, 0, c.stderr);
  const r = rongqi(b.root, ["exec", "cr", "sh", "-c", "echo in $(hostname); cat /proc/1/comm"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "in rongqi\nrongqi-init\n", "pid 1 is still the helper waiting for start");
  t.equal(stateOf(b, "cr").status, "created");
  t.equal(rongqi(b.root, ["start", "cr"]).status, 0);
});

t.test("exec is refused on a stopped container and on one that does not exist", async (t) => {
  const b = makeBundle(["true"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "st"]).status, 0);
  for (let i = 0; i < 200 && stateOf(b, "st").status !== "stopped"; i++) await sleep(10);
  const r = rongqi(b.root, ["exec", "st", "true"]);
  t.equal(r.status, 255);
  t.match(r.stderr, /cannot exec in container "st": it is stopped/);
  const n = rongqi(b.root, ["exec", "nope", "true"]);
  t.equal(n.status, 255);
  t.match(n.stderr, /container "nope" does not exist/);
});

t.test("--process-label and --apparmor fail where SELinux or AppArmor is not enabled, as in runc", async (t) => {
  const lsm = lsmFacts();
  const b = running(t);
  if (!lsm.selinux) {
    const r = rongqi(b.root, ["exec", "--process-label", "system_u:system_r:container_t:s0", "ex", "true"]);
    t.equal(r.status, 255);
    t.match(r.stderr, /process\.selinuxLabel: "system_u:system_r:container_t:s0" is set, but SELinux is not enabled/);
  }
  if (!lsm.apparmor) {
    const r = rongqi(b.root, ["exec", "--apparmor", "docker-default", "ex", "true"]);
    t.equal(r.status, 255);
    t.match(r.stderr, /process\.apparmorProfile: "docker-default" is set, but AppArmor is not enabled/);
  }
  if (lsm.selinux && lsm.apparmor) t.pass("both enabled on this host: nothing to refuse");
});

t.test("a foreground exec forwards signals to the process", async (t) => {
  const b = running(t);
  const { spawn } = await import("node:child_process");
  const child = spawn(RONGQI, ["--root", b.root, "exec", "ex", "sh", "-c", "trap 'exit 42' TERM; echo ready; while true; do sleep 0.05; done"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  for (let i = 0; i < 500 && !out.includes("ready"); i++) await sleep(10);
  t.match(out, /ready/);
  child.kill("SIGTERM");
  t.equal(await exited, 42);
});

t.test("the container's seccomp filter applies to the exec'd process too (as in runc)", async (t) => {
  const b = running(t, "sc", (c) => {
    c.linux!.seccomp = { defaultAction: "SCMP_ACT_ALLOW", architectures: [], syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] };
  });
  const r = rongqi(b.root, ["exec", "sc", "sh", "-c", "mkdir /tmp/x 2>&1; echo status=$?; grep Seccomp: /proc/self/status"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /Operation not permitted\nstatus=1\nSeccomp:\s+2\n/);
});

t.test("process.execCPUAffinity: initial before joining the cgroup, final after", async (t) => {
  const b = running(t);
  const file = join(b.dir, "affinity.json");
  const proc = (affinity: object) => writeFileSync(file, JSON.stringify({
    args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"], cwd: "/", user: { uid: 0, gid: 0 },
    env: ["PATH=/bin"], execCPUAffinity: affinity,
  }));
  proc({ initial: "0", final: "1" });
  let r = rongqi(b.root, ["exec", "--process", file, "ex"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "1\n", "the final affinity");
  proc({ initial: "0" });
  r = rongqi(b.root, ["exec", "--process", file, "ex"]);
  t.equal(r.stdout, "0\n", "no final: the initial one stays");
  proc({ final: "2000" });
  r = rongqi(b.root, ["exec", "--process", file, "ex"]);
  t.equal(r.status, 255);
  t.match(r.stderr, /process\.execCPUAffinity\.final.*sched_setaffinity.*EINVAL/);
});
