// The built CLI (bin/rongqi -> dist/rongqi.mjs) as callers run it.
import t from "tap";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshBuild } from "./_fresh_build.ts";

const RONGQI = freshBuild();
const dir = mkdtempSync(join(tmpdir(), "rongqi-cli-"));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
/** A new bundle directory with an (empty) rootfs directory, as check requires. */
function fresh(name: string): string {
  const d = join(dir, `${name}-${++seq}`);
  mkdirSync(join(d, "rootfs"), { recursive: true });
  return d;
}

function rongqi(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(RONGQI, args, { encoding: "utf8", cwd: opts.cwd ?? dir, env: opts.env ?? process.env, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

t.test("--version by absolute path from a bare environment", (t) => {
  const r = spawnSync("env", ["-i", "PATH=/usr/bin:/bin", RONGQI, "--version"], { encoding: "utf8", cwd: "/" });
  t.equal(r.status, 0);
  t.equal(r.stderr, "");
  t.match(r.stdout, /^rongqi version \d+\.\d+\.\d+\nspec: 1\.3\.0\nnode: v24\.\d+\.\d+\n$/);
  t.end();
});

t.test("spec then check, in the current directory and with --bundle", (t) => {
  const cwd = fresh("cwd");
  let r = rongqi(["spec"], { cwd });
  t.same([r.code, r.out, r.err], [0, "", ""]);
  const config = JSON.parse(readFileSync(join(cwd, "config.json"), "utf8"));
  t.equal(config.ociVersion, "1.3.0");
  t.same(config.process.args, ["sh"]);
  r = rongqi(["check"], { cwd });
  t.equal(r.code, 0, r.err);
  t.equal(r.out, `${join(cwd, "config.json")}: valid\n`);

  for (const form of [["-b"], ["--bundle"], ["--bundle="]]) {
    const b = fresh("bundle");
    const args = form[0]!.endsWith("=") ? [form[0] + b] : [form[0]!, b];
    r = rongqi(["spec", ...args]);
    t.equal(r.code, 0, `spec ${args.join(" ")}`);
    r = rongqi(["check", ...args]);
    t.equal(r.code, 0, `check ${args.join(" ")}: ${r.err}`);
  }
  t.end();
});

t.test("spec --rootless then check", (t) => {
  const b = fresh("rootless");
  let r = rongqi(["spec", "--rootless", "--bundle", b]);
  t.equal(r.code, 0, r.err);
  const config = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
  t.same(config.linux.uidMappings, [{ containerID: 0, hostID: process.geteuid!(), size: 1 }]);
  t.ok(config.linux.namespaces.some((n: { type: string }) => n.type === "user"));
  r = rongqi(["check", "--bundle", b]);
  t.equal(r.code, 0, r.err);
  t.end();
});

t.test("spec refuses to overwrite config.json", (t) => {
  const b = fresh("exists");
  writeFileSync(join(b, "config.json"), "{ mine }");
  const r = rongqi(["spec", "-b", b]);
  t.same([r.code, r.out, r.err], [1, "", `rongqi: ${join(b, "config.json")} exists: remove it first\n`]);
  t.equal(readFileSync(join(b, "config.json"), "utf8"), "{ mine }", "left alone");
  const missing = rongqi(["spec", "-b", join(b, "nope")]);
  t.same([missing.code, missing.err], [1, `rongqi: bundle directory ${join(b, "nope")} does not exist\n`]);
  t.end();
});

t.test("check lists every problem, one line each, and exits 1", (t) => {
  const b = fresh("invalid");
  const r0 = rongqi(["spec", "-b", b]);
  t.equal(r0.code, 0);
  const config = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
  config.process.cwd = "relative";
  config.linux.namespaces.push({ type: "netz" });
  config.hostname = 7;
  writeFileSync(join(b, "config.json"), JSON.stringify(config));
  const r = rongqi(["check", "-b", b]);
  t.equal(r.code, 1);
  t.equal(r.out, "");
  const lines = r.err.trimEnd().split("\n");
  t.ok(lines.length >= 3, `all problems listed:\n${r.err}`);
  for (const l of lines) t.match(l, /^rongqi: /, "every line is marked");
  t.match(r.err, /\/process\/cwd/);
  t.match(r.err, /\/linux\/namespaces\/6\/type/);
  t.match(r.err, /\/hostname/);
  t.notMatch(r.err, /\n\s+at /, "no stack trace");

  const none = rongqi(["check", "-b", fresh("empty")]);
  t.equal(none.code, 1);
  t.match(none.err, /^rongqi: .*config\.json/);
  t.end();
});

t.test("check prints warnings and still succeeds", (t) => {
  const b = fresh("warn");
  rongqi(["spec", "-b", b]);
  const config = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
  config.somethingNew = true;
  writeFileSync(join(b, "config.json"), JSON.stringify(config));
  const r = rongqi(["check", "-b", b]);
  t.equal(r.code, 0, r.err);
  t.match(r.err, /^rongqi: warning: .*somethingNew/m);
  t.match(r.out, /: valid \(\d+ warnings?\)\n$/);
  t.end();
});

t.test("features prints the document", (t) => {
  const r = rongqi(["features"]);
  t.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  t.equal(doc.ociVersionMax, "1.3.0");
  t.equal(doc.linux.namespaces.length, 8);
  t.equal(doc.linux.capabilities.length, 41);
  const piped = spawnSync("sh", ["-c", `"${RONGQI}" features | head -c 1`], { encoding: "utf8" });
  t.same([piped.status, piped.stdout, piped.stderr], [0, "{", ""], "a closed pipe is not an error");
  t.end();
});

function jsonLines(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, "utf8");
  t.ok(text.endsWith("\n"), "the log ends with a newline");
  return text.trimEnd().split("\n").map((line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    t.type(record.level, "string");
    t.type(record.msg, "string");
    t.match(record.time as string, RFC3339_NANO);
    return record;
  });
}

t.test("--log FILE --log-format json: the shim's and conmon's spellings", (t) => {
  const b = fresh("jsonlog");
  writeFileSync(join(b, "config.json"), "{}");
  const shim = join(b, "shim.json");
  const conmon = join(b, "conmon.json");
  for (const [log, args] of [
    [shim, ["--root", join(b, "root"), "--log", shim, "--log-format", "json"]],
    [conmon, ["--log-format=json", `--log=${conmon}`]],
  ] as const) {
    const r = rongqi([...args, "spec", "--bundle", b]);
    t.equal(r.code, 1);
    const message = `${join(b, "config.json")} exists: remove it first`;
    t.equal(r.err, `rongqi: ${message}\n`, "stderr still gets the one line");
    const records = jsonLines(log);
    t.equal(records.length, 1, "quiet unless --debug");
    t.same(records.at(-1)?.level, "error");
    t.same(records.at(-1)?.msg, message, "the last error record is what containerd reports");
  }
  t.end();
});

t.test("--debug adds debug records and the stack, in the log only", (t) => {
  const b = fresh("debuglog");
  writeFileSync(join(b, "config.json"), "{}");
  const log = join(b, "log.json");
  const r = rongqi(["--debug", "--log", log, "--log-format", "json", "spec", "-b", b]);
  t.equal(r.code, 1);
  t.equal(r.err.split("\n").length, 2, "one line on stderr");
  const records = jsonLines(log);
  t.ok(records.some((rec) => rec.level === "debug" && /^rongqi .*spec/.test(rec.msg as string)), "the command line is logged");
  t.ok(records.some((rec) => rec.level === "debug" && /\n\s+at /.test(rec.msg as string)), "the stack is logged");
  t.ok(records.some((rec) => rec.level === "error"));

  const ok = join(b, "ok.json");
  const r2 = rongqi(["--debug=false", "--log", ok, "--log-format", "json", "features"]);
  t.equal(r2.code, 0);
  t.equal(readFileSync(ok, "utf8"), "", "--debug=false: nothing to log on success");
  t.end();
});

t.test("--log FILE in text format", (t) => {
  const b = fresh("textlog");
  writeFileSync(join(b, "config.json"), "{}");
  const log = join(b, "log.txt");
  const r = rongqi(["--log", log, "spec", "-b", b]);
  t.equal(r.code, 1);
  t.match(readFileSync(log, "utf8"), /^time=\S+ level=error msg=".* exists: remove it first"\n$/);
  t.end();
});

t.test("--debug without --log: debug records go to stderr after the error line", (t) => {
  const r = rongqi(["--debug", "sepc"]);
  t.equal(r.code, 1);
  const lines = r.err.trimEnd().split("\n");
  t.equal(lines.at(-1)?.startsWith("time="), true, "the stack follows as a debug record");
  t.match(r.err, /^rongqi: unknown command "sepc" \(did you mean "spec"\?\)/m);
  t.end();
});

t.test("usage errors from the binary", (t) => {
  for (const [args, err] of [
    [["sepc"], /^rongqi: unknown command "sepc" \(did you mean "spec"\?\)/],
    [["spec", "--bundel", "x"], /^rongqi: unknown flag --bundel for "spec" \(did you mean --bundle\?\)\n$/],
    [["--systemd-cgroup", "features"], /^rongqi: --systemd-cgroup: the systemd cgroup manager is not supported yet/],
  ] as const) {
    const r = rongqi([...args]);
    t.equal(r.code, 1, args.join(" "));
    t.match(r.err, err);
    t.equal(r.err.split("\n").length, 2, "one line");
  }
  t.end();
});
