// Rootless: rongqi run by an unprivileged user. The test makes a user
// (useradd, removed with userdel -r at the end), gives it /etc/subuid and
// /etc/subgid ranges (both files restored afterwards), and runs bin/rongqi
// as that user with setpriv: the container sees itself as root with the
// mapped ids, cannot touch host files the user cannot, goes through the
// whole lifecycle with a per-user state root, maps more ids through
// newuidmap/newgidmap, and serves a rootless Podman (with runc alongside,
// to show the checks test the runtime and not Podman).
import t from "tap";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeRootfs, RONGQI, TOP } from "./_bundle.ts";
import { subordinateIds } from "../src/linux/subordinate_ids.ts";

const NAME = "rongqi-test-user";
const RANGE = 65536;

function which(name: string): string | undefined {
  for (const d of ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) if (existsSync(join(d, name))) return join(d, name);
  return undefined;
}

const missing = process.getuid?.() !== 0 ? "the rootless tests run as root (they make a user)"
  : ["useradd", "userdel", "setpriv"].find((b) => !which(b)) ? "useradd, userdel and setpriv are needed" : undefined;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

if (missing) {
  t.plan(0, `skipped: ${missing}`);
} else {
  t.setTimeout(300_000);
  main();
}

function main(): void {
  const undo: (() => void)[] = [];
  t.teardown(() => {
    for (const f of undo.reverse()) {
      try {
        f();
      } catch (err) {
        console.error(`rootless test cleanup: ${(err as Error).message}`);
      }
    }
  });

  // /etc/subuid and /etc/subgid as they were, before useradd adds to them.
  for (const file of ["/etc/subuid", "/etc/subgid"]) {
    const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    undo.push(() => (before === undefined ? rmSync(file, { force: true }) : writeFileSync(file, before)));
  }
  if (spawnSync("id", ["-u", NAME]).status === 0) spawnSync("userdel", ["-r", "-f", NAME]); // left by a killed run
  const added = spawnSync("useradd", ["-m", "-s", "/bin/sh", NAME], { encoding: "utf8" });
  if (added.status !== 0) throw new Error(`useradd failed: ${added.stderr}`);
  undo.push(() => void spawnSync("userdel", ["-r", "-f", NAME]));
  const uid = Number(spawnSync("id", ["-u", NAME], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", NAME], { encoding: "utf8" }).stdout.trim());
  const home = `/home/${NAME}`;
  // A range of subordinate ids for the user (useradd may have given one already).
  const sub: Record<string, number> = {};
  for (const [file, kind] of [["/etc/subuid", "uid"], ["/etc/subgid", "gid"]] as const) {
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    const mine = subordinateIds(text, { name: NAME, uid }).find((r) => r.count >= RANGE);
    if (mine) {
      sub[kind] = mine.start;
      continue;
    }
    const ends = text.split("\n").map((l) => l.split(":")).filter((f) => f.length === 3).map((f) => Number(f[1]) + Number(f[2]));
    sub[kind] = Math.max(100000, ...ends.filter(Number.isFinite));
    writeFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${NAME}:${sub[kind]}:${RANGE}\n`);
  }
  // The user must reach bin/rongqi, the pinned node and the helper.
  for (let d = TOP; ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      chmodSync(d, mode | 0o001);
      undo.push(() => chmodSync(d, mode));
    }
    if (d === "/") break;
  }
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-rootless-"));
  chmodSync(dir, 0o755);
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  const userDir = (name: string, mode = 0o755) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, gid);
    chmodSync(d, mode);
    return d;
  };
  const tmpRoot = `/tmp/rongqi-${uid}`;
  undo.push(() => rmSync(tmpRoot, { recursive: true, force: true }));

  let seq = 0;
  /** argv run as the user, with a clean environment; output in files (a container may hold them) */
  const asUser = (argv: string[], env: NodeJS.ProcessEnv = {}, timeout = 60_000): Result => {
    const base = join(dir, `out-${++seq}`);
    const out = openSync(`${base}.out`, "w+");
    const err = openSync(`${base}.err`, "w+");
    try {
      const r = spawnSync("setpriv", ["--reuid", String(uid), "--regid", String(gid), "--init-groups", "--", ...argv], {
        stdio: ["ignore", out, err], timeout, cwd: dir, killSignal: "SIGKILL",
        env: { PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", HOME: home, USER: NAME, LOGNAME: NAME, ...env },
      });
      return { status: r.status, stdout: readFileSync(`${base}.out`, "utf8"), stderr: readFileSync(`${base}.err`, "utf8") + (r.error ? `\n[${r.error.message}]` : "") };
    } finally {
      closeSync(out);
      closeSync(err);
    }
  };
  const rq = (args: string[], env?: NodeJS.ProcessEnv) => asUser([RONGQI, ...args], env);

  /** a bundle of the user's, with `rongqi spec --rootless` run by the user, edited */
  const bundle = (name: string, args: string[], edit?: (c: Record<string, any>) => void): string => {
    const b = userDir(name);
    mkdirSync(join(b, "rootfs"));
    makeRootfs(join(b, "rootfs"));
    spawnSync("chown", ["-R", `${uid}:${gid}`, b]);
    const spec = rq(["spec", "--rootless", "--bundle", b]);
    if (spec.status !== 0) throw new Error(`spec --rootless failed: ${spec.stderr}`);
    const config = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
    config.process.terminal = false;
    config.process.args = args;
    edit?.(config);
    writeFileSync(join(b, "config.json"), JSON.stringify(config, null, 2));
    return b;
  };

  const version = rq(["--version"]);
  if (version.status !== 0) throw new Error(`the user cannot run ${RONGQI}: ${version.stderr}`);

  t.test("root inside, the user outside: mapped ids, host files the user cannot touch stay out of reach", async (t) => {
    const secret = join(dir, "secret");
    writeFileSync(secret, "root only\n", { mode: 0o600 });
    const hostDir = join(dir, "host-dir");
    mkdirSync(hostDir, { mode: 0o755 });
    const script = [
      "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups",
      "cat /secret && echo READ-SECRET",
      "touch /host-dir/x && echo WROTE-HOST",
      "mknod /tmp/null c 1 3 && echo MADE-DEVICE",
      "echo >/dev/null && echo null-ok",
      "echo done",
    ].join("; ");
    const b = bundle("b1", ["sh", "-c", script], (c) => {
      c.root.readonly = false;
      c.mounts.push({ destination: "/secret", type: "bind", source: secret, options: ["bind"] });
      c.mounts.push({ destination: "/host-dir", type: "bind", source: hostDir, options: ["bind"] });
    });
    const r = rq(["run", "--bundle", b, "who"]);
    t.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n");
    t.same(lines.slice(0, 2), ["0", "0"], "uid and gid 0 inside");
    t.same(lines.slice(2, 4).map((l) => l.trim().split(/\s+/)), [["0", String(uid), "1"], ["0", String(gid), "1"]], "mapped to the user");
    t.equal(lines[4], "deny", "a map of the user's own gid needs setgroups denied");
    t.match(r.stderr, /cat: can't open '\/secret': Permission denied/);
    t.match(r.stderr, /touch: \/host-dir\/x: Permission denied/);
    t.notMatch(r.stdout, /READ-SECRET|WROTE-HOST|MADE-DEVICE/);
    t.match(r.stdout, /null-ok\ndone\n$/, "the devices are the host's, bind-mounted");
    t.notOk(existsSync(join(hostDir, "x")));
    const st = statSync(tmpRoot);
    t.equal(st.uid, uid, "without XDG_RUNTIME_DIR the state is in /tmp/rongqi-<uid>, the user's");
    t.equal(st.mode & 0o777, 0o700);
    t.same(readdirSync(tmpRoot), [], "nothing left after run");
  });

  t.test("the lifecycle as the user, state in $XDG_RUNTIME_DIR/rongqi", async (t) => {
    const xdg = userDir("xdg-run", 0o700);
    const env = { XDG_RUNTIME_DIR: xdg };
    const b = bundle("b2", ["sleep", "1000"]);
    t.teardown(() => void rq(["delete", "--force", "life"], env));
    const state = () => JSON.parse(rq(["state", "life"], env).stdout || "{}") as { status?: string; pid?: number };
    let r = rq(["create", "--bundle", b, "life"], env);
    t.equal(r.status, 0, r.stderr);
    t.ok(existsSync(join(xdg, "rongqi", "life", "state.json")), "state under $XDG_RUNTIME_DIR/rongqi");
    t.equal(state().status, "created");
    r = rq(["start", "life"], env);
    t.equal(r.status, 0, r.stderr);
    t.equal(state().status, "running");
    const pid = state().pid!;
    t.equal(statSync(`/proc/${pid}`).uid, uid, "the container's root is the user on the host");
    r = rq(["exec", "life", "sh", "-c", "id -u; echo $$"], env);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /^0\n\d+\n$/, "exec joins the user namespace as root");
    r = rq(["list", "-q"], env);
    t.equal(r.stdout, "life\n");
    r = rq(["kill", "life", "KILL"], env);
    t.equal(r.status, 0, r.stderr);
    for (let i = 0; i < 100 && state().status !== "stopped"; i++) await new Promise((res) => setTimeout(res, 50));
    t.equal(state().status, "stopped");
    r = rq(["delete", "life"], env);
    t.equal(r.status, 0, r.stderr);
    t.same(readdirSync(join(xdg, "rongqi")), []);
  });

  t.test("cgroups: skipped with a debug note when not delegated, but an explicit limit is an error", async (t) => {
    const log = join(userDir("logs"), "debug.log");
    const plain = bundle("b5", ["true"]);
    let r = rq(["--debug", "--log", log, "run", "--bundle", plain, "nocg"]);
    t.equal(r.status, 0, r.stderr);
    t.match(readFileSync(log, "utf8"), /rootless: no cgroup for the container: .*EACCES/);
    const limited = bundle("b6", ["true"], (c) => {
      c.linux.resources = { pids: { limit: 10 } };
    });
    r = rq(["run", "--bundle", limited, "limited"]);
    t.not(r.status, 0, "a pids limit that cannot be applied");
    t.match(r.stderr, /^rongqi: linux\.resources: the limits need a cgroup, and this user may not make one here .*EACCES/);
    t.same(readdirSync(tmpRoot), [], "no state left");
  });

  const noUidmap = !which("newuidmap") || !which("newgidmap") ? "newuidmap/newgidmap are not installed (.ci/run installs the uidmap package)" : false;
  t.test("more ids from /etc/subuid and /etc/subgid through newuidmap and newgidmap", { skip: noUidmap }, async (t) => {
    const shared = userDir("shared", 0o1777);
    const script = "id -u; id -g; cat /proc/self/uid_map; touch /shared/made-by-1000; echo ok";
    const b = bundle("b3", ["sh", "-c", script], (c) => {
      c.linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }, { containerID: 1, hostID: sub["uid"], size: RANGE }];
      c.linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }, { containerID: 1, hostID: sub["gid"], size: RANGE }];
      c.process.user = { uid: 1000, gid: 1000 };
      c.mounts.push({ destination: "/shared", type: "bind", source: shared, options: ["bind"] });
    });
    const r = rq(["run", "--bundle", b, "wide"]);
    t.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n");
    t.same(lines.slice(0, 2), ["1000", "1000"], "a user the namespace maps from the subordinate range");
    t.same(lines.slice(2, 4).map((l) => l.trim().split(/\s+/)), [["0", String(uid), "1"], ["1", String(sub["uid"]), String(RANGE)]]);
    const made = statSync(join(shared, "made-by-1000"));
    t.equal(made.uid, sub["uid"]! + 999, "uid 1000 inside is subuid start + 999 on the host");
    t.equal(made.gid, sub["gid"]! + 999);
  });

  t.test("ids the user was not given are refused before anything is made", async (t) => {
    const b = bundle("b4", ["true"], (c) => {
      c.linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }, { containerID: 1, hostID: 7_000_000, size: 10 }];
    });
    const r = rq(["run", "--bundle", b, "refused"]);
    t.not(r.status, 0);
    t.match(r.stderr, new RegExp(`^rongqi: linux\\.uidMappings\\[1\\]: host uids 7000000-7000009 cannot be mapped by ${NAME}: an unprivileged user maps its own uid \\(${uid}\\) and the ranges /etc/subuid gives it`));
    t.same(readdirSync(tmpRoot), [], "no state left");
  });

  const noPodman = !which("podman") || !which("conmon") || !which("newuidmap") ? "podman, conmon and newuidmap are needed (.ci/run installs podman, conmon and uidmap)" : false;
  t.test("rootless Podman with --runtime rongqi (and runc, for comparison): run, exec, stop, rm", { skip: noPodman }, async (t) => {
    const pdir = userDir("podman");
    const xdg = userDir("podman/run", 0o700);
    const conf = join(pdir, "containers.conf");
    writeFileSync(conf, `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "${pdir}/events.log"\n`);
    const env = { XDG_RUNTIME_DIR: xdg, CONTAINERS_CONF: conf, TMPDIR: userDir("podman/tmp") };
    const globals = ["--root", userDir("podman/storage"), "--runroot", userDir("podman/runroot"), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"];
    const podman = (args: string[], runtime?: string) => asUser(["podman", ...globals, ...(runtime ? ["--runtime", runtime] : []), ...args], env, 120_000);
    t.teardown(() => {
      podman(["rm", "-af", "-t", "0"]);
      const pause = join(xdg, "libpod/tmp/pause.pid");
      // Rootless Podman leaves its user namespace's holder process: ours, by its pid file.
      if (existsSync(pause)) {
        try {
          process.kill(Number(readFileSync(pause, "utf8").trim()), "SIGKILL");
        } catch {
          // already gone
        }
      }
    });
    const rootfs = join(pdir, "image-rootfs");
    makeRootfs(rootfs);
    const tar = join(pdir, "busybox.tar");
    spawnSync("tar", ["-C", rootfs, "-cf", tar, "."]);
    chownSync(tar, uid, gid);
    const image = "localhost/busybox:rongqi-rootless";
    const imported = podman(["import", tar, image]);
    t.equal(imported.status, 0, `podman import: ${imported.stderr}`);
    const runtimes: [string, string][] = [["rongqi", RONGQI]];
    const runc = which("runc");
    if (runc) runtimes.push(["runc", runc]);
    for (const [label, runtime] of runtimes) {
      t.test(label, async (t) => {
        let r = podman(["run", "--rm", "--network", "none", image, "sh", "-c", "id -u; cat /proc/self/uid_map"], runtime);
        t.equal(r.status, 0, `run: ${r.stderr}`);
        const [id, ...map] = r.stdout.trim().split("\n");
        t.equal(id, "0", "root in the container");
        t.same(map[0]?.trim().split(/\s+/), ["0", String(uid), "1"], "which is the user on the host");
        const name = `rq-rootless-${label}`;
        r = podman(["run", "-d", "--name", name, "--network", "none", image, "sleep", "1000"], runtime);
        t.equal(r.status, 0, `run -d: ${r.stderr}`);
        r = podman(["exec", name, "sh", "-c", "echo in-exec; id -u"], runtime);
        t.equal(r.status, 0, `exec: ${r.stderr}`);
        t.equal(r.stdout, "in-exec\n0\n");
        r = podman(["stop", "-t", "1", name], runtime);
        t.equal(r.status, 0, `stop: ${r.stderr}`);
        t.equal(podman(["inspect", "--format", "{{.State.Status}}", name]).stdout.trim(), "exited");
        r = podman(["rm", name], runtime);
        t.equal(r.status, 0, `rm: ${r.stderr}`);
        t.notMatch(podman(["ps", "-a", "--format", "{{.Names}}"]).stdout, name);
        if (label === "rongqi") t.ok(existsSync(join(xdg, "rongqi")), "rongqi kept its state in Podman's $XDG_RUNTIME_DIR/rongqi");
      });
    }
  });
}
