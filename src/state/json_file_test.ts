import t, { type Test } from "tap";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SyscallError } from "../errors.ts";
import { readJson, TEMP_PREFIX, writeFileAtomic, writeJsonAtomic } from "./json_file.ts";

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-json-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("writes, replaces and reads back; mode 0600 for JSON, 0644 for plain files; no temp left", (t) => {
  const dir = tempDir(t);
  const path = join(dir, "state.json");
  writeJsonAtomic(path, { id: "web", pid: 1 });
  writeJsonAtomic(path, { id: "web", pid: 2, nested: { a: [1, "x"] } });
  t.same(readJson(path), { id: "web", pid: 2, nested: { a: [1, "x"] } });
  t.equal(readFileSync(path, "utf8").endsWith("}\n"), true);
  t.equal(statSync(path).mode & 0o777, 0o600);
  writeFileAtomic(join(dir, "pid"), "1234");
  t.equal(readFileSync(join(dir, "pid"), "utf8"), "1234");
  t.equal(statSync(join(dir, "pid")).mode & 0o777, 0o644 & ~process.umask());
  t.same(readdirSync(dir).sort(), ["pid", "state.json"]);
  t.end();
});

t.test("clear errors: missing directory, unwritable value, corrupt and missing files", (t) => {
  const dir = tempDir(t);
  const err = t.throws(() => writeJsonAtomic(join(dir, "no", "state.json"), {})) as SyscallError;
  t.ok(err instanceof SyscallError);
  t.match(err.message, new RegExp(`^writing "${dir}/no/state.json": open ".*": ENOENT \\(No such file or directory\\)$`));
  t.throws(() => writeJsonAtomic(join(dir, "x.json"), undefined), { message: /cannot be written as JSON/ });
  t.same(readdirSync(dir), []);

  writeFileSync(join(dir, "bad.json"), '{"id": ');
  t.throws(() => readJson(join(dir, "bad.json")), { message: new RegExp(`^"${dir}/bad.json" is corrupt: not valid JSON \\(.+\\)$`) });
  writeFileSync(join(dir, "empty.json"), "");
  t.throws(() => readJson(join(dir, "empty.json")), { message: `"${dir}/empty.json" is corrupt: not valid JSON (the file is empty)` });
  t.throws(() => readJson(join(dir, "missing.json")), {
    code: "ENOENT",
    message: `reading "${dir}/missing.json": open "${dir}/missing.json": ENOENT (No such file or directory)`,
  });
  t.end();
});

t.test("ENOSPC and EROFS: named in the error, no temp file left, old content kept", async (t) => {
  const dir = tempDir(t);
  const helper = fileURLToPath(new URL("./testdata/json_file_failures.ts", import.meta.url));
  const { stdout } = await promisify(execFile)("unshare", ["-m", "--propagation", "private", process.execPath, helper, dir]);
  const out = JSON.parse(stdout);
  const file = join(dir, "state.json");
  t.same(out.enospc, {
    error: `writing "${file}": write: ENOSPC (No space left on device)`,
    code: "ENOSPC",
    files: ["state.json"],
    kept: { version: 1 },
  });
  t.equal(out.erofs.code, "EROFS");
  t.match(out.erofs.error, new RegExp(`^writing "${file}": open ".*": EROFS \\(Read-only file system\\)$`));
  t.same(out.erofs.files, ["state.json"]);
  t.same(out.erofs.kept, { version: 1 });
  t.same(readdirSync(dir), [], "the mounts lived only in the helper's namespace");
});

t.test("a temp file left by a dead process with our pid does not stop the next write", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-json-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "state.json");
  // the names this process will use next: plant a leftover for each of the first few
  for (let n = 1; n <= 50; n++) writeFileSync(join(dir, `${TEMP_PREFIX}state.json-${process.pid}-${n}`), "stale");
  writeJsonAtomic(path, { ok: true });
  t.same(readJson(path), { ok: true });
  t.end();
});
