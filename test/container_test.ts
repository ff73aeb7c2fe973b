// What a process sees inside a rongqi container, checked from inside it.
import t from "tap";
import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../src/spec/types/config.ts";
import { cleanup, makeBundle, RONGQI, rongqi } from "./_bundle.ts";

/** Runs `sh -c script` in a new container and returns what it printed. */
function inside(t: { teardown(fn: () => void): void }, script: string, edit?: (c: Config) => void, extra: string[] = []) {
  const b = makeBundle(["sh", "-c", script], edit);
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "-b", b.bundle, ...extra, "ct"]);
  return { ...r, b };
}

t.test("the process is pid 1 of its own pid namespace, with the config's args, env and cwd", async (t) => {
  const r = inside(t, 'echo "pid=$$ cwd=$(pwd) foo=$FOO args=$0"', (c) => {
    c.process!.env!.push("FOO=bar");
    c.process!.cwd = "/tmp";
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "pid=1 cwd=/tmp foo=bar args=sh\n");
});

t.test("hostname and domainname in a new uts namespace", async (t) => {
  const r = inside(t, "hostname; cat /proc/sys/kernel/domainname", (c) => {
    c.hostname = "box1";
    c.domainname = "example.org";
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "box1\nexample.org\n");
});

t.test("namespaces are new, or shared with the host when absent", async (t) => {
  const host = (k: string) => readlinkSync(`/proc/self/ns/${k}`);
  const r = inside(t, "for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done", (c) => {
    c.linux!.namespaces = c.linux!.namespaces!.filter((n) => n.type !== "network");
  });
  t.equal(r.status, 0, r.stderr);
  const [pid, net, ipc, uts, mnt, cgroup] = r.stdout.trim().split("\n");
  t.not(pid, host("pid"));
  t.equal(net, host("net"), "no network namespace in the config: the host's");
  t.not(ipc, host("ipc"));
  t.not(uts, host("uts"));
  t.not(mnt, host("mnt"));
  t.not(cgroup, host("cgroup"));
});

t.test("a namespace given by path is joined", async (t) => {
  // this test's own uts namespace, by path: the container sees the host's hostname
  const own = `/proc/${process.pid}/ns/uts`;
  const r = inside(t, "hostname; readlink /proc/self/ns/uts", (c) => {
    delete c.hostname;
    c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === "uts" ? { type: "uts", path: own } : n));
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `${readFileSync("/proc/sys/kernel/hostname", "utf8").trim()}\n${readlinkSync(own)}\n`);
});

t.test("mounts: proc, /dev tmpfs, devpts, shm, mqueue, sysfs, cgroup, and a read-only bind", async (t) => {
  const b = makeBundle(["sh", "-c", "cat /proc/self/mounts; cat /data/hello; (echo x > /data/new) 2>/dev/null && echo writable || echo readonly"], (c) => {
    c.mounts!.push({ destination: "/data", type: "bind", source: "data", options: ["rbind", "ro"] });
  });
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.bundle, "data"));
  writeFileSync(join(b.bundle, "data/hello"), "hello from the host\n");
  const res = rongqi(b.root, ["run", "-b", b.bundle, "m"]);
  t.equal(res.status, 0, res.stderr);
  const mounts = res.stdout.split("\n").map((l) => l.split(" "));
  const at = (dest: string) => mounts.find((m) => m[1] === dest);
  t.equal(at("/proc")?.[2], "proc");
  t.equal(at("/dev")?.[2], "tmpfs");
  t.equal(at("/dev/pts")?.[2], "devpts");
  t.equal(at("/dev/shm")?.[2], "tmpfs");
  t.equal(at("/dev/mqueue")?.[2], "mqueue");
  t.equal(at("/sys")?.[2], "sysfs");
  t.match(at("/sys")?.[3] ?? "", /^ro,/, "sysfs read-only as configured");
  t.ok(at("/sys/fs/cgroup"), "cgroup mounted");
  t.match(at("/data")?.[3] ?? "", /^ro,/, "bind mount remounted read-only");
  t.match(res.stdout, /hello from the host\nreadonly\n$/);
  t.notOk(existsSync(join(b.bundle, "data/new")));
});

t.test("default devices and /dev links exist with the right numbers", async (t) => {
  const r = inside(t, "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T %a' /dev/$d; done; for l in fd stdin ptmx; do readlink /dev/$l; done; echo hi > /dev/null && head -c 4 /dev/zero | wc -c");
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, [
    "/dev/null character special file 1:3 666",
    "/dev/zero character special file 1:5 666",
    "/dev/full character special file 1:7 666",
    "/dev/random character special file 1:8 666",
    "/dev/urandom character special file 1:9 666",
    "/dev/tty character special file 5:0 666",
    "/proc/self/fd", "/proc/self/fd/0", "pts/ptmx", "4", "",
  ].join("\n"));
});

