import t from "tap";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProcess } from "./load_process.ts";
import { ValidationError } from "./validation_error.ts";
import { fullConfig } from "./testdata/configs.ts";

function file(t: { teardown(fn: () => void): void }, content: string, name = "process.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-process-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

t.test("a good process document loads", (t) => {
  const proc = fullConfig().process!;
  const warnings: string[] = [];
  t.same(loadProcess(file(t, JSON.stringify(proc)), warnings), proc);
  t.same(warnings, []);
  t.end();
});

t.test("problems use the file's name and pointers from the process", (t) => {
  const doc = {
    cwd: "tmp",
    args: [],
    rlimits: [
      { type: "RLIMIT_CORE", soft: 1, hard: 1 },
      { type: "RLIMIT_CORE", soft: 2, hard: 1 },
    ],
  };
  const path = file(t, JSON.stringify(doc), "exec.json");
  t.throws(() => loadProcess(path), {
    constructor: ValidationError,
    message: [
      'exec.json: /cwd: "tmp" is not an absolute path (it must start with /)',
      "exec.json: /args: must have at least one entry",
      "exec.json: /rlimits/1/type: duplicate rlimit RLIMIT_CORE: entry 0 sets it already",
      "exec.json: /rlimits/1/soft: 2 is above the hard limit 1",
    ].join("\n"),
  });
  t.end();
});

t.test("warnings are appended with the same prefix", (t) => {
  const warnings: string[] = ["earlier"];
  loadProcess(file(t, JSON.stringify({ cwd: "/", args: ["sh"], commandLine: "sh", capabilities: { bounding: ["CAP_X"] } })), warnings);
  t.same(warnings, [
    "earlier",
    "process.json: /commandLine: unknown property, ignored",
    'process.json: /capabilities/bounding/0: "CAP_X" is not a known capability, ignored',
  ]);
  t.end();
});

t.test("invalid JSON and missing files", (t) => {
  t.throws(() => loadProcess(file(t, '{"cwd": "/",\n"args": ["sh"]]')), {
    message: 'process.json: invalid JSON at line 2, column 15: expected "," or "}" after property value, found "]"',
  });
  t.throws(() => loadProcess("/nonexistent/process.json"), { message: "process file /nonexistent/process.json does not exist" });
  t.throws(() => loadProcess(file(t, "[]")), { message: "process.json: must be an object, not an array" });
  t.end();
});
