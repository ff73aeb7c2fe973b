// Builds everything rongqi needs at run time:
//  1. dist/rongqi.mjs: the CLI bundled into one file (fastest to load);
//  2. build/rongqi-init: the small native setup helper (see native/).
// Usage: node scripts/build.mjs [--js-only | --native-only]
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const top = join(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv[2];

if (only !== "--native-only") {
  await build({
    entryPoints: [join(top, "cmd/rongqi.ts")],
    outfile: join(top, "dist/rongqi.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // koffi carries a native addon: it is loaded from node_modules at run time.
    external: ["koffi"],
    banner: {
      js: "import { createRequire as __rq_createRequire } from 'node:module'; const require = __rq_createRequire(import.meta.url);",
    },
    legalComments: "none",
    logLevel: "warning",
  });
}

if (only !== "--js-only") {
  execFileSync("sh", [join(top, "scripts/build-native.sh")], { stdio: "inherit" });
}
