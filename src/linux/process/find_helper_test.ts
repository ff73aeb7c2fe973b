import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import t from "tap";
import { findHelper } from "./find_helper.ts";
import { removeDir, tempDir } from "./_testing.ts";

const top = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

t.test("from source and from the bundle's place", async (t) => {
  t.equal(findHelper(), join(top, "build/rongqi-init"));
  t.equal(findHelper(pathToFileURL(join(top, "dist/rongqi.mjs")).href), join(top, "build/rongqi-init"));
});

t.test("clear errors", async (t) => {
  const dir = tempDir("find");
  t.teardown(() => removeDir(dir));
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "package.json"), "{}");
  t.throws(() => findHelper(pathToFileURL(join(dir, "dist/rongqi.mjs")).href), /rongqi-init not found at .*build\/rongqi-init \(build it with/);
});
