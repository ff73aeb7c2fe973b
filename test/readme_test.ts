// The README must tell the truth about the CLI.
import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../cmd/commands/index.ts";
import { withReference } from "../scripts/cli_reference.ts";
import { TOP } from "./_fresh_build.ts";

const readme = readFileSync(join(TOP, "README.md"), "utf8");

t.test("the CLI reference is generated from the current commands", (t) => {
  t.equal(readme, withReference(readme), "stale: run node_modules/.bin/node scripts/cli_reference.ts");
  for (const c of COMMANDS) t.match(readme, `\n#### ${c.name}\n`, `documents ${c.name}`);
  t.end();
});

t.test("the Makefile targets the README names exist", (t) => {
  const makefile = readFileSync(join(TOP, "Makefile"), "utf8");
  for (const target of ["install", "uninstall", "build", "test"]) t.match(makefile, new RegExp(`^${target}:`, "m"), target);
  t.end();
});
