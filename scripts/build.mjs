// Builds everything rongqi needs at run time:
//  1. dist/rongqi.mjs: the CLI bundled into one file (fastest to load);
//  2. build/rongqi-init: the small native setup helper (see native/).
// Usage: node scripts/build.mjs [--js-only | --native-only]
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const top = join(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv[2];

// The bundle's list of built-in module exports comes from the Node.js that
// builds it: always build on the pinned one, whatever `node` ran this script.
const pinned = join(top, "node_modules/node/bin/node");
if (process.execPath !== pinned && process.env.RONGQI_BUILD_REEXEC !== "1") {
  execFileSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit", env: { ...process.env, RONGQI_BUILD_REEXEC: "1" },
  });
  process.exit(0);
}

/**
 * Node's built-in modules imported as ES modules cost start-up time (the ESM
 * facade of node:fs alone pulls in fs/promises and streams). This plugin
 * turns `import { x } from "node:fs"` into `process.getBuiltinModule("fs")`.
 */
const SKIPPED = new Set(["fs.F_OK", "fs.R_OK", "fs.W_OK", "fs.X_OK", "fs.promises"]);
const builtinsPlugin = {
  name: "builtins-via-getBuiltinModule",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path.slice(5), namespace: "rq-builtin" }));
    b.onLoad({ filter: /.*/, namespace: "rq-builtin" }, async (args) => {
      const mod = await import(`node:${args.path}`);
      const real = process.getBuiltinModule(args.path);
      // Some properties are left out: reading them eagerly would trigger
      // deprecation warnings (fs.F_OK) or load what they guard (fs.promises).
      const names = Object.keys(mod).filter((k) => k !== "default" && /^[A-Za-z_$][\w$]*$/.test(k) &&
        k in real && !SKIPPED.has(`${args.path}.${k}`));
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(args.path)});\nexport default m;\n` +
          names.map((n) => `export const ${n} = m.${n};`).join("\n"),
        loader: "js",
      };
    });
  },
};

if (only !== "--native-only") {
  rmSync(join(top, "dist"), { recursive: true, force: true });
  await build({
    // Code splitting: the entry stays small; each command's implementation
    // is a chunk loaded only when that command runs.
    entryPoints: { rongqi: join(top, "cmd/rongqi.ts") },
    outdir: join(top, "dist"),
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // koffi carries a native addon: it is loaded from node_modules at run time.
    external: ["koffi"],
    plugins: [builtinsPlugin],
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
