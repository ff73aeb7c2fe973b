import t from "tap";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecProcess } from "../linux/exec_plan.ts";
import { execProcess, parseGid, parseUser } from "./exec_process.ts";

const base: ExecProcess = {
  terminal: true, args: ["init"], env: ["PATH=/bin", "A=1"], cwd: "/", user: { uid: 0, gid: 0, additionalGids: [5] },
  capabilities: { bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"] }, noNewPrivileges: false,
};

t.test("from the container's process: the command as args, no terminal, the rest kept", async (t) => {
  const p = execProcess(base, { args: ["ls", "-l"] });
  t.same(p.args, ["ls", "-l"]);
  t.equal(p.terminal, false, "as runc: a terminal only with --tty");
  t.same(p.env, base.env);
  t.equal(p.cwd, "/");
  t.same(base.args, ["init"], "the container's config is not changed");
});

t.test("flags on top", async (t) => {
  const p = execProcess(base, {
    args: ["sh"], tty: true, cwd: "/tmp", env: ["B=2"], user: "1000:100", additionalGids: [7], caps: ["CAP_NET_RAW", "CAP_KILL"],
    noNewPrivs: true, processLabel: "lbl", apparmor: "prof",
  });
  t.equal(p.terminal, true);
  t.equal(p.cwd, "/tmp");
  t.same(p.env, ["PATH=/bin", "A=1", "B=2"]);
  t.same(p.user, { uid: 1000, gid: 100, additionalGids: [5, 7] });
  t.same(p.capabilities, {
    bounding: ["CAP_KILL", "CAP_NET_RAW"], effective: ["CAP_KILL", "CAP_NET_RAW"], permitted: ["CAP_KILL", "CAP_NET_RAW"],
    inheritable: ["CAP_NET_RAW", "CAP_KILL"], ambient: ["CAP_NET_RAW", "CAP_KILL"],
  });
  t.equal(p.noNewPrivileges, true);
  t.equal(p.selinuxLabel, "lbl");
  t.equal(p.apparmorProfile, "prof");
  t.same(base.user, { uid: 0, gid: 0, additionalGids: [5] }, "the base is untouched");
  t.equal(execProcess(base, { args: ["x"], user: "7" }).user.gid, 0, "uid alone keeps the gid");
});

t.test("--process FILE, with the flags on top", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-execproc-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "process.json");
  writeFileSync(file, JSON.stringify({ terminal: true, args: ["top"], cwd: "/", user: { uid: 1, gid: 1 } }));
  const p = execProcess(undefined, { processFile: file, env: ["X=1"] });
  t.same(p.args, ["top"]);
  t.equal(p.terminal, true, "the file's terminal stays");
  t.same(p.env, ["X=1"]);
  t.throws(() => execProcess(base, { processFile: file, args: ["ls"] }), /either --process FILE or a command, not both/);
  t.throws(() => execProcess(base, { processFile: join(dir, "nope.json") }), /process file .*nope\.json does not exist/);
});

t.test("what is refused", async (t) => {
  t.throws(() => execProcess(base, {}), /no command to run/);
  t.throws(() => execProcess(undefined, { args: ["x"] }), /has no process in its config/);
  t.throws(() => execProcess(base, { args: ["x"], cwd: "rel" }), /--cwd: "rel" must be an absolute path/);
  t.throws(() => execProcess(base, { args: ["x"], env: ["NOVALUE"] }), /--env: "NOVALUE" is not NAME=VALUE/);
  t.throws(() => execProcess(base, { args: ["x"], caps: ["NET_RAW"] }), /--cap: unknown capability "NET_RAW"/);
  t.same(parseUser("0"), { uid: 0 });
  t.same(parseUser("10:20"), { uid: 10, gid: 20 });
  t.throws(() => parseUser("root"), /--user: "root" is not a valid uid/);
  t.throws(() => parseUser("1:"), /--user: "" is not a valid gid/);
  t.throws(() => parseUser("4294967295"), /not a valid uid/, "-1 means unchanged to the kernel");
  t.equal(parseGid("42"), 42);
  t.throws(() => parseGid("-1"), /--additional-gids: "-1" is not a valid gid/);
});
