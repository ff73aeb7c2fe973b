// The class of CVE-2019-5736: a container rewrites the runtime's binary on
// the host through /proc/PID/exe of a runtime process that is in the
// container's namespaces. rongqi's only such process is the native helper
// (the Node runtime never enters a container's namespaces): while it waits in
// `created`, and while it enters a container for `exec`. Each test attacks it
// from inside a real container, as a privileged one could (CAP_SYS_PTRACE
// gets past the helper being non-dumpable): hold /proc/PID/exe open, let the
// helper exec the container's program, then reopen the held file for
// writing. The attack appends a few bytes, which leaves an ELF runnable; the
// teardown puts the binary back should the attack ever succeed.
import t, { type Test } from "tap";
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cleanup, makeBundle, RONGQI, rongqi } from "../_bundle.ts";
import type { Config } from "../../src/spec/types/config.ts";
import { digest, HELPER, innerPid, settledLeftovers, stateOf, uniqueId, waitFor, waitForFile } from "./_harness.ts";

const before = { digest: digest(HELPER), size: readFileSync(HELPER).length };
t.teardown(() => {
  if (digest(HELPER) !== before.digest) truncateSync(HELPER, before.size);
});

const withPtrace = (c: Config) => {
  for (const set of ["bounding", "effective", "permitted"] as const) c.process!.capabilities![set]!.push("CAP_SYS_PTRACE");
};

/**
 * The attacker's script: records what /proc/$1/exe is, holds it open as
 * fd 5, says "ready" and waits for "go" (the test has let the helper exec
 * by then), then tries to append to the held file. Results land in /tmp of
 * the attacker's rootfs, which the test reads from the host.
 */
const ATTACK = `
t=/tmp/attack
readlink /proc/$1/exe > $t.exe
for p in /proc/[0-9]*; do readlink $p/exe; done > $t.all 2>/dev/null
( echo PWNED >> /proc/$1/exe ) 2> $t.direct-err; echo $? > $t.direct
exec 5< /proc/$1/exe; echo $? > $t.held
touch $t.ready
while [ ! -e $t.go ]; do sleep 0.05; done
( echo PWNED >> /proc/self/fd/5 ) 2> $t.write-err; echo $? > $t.wrote
touch $t.done
`;

function checkAttack(t: Test, rootfs: string) {
  const r = (name: string) => readFileSync(join(rootfs, `tmp/attack.${name}`), "utf8").trim();
  const exe = r("exe");
  t.equal(r("held"), "0", "the attacker could open /proc/PID/exe of the helper (it has CAP_SYS_PTRACE)");
  t.match(exe, /^\/memfd:rongqi-init/, `the helper runs from a sealed memfd copy (exe is ${exe})`);
  t.notMatch(r("all"), new RegExp(`${HELPER}|/node$`), "no process in the container runs a host binary of rongqi or Node");
  t.not(r("direct"), "0", `writing /proc/PID/exe directly fails: ${r("direct-err")}`);
  t.not(r("wrote"), "0", `writing the held exe after the helper exec'd fails: ${r("write-err")}`);
  t.equal(digest(HELPER), before.digest, "build/rongqi-init is unchanged");
}

t.test("created: the helper waiting for start cannot be rewritten from a container sharing its pid namespace", async (t) => {
  const a = makeBundle(["sleep", "1000"]);
  const ida = uniqueId("exe-a");
  t.teardown(() => cleanup(a));
  t.equal(rongqi(a.root, ["create", "-b", a.bundle, ida]).status, 0);
  const pidA = stateOf(a.root, ida).pid;

  const b = makeBundle(["sh", "-c", ATTACK, "sh", "1"], (c) => {
    withPtrace(c);
    c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === "pid" ? { type: "pid", path: `/proc/${pidA}/ns/pid` } : n));
  });
  const idb = uniqueId("exe-b");
  t.teardown(() => cleanup(b));
  const rb = rongqi(b.root, ["run", "-d", "-b", b.bundle, idb]);
  t.equal(rb.status, 0, rb.stderr);
  await waitForFile(join(b.rootfs, "tmp/attack.ready"));

  t.equal(rongqi(a.root, ["start", ida]).status, 0);
  await waitFor("the helper to exec sleep", () => stateOf(a.root, ida).status === "running");
  writeFileSync(join(b.rootfs, "tmp/attack.go"), "");
  await waitForFile(join(b.rootfs, "tmp/attack.done"));
  checkAttack(t, b.rootfs);

  t.equal(rongqi(b.root, ["delete", "--force", idb]).status, 0);
  t.equal(rongqi(a.root, ["delete", "--force", ida]).status, 0);
  t.same(await settledLeftovers(a, [ida]), []);
  t.same(await settledLeftovers(b, [idb]), []);
});

