// Test helper for syscall_test.ts: reports whether importing syscall.ts loads
// koffi (it must not) and whether the first call does (it must).
import { createRequire } from "node:module";

const cache = createRequire(import.meta.url).cache;
const koffiLoaded = () => Object.keys(cache).some((p) => p.includes("/node_modules/koffi/"));
const mod = await import("../syscall.ts");
const afterImport = koffiLoaded();
mod.getuid();
process.stdout.write(JSON.stringify({ afterImport, afterCall: koffiLoaded() }) + "\n");