t.test("linux.devices are created with type, numbers, mode and owner", async (t) => {
  const r = inside(t, "stat -c '%F %t:%T %a %u:%g' /dev/mydev /dev/sub/blk", (c) => {
    c.linux!.devices = [
      { path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 0o640, uid: 5, gid: 6 },
      { path: "/dev/sub/blk", type: "b", major: 7, minor: 0, fileMode: 0o600, uid: 0, gid: 0 },
    ];
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "character special file 1:3 640 5:6\nblock special file 7:0 600 0:0\n");
});

t.test("user, groups, umask", async (t) => {
  const r = inside(t, "id -u; id -g; id -G; umask", (c) => {
    c.process!.user = { uid: 1000, gid: 1000, additionalGids: [10, 20], umask: 0o027 };
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "1000\n1000\n1000 10 20\n0027\n");
});

t.test("capabilities, no_new_privs, rlimits and oom_score_adj", async (t) => {
  const r = inside(t, "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status; ulimit -n; cat /proc/self/oom_score_adj", (c) => {
    c.process!.capabilities = {
      bounding: ["CAP_KILL", "CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
      effective: ["CAP_KILL", "CAP_CHOWN"],
      permitted: ["CAP_KILL", "CAP_CHOWN"],
      inheritable: [],
      ambient: [],
    };
    c.process!.rlimits = [{ type: "RLIMIT_NOFILE", soft: 512, hard: 1024 }];
    c.process!.noNewPrivileges = true;
    c.process!.oomScoreAdj = 123;
  });
  t.equal(r.status, 0, r.stderr);
  // CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10; root after execve: permitted = bounding
  t.match(r.stdout, /CapBnd:\s+0000000000000421/);
  t.match(r.stdout, /NoNewPrivs:\s+1/);
  t.match(r.stdout, /\n512\n123\n$/);
});

t.test("capabilities of a non-root user are exactly the configured sets", async (t) => {
  const r = inside(t, "grep -E '^Cap(Eff|Prm|Amb)' /proc/self/status", (c) => {
    c.process!.user = { uid: 1000, gid: 1000 };
    c.process!.capabilities = {
      bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE"], effective: ["CAP_NET_BIND_SERVICE"], permitted: ["CAP_NET_BIND_SERVICE"],
      inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"],
    };
    c.process!.noNewPrivileges = false;
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.replace(/\t/g, " "), "CapPrm: 0000000000000400\nCapEff: 0000000000000400\nCapAmb: 0000000000000400\n");
});

t.test("read-only root, masked and read-only paths", async (t) => {
  const r = inside(t, [
    "(touch /newfile) 2>/dev/null && echo root-writable || echo root-readonly",
    "wc -c < /proc/timer_list",
    "ls /proc/acpi 2>/dev/null | wc -l",
    "(echo 1 > /proc/sys/kernel/hostname) 2>/dev/null && echo sys-writable || echo sys-readonly",
    "touch /tmp/x 2>/dev/null; echo tmp-done",
  ].join("; "), (c) => {
    c.root!.readonly = true;
    c.mounts!.push({ destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid"] });
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "root-readonly\n0\n0\nsys-readonly\ntmp-done\n");
});

t.test("sysctl in the container's namespaces", async (t) => {
  const hostValue = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8");
  const r = inside(t, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax", (c) => {
    c.linux!.sysctl = { "net.ipv4.ip_forward": "1", "kernel.msgmax": "9000" };
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "1\n9000\n");
  t.equal(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8"), hostValue, "host untouched");
});

t.test("no runtime fd reaches the container", async (t) => {
  const r = inside(t, "ls /proc/self/fd | sort -n | tr '\\n' ' '");
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "0 1 2 3 ", "only stdio (and ls's own directory fd)");
});

t.test("--preserve-fds passes the runtime's fds 3.. to the container", async (t) => {
  const b = makeBundle(["sh", "-c", "cat <&3; ls /proc/self/fd | sort -n | tr '\\n' ' '"]);
  t.teardown(() => cleanup(b));
  const extra = join(b.dir, "extra");
  writeFileSync(extra, "from fd 3\n");
  const out = join(b.dir, "out");
  const fds = [openSync("/dev/null", "r"), openSync(out, "w"), openSync(join(b.dir, "err"), "w"), openSync(extra, "r")];
  const res = spawnSync(RONGQI, ["--root", b.root, "run", "--preserve-fds", "1", "-b", b.bundle, "pf"], { stdio: fds, timeout: 30_000 });
  fds.forEach((fd) => closeSync(fd));
  t.equal(res.status, 0, readFileSync(join(b.dir, "err"), "utf8"));
  t.equal(readFileSync(out, "utf8"), "from fd 3\n0 1 2 3 4 ", "fd 3 arrived; 4 is ls's own directory fd");
});

t.test("a user namespace with uid and gid mappings", async (t) => {
  const r = inside(t, "id -u; cat /proc/self/uid_map /proc/self/gid_map", (c) => {
    c.linux!.namespaces!.push({ type: "user" });
    c.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    // sysfs cannot be mounted in a user namespace without a network namespace it owns: keep it simple
    c.mounts = c.mounts!.filter((m) => m.destination !== "/sys" && m.destination !== "/sys/fs/cgroup");
  });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^0\n\s+0\s+100000\s+65536\n\s+0\s+100000\s+65536\n$/);
  // the bundle's rootfs must be readable by the mapped root: world-readable busybox is enough
});

t.test("--no-pivot runs the container with chroot", async (t) => {
  const r = inside(t, "ls /bin/busybox && cat /proc/self/mountinfo | head -1 | cut -d' ' -f5", undefined, ["--no-pivot"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^\/bin\/busybox\n/);
});

t.test("hooks run in order with the state on stdin", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  const log = join(b.dir, "hooks.log");
  const hook = join(b.dir, "hook.sh");
  writeFileSync(hook, `#!/bin/sh\nread state\necho "$1 $(echo "$state" | grep -o '"status":"[a-z]*"')" >> ${log}\n`);
  chmodSync(hook, 0o755);
  const h = (kind: string) => [{ path: hook, args: ["hook.sh", kind] }];
  b.config.hooks = { prestart: h("prestart"), createRuntime: h("createRuntime"), poststart: h("poststart"), poststop: h("poststop") };
  b.save();
  const r = rongqi(b.root, ["run", "-b", b.bundle, "h"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(log, "utf8"), [
    'prestart "status":"creating"', 'createRuntime "status":"creating"', 'poststart "status":"running"', 'poststop "status":"stopped"', "",
  ].join("\n"));
});

t.test("a failing hook fails create and leaves nothing behind", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  const marker = join(b.dir, "poststop-ran");
  b.config.hooks = {
    createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", "exit 4"] }],
    poststop: [{ path: "/bin/sh", args: ["sh", "-c", `touch ${marker}`] }],
  };
  b.save();
  const r = rongqi(b.root, ["create", "-b", b.bundle, "fh"]);
  t.not(r.status, 0);
  t.match(r.stderr, /hooks\.createRuntime\[0\].*exit status 4/);
  t.ok(existsSync(marker), "poststop hooks ran");
  t.same(readdirSync(b.root), [], "no state left");
  t.notMatch(readFileSync("/proc/self/mountinfo", "utf8"), new RegExp(b.dir), "no mount left");
});

t.test("a setup error names the step, field, call, path and errno", async (t) => {
  const r = inside(t, "true", (c) => {
    c.mounts!.push({ destination: "/weird", type: "nosuchfs", source: "none" });
  });
  t.not(r.status, 0);
  t.match(r.stderr, /mount nosuchfs on \/weird \(mounts\[\d+\]\).*ENODEV/);
  t.same(readdirSync(r.b.root), []);
});

t.test("a missing executable fails create with a clear error", async (t) => {
  const b = makeBundle(["/no/such/program"]);
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["create", "-b", b.bundle, "nx"]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.args\[0\].*ENOENT/);
  t.same(readdirSync(b.root), []);
});

t.test("createContainer and startContainer hooks run in the container's namespaces with the state", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  const hostFile = join(b.dir, "create-container");
  b.config.hooks = {
    // before pivot_root: a host path still resolves; it sees the container's hostname
    createContainer: [{ path: "/bin/sh", args: ["sh", "-c", `(hostname; cat) > ${hostFile}`] }],
    // after pivot_root: the path is the container's
    startContainer: [{ path: "/bin/sh", args: ["sh", "-c", "cat > /tmp/start-container"] }],
  };
  b.save();
  const r = rongqi(b.root, ["run", "-b", b.bundle, "hk"]);
  t.equal(r.status, 0, r.stderr);
  const created = readFileSync(hostFile, "utf8").split("\n");
  t.equal(created[0], "rongqi", "createContainer ran in the container's uts namespace");
  t.match(created[1], /"status":"creating"/);
  t.match(readFileSync(join(b.rootfs, "tmp/start-container"), "utf8"), /"status":"running"/);
});

t.test("a hook that outlives its timeout fails the create", async (t) => {
  const b = makeBundle(["/bin/true"]);
  t.teardown(() => cleanup(b));
  b.config.hooks = { prestart: [{ path: "/bin/sleep", args: ["sleep", "10"], timeout: 1 }] };
  b.save();
  const started = Date.now();
  const r = rongqi(b.root, ["create", "-b", b.bundle, "to"]);
  t.not(r.status, 0);
  t.match(r.stderr, /hooks\.prestart\[0\].*timed out after 1s/);
  t.ok(Date.now() - started < 5000, "did not wait for the hook to finish");
  t.same(readdirSync(b.root), []);
});

t.test("mount propagation, recursive read-only and rootfsPropagation", async (t) => {
  const b = makeBundle(["sh", "-c", "cat /proc/self/mountinfo"], (c) => {
    c.mounts!.push({ destination: "/shared", type: "tmpfs", source: "tmpfs", options: ["rshared"] });
    c.mounts!.push({ destination: "/priv", type: "tmpfs", source: "tmpfs", options: ["private", "noexec", "nodev", "relatime"] });
    c.mounts!.push({ destination: "/rro", type: "bind", source: "tree", options: ["rbind", "rro"] });
    c.linux!.rootfsPropagation = "private";
  });
  t.teardown(() => cleanup(b));
  mkdirSync(join(b.bundle, "tree/sub"), { recursive: true });
  const r = rongqi(b.root, ["run", "-b", b.bundle, "pr"]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n").map((l) => l.split(" "));
  const at = (dest: string) => lines.find((l) => l[4] === dest);
  t.match(at("/shared")?.slice(6).join(" ") ?? "", /shared:\d+/, "rshared");
  t.notMatch(at("/priv")?.slice(6).join(" ") ?? "x", /shared:|master:/, "private");
  t.match(at("/priv")?.[5] ?? "", /nodev.*noexec.*relatime|nodev,noexec,relatime/, "flags applied");
  t.match(at("/rro")?.[5] ?? "", /^ro/, "rro made the bind read-only");
  t.notMatch(at("/")?.slice(6).join(" ") ?? "x", /shared:|master:/, "rootfsPropagation private");
});

t.test("a cwd that does not exist in the container is an error naming it", async (t) => {
  const b = makeBundle(["/bin/true"], (c) => {
    c.process!.cwd = "/no/such/dir";
  });
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["create", "-b", b.bundle, "cw"]);
  t.not(r.status, 0);
  t.match(r.stderr, /process\.cwd.*\/no\/such\/dir.*ENOENT/);
  t.same(readdirSync(b.root), []);
});

t.test("tmpcopyup: a tmpfs that starts with the directory's contents", async (t) => {
  const b = makeBundle(["sh", "-c", "grep ' /etc ' /proc/self/mounts | cut -d' ' -f3; cat /etc/seed; ls -l /etc/link | sed 's/.*-> //'; stat -c '%a %u' /etc/seed /etc/sub; echo new > /etc/new && echo written"], (c) => {
    c.root!.readonly = true;
    c.mounts!.push({ destination: "/etc", type: "tmpfs", source: "tmpfs", options: ["rw", "nosuid", "nodev", "tmpcopyup"] });
  });
  t.teardown(() => cleanup(b));
  writeFileSync(join(b.rootfs, "etc/seed"), "seeded\n");
  chmodSync(join(b.rootfs, "etc/seed"), 0o640);
  mkdirSync(join(b.rootfs, "etc/sub"), { mode: 0o750 });
  symlinkSync("seed", join(b.rootfs, "etc/link"));
  const r = rongqi(b.root, ["run", "-b", b.bundle, "tcu"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "tmpfs\nseeded\nseed\n640 0\n750 0\nwritten\n");
  t.notOk(existsSync(join(b.rootfs, "etc/new")), "writes stay in the tmpfs");
});

t.test("linux.memoryPolicy is the program's NUMA policy", async (t) => {
  const r = inside(t, "grep -c ' bind:0 ' /proc/self/numa_maps", (c) => {
    c.linux!.memoryPolicy = { mode: "MPOL_BIND", nodes: "0" };
  });
  t.equal(r.status, 0, r.stderr);
  t.ok(Number(r.stdout) > 0, "the process's mappings are bound to node 0");
});
