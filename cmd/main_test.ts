import t from "tap";
import { configureLog } from "../src/log.ts";
import { RongqiError } from "../src/errors.ts";
import { defineCommand, type AnyCommand, type CommandContext } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { main, versionText } from "./main.ts";

t.teardown(() => configureLog({}));

async function run(argv: string[], commands?: readonly AnyCommand[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, commands);
  return { code, out, err };
}

let seen: CommandContext | undefined;
const last = (): CommandContext | undefined => seen;
const probe = defineCommand({
  name: "probe",
  aliases: ["pr"],
  summary: "record what it was given",
  flags: [
    { name: "force", short: "f", type: "boolean", help: "force it" },
    { name: "pid-file", type: "string", value: "FILE", help: "write the pid" },
  ] as const,
  args: [{ name: "container-id" }, { name: "signal", optional: true }],
  run(ctx) {
    seen = ctx as unknown as CommandContext;
    if (ctx.args[0] === "fail") throw new RongqiError("it failed", { exitCode: 3 });
    if (ctx.args[0] === "crash") throw new TypeError("plain bug");
    return ctx.args[1] === "7" ? 7 : undefined;
  },
});
const TEST_COMMANDS = [...COMMANDS, probe];

t.test("--version and -v", async (t) => {
  for (const argv of [["--version"], ["-v"], ["--version=true"], ["--root", "/x", "--version"]]) {
    const r = await run(argv);
    t.equal(r.code, 0, argv.join(" "));
    t.equal(r.out, versionText());
  }
  t.match(versionText(), /^rongqi version \d+\.\d+\.\d+\nspec: 1\.3\.0\nnode: v24\.\d+\.\d+\n$/);
});

t.test("help", async (t) => {
  for (const argv of [[], ["--help"], ["-h"], ["help"], ["h"]]) {
    const r = await run(argv, TEST_COMMANDS);
    t.equal(r.code, 0);
    t.match(r.out, /^rongqi - an OCI container runtime\n/);
    for (const c of TEST_COMMANDS) t.match(r.out, new RegExp(`\\n  ${c.name}\\b.*${c.summary}`), `lists ${c.name}`);
    for (const f of ["--debug", "--log FILE", "--log-format FORMAT", "--root DIR", "--systemd-cgroup", "--rootless WHEN", "--version"]) {
      t.ok(r.out.includes(f), `documents ${f}`);
    }
  }
  for (const c of TEST_COMMANDS) {
    const forms = [["help", c.name], [c.name, "--help"], [c.name, "-h"], [c.name, "--help=true"]];
    for (const argv of forms) {
      const r = await run(argv, TEST_COMMANDS);
      t.equal(r.code, 0, argv.join(" "));
      t.match(r.out, new RegExp(`^Usage: rongqi ${c.name}\\b`), argv.join(" "));
      for (const f of c.flags) t.ok(r.out.includes(`--${f.name}`), `${c.name} help documents --${f.name}`);
      t.equal(r.err, "");
    }
  }
  const r = await run(["help", "probe"], TEST_COMMANDS);
  t.match(r.out, /^Usage: rongqi probe \[options\] <container-id> \[<signal>\]\n/);
  t.match(r.out, /\n  -f, --force +force it\n/);
  t.match(r.out, /\n      --pid-file FILE +write the pid\n/);
  t.match(r.out, /Aliases: pr/);
});

t.test("flags reach the command, typed, in both forms", async (t) => {
  for (const argv of [
    ["--root", "/r", "--log-format", "text", "--rootless", "true", "probe", "--force", "--pid-file", "/p", "id"],
    ["--root=/r", "--log-format=text", "--rootless=true", "probe", "-f", "--pid-file=/p", "id"],
    ["-root", "/r", "--rootless", "true", "pr", "id", "--force=true", "-pid-file", "/p"],
  ]) {
    seen = undefined;
    const r = await run(argv, TEST_COMMANDS);
    t.equal(r.code, 0, argv.join(" "));
    t.same(last()?.flags, { force: true, "pid-file": "/p" });
    t.same(last()?.args, ["id"]);
    t.same(last()?.globals, { root: "/r", debug: false, log: undefined, logFormat: "text", rootless: "true" });
  }
  await run(["probe", "id"], TEST_COMMANDS);
  t.same(seen?.globals, { root: "/run/rongqi", debug: false, log: undefined, logFormat: "text", rootless: "auto" }, "defaults");
  t.same(seen?.flags, { force: false, "pid-file": undefined });
  t.equal((await run(["probe", "id", "7"], TEST_COMMANDS)).code, 7, "a command's exit code is the CLI's");
});

