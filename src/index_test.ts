import t from "tap";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as rongqi from "./index.ts";

t.test("the library entry exposes the operations", (t) => {
  for (const name of [
    "defaultConfig", "writeDefaultConfig", "loadConfig", "loadProcess", "validateConfig", "validateFeatures", "features",
    "parseMountOptions", "capabilityNumber", "configureLog", "rootlessCgroups", "defaultRuntimeOptions",
  ] as const) {
    t.type(rongqi[name], "function", name);
  }
  t.equal(rongqi.SPEC_VERSION, "1.3.0");
  t.type(rongqi.VERSION, "string");
  t.end();
});

t.test("spec, load and validate through the library", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-lib-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "rootfs"));
  rongqi.writeDefaultConfig(dir, { rootless: true });
  const loaded = rongqi.loadConfig(dir);
  t.equal(loaded.bundle, dir);
  t.equal(loaded.rootfs, join(dir, "rootfs"));
  t.same(loaded.warnings, []);
  t.same(rongqi.validateFeatures(rongqi.features()), []);

  writeFileSync(join(dir, "config.json"), JSON.stringify({ ociVersion: "9.0.0", root: { path: "rootfs" }, hostname: 1 }));
  let caught: unknown;
  try {
    rongqi.loadConfig(dir);
  } catch (err) {
    caught = err;
  }
  t.ok(caught instanceof rongqi.ValidationError, "a ValidationError");
  t.ok((caught as InstanceType<typeof rongqi.ValidationError>).problems.length >= 2, "with every problem");
  t.end();
});

t.test("rootlessCgroups", (t) => {
  t.equal(rongqi.rootlessCgroups("true"), true);
  t.equal(rongqi.rootlessCgroups("false"), false);
  const root = process.geteuid?.() === 0;
  t.equal(rongqi.rootlessCgroups("auto", "         0          0 4294967295\n"), !root, "the initial user namespace");
  t.equal(rongqi.rootlessCgroups("auto", "         0       1000          1\n"), true, "inside a user namespace");
  t.same(rongqi.defaultRuntimeOptions(), { root: "/run/rongqi", debug: false, log: undefined, logFormat: "text", rootless: "auto" });
  t.end();
});