t.test("exec: a process running /proc/self/exe (the #!/proc/self/exe trick) reaches only the sealed copy", async (t) => {
  const a = makeBundle(["sleep", "1000"], withPtrace);
  const id = uniqueId("exe-x");
  t.teardown(() => cleanup(a));
  t.equal(rongqi(a.root, ["run", "-d", "-b", a.bundle, id]).status, 0);

  // `rongqi exec id /proc/self/exe 3`: the exec'd program is whatever the
  // helper runs from; given fd 3 (a fifo nobody writes), it waits reading it.
  const fifo = join(a.dir, "plan.fifo");
  spawnSync("mkfifo", [fifo]);
  const fd = openSync(fifo, "r+");
  const pidFile = join(a.dir, "exec.pid");
  const out = openSync(join(a.dir, "exec.out"), "w");
  const ex = spawnSync(RONGQI, ["--root", a.root, "exec", "-d", "--preserve-fds", "1", "--pid-file", pidFile, id, "/proc/self/exe", "3"], {
    stdio: ["ignore", out, out, fd], timeout: 30_000,
  });
  closeSync(fd);
  closeSync(out);
  t.equal(ex.status, 0, readFileSync(join(a.dir, "exec.out"), "utf8"));
  const victim = Number(readFileSync(pidFile, "utf8"));
  await waitFor("the exec'd helper to run", () => readFileSync(`/proc/${victim}/cmdline`, "utf8").startsWith("/proc/self/exe\0"));

  const attacker = spawnSync(RONGQI, ["--root", a.root, "exec", "-d", id, "sh", "-c", ATTACK, "sh", String(innerPid(victim))], { stdio: "ignore", timeout: 30_000 });
  t.equal(attacker.status, 0, "attacker exec'd");
  await waitForFile(join(a.rootfs, "tmp/attack.ready"));
  process.kill(victim, "SIGKILL");
  await waitFor("the victim to exit", () => {
    try {
      return readFileSync(`/proc/${victim}/stat`, "utf8").includes(") Z ");
    } catch {
      return true;
    }
  });
  writeFileSync(join(a.rootfs, "tmp/attack.go"), "");
  await waitForFile(join(a.rootfs, "tmp/attack.done"));
  checkAttack(t, a.rootfs);

  t.equal(rongqi(a.root, ["delete", "--force", id]).status, 0);
  t.same(await settledLeftovers(a, [id]), []);
});

t.test("without CAP_SYS_PTRACE the waiting helper's exe cannot even be opened: it is not dumpable", async (t) => {
  const a = makeBundle(["sleep", "1000"]);
  const ida = uniqueId("dump-a");
  t.teardown(() => cleanup(a));
  t.equal(rongqi(a.root, ["create", "-b", a.bundle, ida]).status, 0);
  const pidA = stateOf(a.root, ida).pid;
  const b = makeBundle(["sh", "-c", "(exec 5< /proc/1/exe) 2>/dev/null && echo opened || echo refused; (readlink /proc/1/fd/0 >/dev/null 2>&1) && echo fds || echo no-fds"], (c) => {
    c.linux!.namespaces = c.linux!.namespaces!.map((n) => (n.type === "pid" ? { type: "pid", path: `/proc/${pidA}/ns/pid` } : n));
  });
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("dump-b")]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "refused\nno-fds\n");
  t.equal(rongqi(a.root, ["delete", "--force", ida]).status, 0);
  t.same(await settledLeftovers(a, [ida]), []);
});
