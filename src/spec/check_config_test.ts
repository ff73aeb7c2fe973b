import t from "tap";
import { checkConfig } from "./check_config.ts";
import { CONFIG_CHECKS, PROCESS_CHECKS } from "./semantic/checks.ts";
import type { Config } from "./types/config.ts";
import { minimalConfig } from "./testdata/configs.ts";

t.test("runs the checks in order and returns errors and warnings", (t) => {
  const config = minimalConfig();
  config.hostname = "box";
  config.mounts = [{ destination: "tmp" }];
  const found = checkConfig(config, { bundle: "/nonexistent-bundle" });
  t.same(
    found.map((p) => [p.pointer, !!p.warning]),
    [
      ["/root/path", false],
      ["/mounts/0/destination", true],
      ["/hostname", false],
    ],
  );
  t.end();
});

t.test("every process check is a config check", (t) => {
  for (const c of PROCESS_CHECKS) t.ok(CONFIG_CHECKS.includes(c), c.name);
  t.end();
});

t.test("with schema problems: checks are guarded and flagged values not repeated", (t) => {
  const boom = () => {
    throw new TypeError("cannot read properties of a malformed value");
  };
  const under = (_: Config) => [{ pointer: "/process/rlimits/0/type", message: "dup" }];
  const beside = (_: Config) => [{ pointer: "/process/rlimits/1", message: "other" }];
  const config = minimalConfig();
  const schemaProblems = [{ pointer: "/process/rlimits/0", message: "bad" }];
  t.same(checkConfig(config, { bundle: "/" }, { checks: [boom, under, beside], schemaProblems }), [
    { pointer: "/process/rlimits/1", message: "other" },
  ]);
  t.throws(() => checkConfig(config, { bundle: "/" }, { checks: [boom] }), TypeError, "unguarded when the schema passed");
  t.same(
    checkConfig(config, { bundle: "/" }, { checks: [beside], schemaProblems: [{ pointer: "", message: "not an object" }] }),
    [],
    "a document-level schema problem hides everything",
  );
  t.end();
});

t.test("every semantic check has its own test file and is in the list", async (t) => {
  const { readdirSync } = await import("node:fs");
  const dir = new URL("./semantic/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.startsWith("_") && !f.endsWith("_test.ts") && f !== "checks.ts");
  t.equal(files.length, CONFIG_CHECKS.length, "one file per check");
  for (const f of files) {
    t.ok(readdirSync(dir).includes(f.replace(/\.ts$/, "_test.ts")), `${f} has a test`);
    const mod = await import(new URL(f, dir).href);
    const main = Object.values(mod).find((v) => typeof v === "function" && v.name.startsWith("check"));
    t.ok(main && CONFIG_CHECKS.includes(main as never), `${f} is in CONFIG_CHECKS`);
  }
});