t.test("errors: one line, the error's exit code", async (t) => {
  let r = await run(["probe", "fail"], TEST_COMMANDS);
  t.same([r.code, r.err, r.out], [3, "rongqi: it failed\n", ""]);
  r = await run(["probe", "crash"], TEST_COMMANDS);
  t.same([r.code, r.err], [1, "rongqi: plain bug\n"], "no stack trace");
});

t.test("every rejected input", async (t) => {
  const cases: [string[], string][] = [
    [["sepc"], `rongqi: unknown command "sepc" (did you mean "spec"?); 'rongqi help' lists the commands\n`],
    [["frobnicate"], `rongqi: unknown command "frobnicate"; 'rongqi help' lists the commands\n`],
    [["help", "sepc"], `rongqi: unknown command "sepc" (did you mean "spec"?); 'rongqi help' lists the commands\n`],
    [["help", "spec", "x"], `rongqi: "help" takes at most one argument: the command\n`],
    [["--bogus", "spec"], "rongqi: unknown flag --bogus for rongqi\n"],
    [["--debgu", "spec"], "rongqi: unknown flag --debgu for rongqi (did you mean --debug?)\n"],
    [["spec", "--bundel", "x"], `rongqi: unknown flag --bundel for "spec" (did you mean --bundle?)\n`],
    [["spec", "--debug"], `rongqi: unknown flag --debug for "spec": --debug is a global option: put it before the command (rongqi --debug ... spec)\n`],
    [["--log-format", "xml", "spec"], `rongqi: invalid value "xml" for --log-format: must be one of text, json\n`],
    [["--rootless", "maybe", "spec"], `rongqi: invalid value "maybe" for --rootless: must be one of true, false, auto\n`],
    [["--debug=yes", "spec"], `rongqi: invalid value "yes" for --debug: expected true or false\n`],
    [["--root"], "rongqi: flag --root needs a value (DIR)\n"],
    [["--log"], "rongqi: flag --log needs a value (FILE)\n"],
    [["--systemd-cgroup", "features"], "rongqi: --systemd-cgroup: the systemd cgroup manager is not supported yet; rongqi manages cgroups through cgroupfs only\n"],
    [["--systemd-cgroup=true", "features"], "rongqi: --systemd-cgroup: the systemd cgroup manager is not supported yet; rongqi manages cgroups through cgroupfs only\n"],
    [["--log", "/nonexistent-dir/x.log", "features"], "rongqi: --log /nonexistent-dir/x.log: cannot open: ENOENT: no such file or directory, open '/nonexistent-dir/x.log'\n"],
    [["spec", "extra"], `rongqi: "spec" takes no arguments, got "extra"\n`],
    [["features", "a", "b"], `rongqi: "features" takes no arguments, got "a"\n`],
    [["probe"], `rongqi: "probe" needs <container-id> (usage: rongqi probe <container-id> [<signal>])\n`],
    [["probe", "a", "b", "c"], `rongqi: "probe" takes at most 2 arguments (<container-id> [<signal>]), got 3\n`],
    [["probe", "--pid-file"], "rongqi: flag --pid-file needs a value (FILE)\n"],
  ];
  for (const [argv, err] of cases) {
    const r = await run(argv, TEST_COMMANDS);
    t.same([r.code, r.err, r.out], [1, err, ""], argv.join(" "));
  }
});

t.test("--systemd-cgroup=false is accepted", async (t) => {
  const r = await run(["--systemd-cgroup=false", "probe", "x"], TEST_COMMANDS);
  t.equal(r.code, 0);
});
