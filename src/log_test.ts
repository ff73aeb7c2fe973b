import t from "tap";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureLog, log } from "./log.ts";
import { rfc3339Nano } from "./_log_format.ts";

const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

t.test("json records: one object per line with level, msg, time", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-log-"));
  t.teardown(() => {
    configureLog({});
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, "log.json");
  configureLog({ file, format: "json", level: "debug" });
  log.debug("first", { bundle: "/b", n: 3 });
  log.info('with "quotes"\nand a newline');
  log.warn("careful");
  log.error("failed", { msg: "not the real msg", err: new Error("boom") });
  const lines = readFileSync(file, "utf8").split("\n");
  t.equal(lines.pop(), "", "ends with a newline");
  t.equal(lines.length, 4);
  const records = lines.map((l) => JSON.parse(l));
  t.same(records.map((r) => r.level), ["debug", "info", "warning", "error"], "logrus level names");
  for (const r of records) {
    t.type(r.msg, "string");
    t.match(r.time, RFC3339_NANO);
    t.same(Object.keys(r).slice(0, 3), ["level", "msg", "time"]);
  }
  t.equal(records[0].bundle, "/b");
  t.equal(records[0].n, 3);
  t.equal(records[1].msg, 'with "quotes"\nand a newline');
  t.equal(records[3].msg, "failed", "a field never replaces msg");
  t.equal(records[3]["fields.msg"], "not the real msg");
  t.equal(records[3].err, "boom", "errors become their message");
  t.end();
});

t.test("level threshold and appending", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-log-"));
  t.teardown(() => {
    configureLog({});
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, "log.txt");
  configureLog({ file, format: "text" });
  t.equal(log.enabled("debug"), false);
  t.equal(log.enabled("info"), true);
  log.debug("hidden");
  log.info("shown", { path: "/a b" });
  configureLog({ file, format: "text", level: "error" });
  log.warn("hidden too");
  log.error("kept");
  const text = readFileSync(file, "utf8");
  t.notMatch(text, /hidden/);
  t.match(text, /^time=\S+ level=info msg=shown path="\/a b"\n/);
  t.match(text, /level=error msg=kept\n$/);
  t.same(log.options, { level: "error", format: "text", file });
  t.end();
});

t.test("bad settings are refused", (t) => {
  t.throws(() => configureLog({ format: "xml" as "json" }), /unknown log format/);
  t.throws(() => configureLog({ level: "loud" as "info" }), /unknown log level/);
  t.throws(() => configureLog({ file: "/nonexistent-dir/x.log" }), { code: "ENOENT" });
  t.equal(log.options.file, undefined, "a failed configuration leaves the old one");
  t.end();
});

t.test("rfc3339Nano", (t) => {
  t.equal(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5) + 0.25), "2026-01-02T03:04:05.00025Z");
  t.equal(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5)), "2026-01-02T03:04:05Z", "zero fraction trimmed like Go");
  t.equal(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5) + 123.456), "2026-01-02T03:04:05.123456Z");
  t.equal(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5) + 999.9999), "2026-01-02T03:04:06Z", "rounding carries into the seconds");
  t.match(rfc3339Nano(), RFC3339_NANO);
  t.end();
});
