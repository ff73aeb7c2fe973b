// Import throughput of `rongqi image import` beside Debian's umoci and GNU
// tar unpacking the same layer, and the time of `snapshot prepare` for a
// small and a large image, in one run.
// Usage (as root): node_modules/.bin/node src/snapshot/testdata/bench_snapshot.ts
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeOciLayout, type Layer } from "./build_image.ts";
import { busyboxLayer, cleanupFixture } from "./fixture.ts";

const RONGQI = join(import.meta.dirname, "../../../bin/rongqi");
const LARGE = ["usr/share/locale", "usr/share/perl", "usr/share/vim", "usr/share/zoneinfo", "usr/share/i18n"];

const dir = mkdtempSync(join(tmpdir(), "rongqi-test-bench-"));
const f = { dir, store: join(dir, "store") };
process.on("exit", () => cleanupFixture(f));

function time(cmd: string, args: string[]): number {
  execFileSync("sync");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return s;
}

const tar = execFileSync("tar", ["--numeric-owner", "-C", "/", "-cf", "-", ...LARGE], { maxBuffer: 2 ** 31 });
const large: Layer = { tar, gzip: gzipSync(tar, { level: 6 }) };
const files = Number(execFileSync("sh", ["-c", `tar -tf - | wc -l`], { input: tar, maxBuffer: 2 ** 31 }).toString().trim());
writeOciLayout(join(dir, "large"), [{ name: "large", layers: [large], config: { Cmd: ["sh"] } }]);
writeOciLayout(join(dir, "small"), [{ name: "small", layers: [busyboxLayer()], config: { Cmd: ["sh"] } }]);
writeFileSync(join(dir, "layer.tar.gz"), large.gzip);
writeFileSync(join(dir, "layer.tar"), large.tar);
const MB = tar.length / 1e6;
console.log(`large layer: ${MB.toFixed(0)} MB uncompressed, ${(large.gzip.length / 1e6).toFixed(0)} MB gzip'ed, ${files} entries`);

const rows: [string, number][] = [];
const fresh = (name: string) => {
  const d = join(dir, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
  return d;
};
rows.push(["rongqi image import (OCI layout, gzip)", time(RONGQI, ["image", "import", "--store", f.store, join(dir, "large")])]);
rows.push(["umoci raw unpack (gzip)", time("umoci", ["raw", "unpack", "--image", `${join(dir, "large")}:large`, join(fresh("umoci-raw"), "rootfs")])]);
rows.push(["umoci unpack (gzip, + mtree and config)", time("umoci", ["unpack", "--image", `${join(dir, "large")}:large`, join(fresh("umoci"), "bundle")])]);
rows.push(["tar -xzf (gzip)", time("tar", ["-xzf", join(dir, "layer.tar.gz"), "-C", fresh("tar-gz")])]);
rows.push(["tar -xf (uncompressed)", time("tar", ["-xf", join(dir, "layer.tar"), "-C", fresh("tar")])]);
console.log("\n| unpacking the large layer | seconds | MB/s (uncompressed) |\n| --- | --- | --- |");
for (const [what, s] of rows) console.log(`| ${what} | ${s.toFixed(2)} | ${(MB / s).toFixed(0)} |`);

time(RONGQI, ["image", "import", "--store", f.store, join(dir, "small")]);
console.log("\n| snapshot prepare | seconds |\n| --- | --- |");
for (const name of ["small", "large"]) {
  const s = time(RONGQI, ["snapshot", "prepare", "--store", f.store, name, join(dir, `bundle-${name}`)]);
  console.log(`| ${name} image (CLI, Node.js start included) | ${s.toFixed(3)} |`);
  time(RONGQI, ["snapshot", "rm", "--store", f.store, `bundle-${name}`]);
}
const s = time(RONGQI, ["--version"]);
console.log(`| (rongqi --version, for the start-up cost) | ${s.toFixed(3)} |`);
