// The snapshotter end to end, through the CLI as a user runs it: images made
// offline (a busybox rootfs as an OCI layout, a docker-archive and an OCI
// archive; a two-layer image whose top layer deletes and replaces files of
// the base), two containers from one image, each seeing only its own
// changes, diff, commit, export, and the errors that must leave the store
// consistent.
import t from "tap";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync, lstatSync, mkdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { freshBuild } from "../../test/_fresh_build.ts";
import { mount, umount2 } from "../linux/syscall.ts";
import { checkDocument } from "./_image_schemas.ts";
import { walk } from "./_walk.ts";
import { importImage } from "./import_image.ts";
import { prepareSnapshot } from "./prepare_snapshot.ts";
import { removeSnapshot } from "./remove_snapshot.ts";
import { busyboxLayer, fixture, layerOf, mountsUnder } from "./testdata/fixture.ts";
import { writeDockerArchive, writeOciArchive, writeOciLayout, type Layer } from "./testdata/build_image.ts";

const RONGQI = freshBuild();

function rq(args: string[], opts: { timeout?: number } = {}) {
  const r = spawnSync(RONGQI, args, { encoding: "utf8", timeout: opts.timeout ?? 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A fingerprint of a directory tree: every path with its type, mode, owner, size and content hash. */
function fingerprint(dir: string): string {
  const h = createHash("sha256");
  walk(dir, (rel, st, abs) => {
    h.update(`${rel} ${st.mode} ${st.uid}:${st.gid} ${st.size} ${st.rdev}\n`);
    if (st.isFile()) h.update(readFileSync(abs));
    if (st.isSymbolicLink()) h.update(readlinkSync(abs));
  });
  return h.digest("hex");
}

// The two-layer image: the top layer deletes /etc/group, replaces /etc/passwd
// and /etc/motd, and makes /home/user opaque with a new file in it.
const top = (): Layer => layerOf({
  "etc/group": null,
  "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnewuser:x:7:7::/:/bin/sh\n",
  "etc/motd": "top motd\n",
  "home/user/.wh..wh..opq": "",
  "home/user/new.txt": "new\n",
});

t.test("import, two containers from one image, diff, commit, export", async (t) => {
  const f = fixture(t, "snap");
  const S = ["--store", f.store];
  const base = busyboxLayer();
  writeOciLayout(join(f.dir, "layout"), [{ name: "busybox:latest", layers: [base], config: { Cmd: ["sh"], Env: ["PATH=/bin"] } }]);
  writeDockerArchive(join(f.dir, "busybox-docker.tar"), [{ name: "busybox-docker:latest", layers: [base], config: { Cmd: ["sh"] } }]);
  writeOciArchive(join(f.dir, "two.tar"), [{ name: "two:latest", layers: [base, top()], config: { Cmd: ["sh"], Env: ["PATH=/bin"] } }]);

  let r = rq(["image", "import", ...S, join(f.dir, "layout")]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported busybox:latest \(id [0-9a-f]{12}\) from oci .*: 1 layer, 1 unpacked \(1\.\d MiB\), 0 shared/);
  r = rq(["image", "import", ...S, join(f.dir, "busybox-docker.tar")]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported busybox-docker:latest .* from docker-archive .*: 1 layer, 0 unpacked \(0 B\), 1 shared with images already in the store \(1\.\d MiB not written again\)/);
  r = rq(["image", "import", ...S, join(f.dir, "two.tar")]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported two:latest .* from oci-archive .*: 2 layers, 1 unpacked .*, 1 shared/);

  r = rq(["image", "ls", ...S, "-q"]);
  t.equal(r.out, "busybox:latest\nbusybox-docker:latest\ntwo:latest\n");
  t.equal(readdirSync(join(f.store, "layers")).length, 2, "three images, two distinct layers on disk: the base exists once");
  const inspect = (name: string) => JSON.parse(rq(["image", "inspect", ...S, name]).out);
  const busy = inspect("busybox:latest");
  const two = inspect("two:latest");
  t.equal(two.Layers[0].Path, busy.Layers[0].Path, "the same base layer directory");
  t.equal(inspect("busybox-docker:latest").Layers[0].ChainId, busy.Layers[0].ChainId);
  const baseDir = busy.Layers[0].Path as string;
  const topDir = two.Layers[1].Path as string;
  const before = [fingerprint(baseDir), fingerprint(topDir)];

  // Two containers from one image, each changing and deleting a file.
  const state = join(f.dir, "state");
  for (const [name, script] of [
    ["c1", "echo c1 > /etc/motd && rm /bin/ls && cat /etc/passwd"],
    ["c2", "echo c2 > /etc/motd && rm /bin/cat"],
  ] as const) {
    r = rq(["snapshot", "prepare", ...S, "two:latest", join(f.dir, name), "--", "sh", "-c", script]);
    t.equal(r.code, 0, r.err);
    t.match(r.out, `prepared snapshot ${name} of two:latest (2 layers)`);
    const run = spawnSync(RONGQI, ["--root", state, "run", "--bundle", join(f.dir, name), name], { encoding: "utf8", timeout: 30_000 });
    t.equal(run.status, 0, `${name} ran: ${run.stderr}`);
    if (name === "c1") t.equal(run.stdout, "root:x:0:0:root:/root:/bin/sh\nnewuser:x:7:7::/:/bin/sh\n", "the top layer's /etc/passwd replaced the base's");
  }
  const merged = (c: string, p: string) => join(f.dir, c, "rootfs", p);
  t.equal(readFileSync(merged("c1", "etc/motd"), "utf8"), "c1\n", "c1 sees its change");
  t.equal(readFileSync(merged("c2", "etc/motd"), "utf8"), "c2\n", "c2 sees its own");
  t.notOk(existsSync(merged("c1", "bin/ls")), "c1 deleted ls");
  t.ok(existsSync(merged("c1", "bin/cat")), "... not cat");
  t.notOk(existsSync(merged("c2", "bin/cat")), "c2 deleted cat");
  t.ok(existsSync(merged("c2", "bin/ls")), "... not ls");
  for (const c of ["c1", "c2"]) {
    t.notOk(existsSync(merged(c, "etc/group")), "the top layer's whiteout hides the base's /etc/group");
    t.notOk(existsSync(merged(c, "home/user/docs")), "the opaque directory hides the base's contents");
    t.equal(readFileSync(merged(c, "home/user/new.txt"), "utf8"), "new\n");
  }
  t.same([fingerprint(baseDir), fingerprint(topDir)], before, "the image's layers are untouched");
  t.equal(readFileSync(join(baseDir, "etc/motd"), "utf8"), "base motd\n");

  const snap = (c: string) => JSON.parse(rq(["snapshot", "inspect", ...S, c, "--format", "json"]).out);
  const s1 = snap("c1");
  t.equal(s1.GraphDriver.Data.LowerDir, snap("c2").GraphDriver.Data.LowerDir, "both containers stack the same layer directories");
  t.equal(s1.GraphDriver.Data.LowerDir, `${topDir}:${baseDir}`, "top layer first");
  t.equal(s1.GraphDriver.Data.MergedDir, join(f.dir, "c1", "rootfs"));
  t.equal(s1.Layers[1].digest, two.Layers[0].Digest, "each lower layer with its digest");
  t.ok(s1.Mounted);
  r = rq(["snapshot", "inspect", ...S, "c1"]);
  t.match(r.out, /LowerDir: +\(top layer first\)\n +\[1\] .*\n +digest sha256:[0-9a-f]{64}\n +diffID sha256:/);
  t.match(rq(["snapshot", "ls", ...S]).out, /c1 +two:latest +yes /);

  r = rq(["snapshot", "diff", ...S, "c1"]);
  t.equal(r.out, "C /bin\nD /bin/ls\nC /etc\nC /etc/motd\n", "diff lists the change and the deletion");
  t.equal(rq(["snapshot", "diff", ...S, "c2"]).out, "C /bin\nD /bin/cat\nC /etc\nC /etc/motd\n");

  // commit: a new image sharing the old layers, whose container sees the changes
  r = rq(["snapshot", "commit", ...S, "c1", "two:c1", "-m", "c1's changes"]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /committed c1 as two:c1 .*: 2 layer\(s\) shared/);
  const c1img = inspect("two:c1");
  t.same(c1img.Layers.slice(0, 2).map((l: { Path: string }) => l.Path), [baseDir, topDir], "the old layers are shared, not copied");
  r = rq(["snapshot", "prepare", ...S, "two:c1", join(f.dir, "c3"), "--", "sh", "-c", "cat /etc/motd; test -e /bin/ls || echo ls gone"]);
  t.equal(r.code, 0, r.err);
  const run3 = spawnSync(RONGQI, ["--root", state, "run", "--bundle", join(f.dir, "c3"), "c3"], { encoding: "utf8", timeout: 30_000 });
  t.equal(run3.stdout, "c1\nls gone\n", "a container of the committed image sees c1's changes");

  // export: an OCI archive that validates against the image-spec schemas (and that Podman loads)
  const archive = join(f.dir, "two-c1.tar");
  r = rq(["image", "export", ...S, "two:c1", archive]);
  t.equal(r.code, 0, r.err);
  const out = join(f.dir, "exported");
  mkdirSync(out);
  execFileSync("tar", ["-C", out, "-xf", archive]);
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
  await checkDocument("index", index, "exported index.json");
  const blob = (d: string) => JSON.parse(readFileSync(join(out, "blobs/sha256", d.slice(7)), "utf8"));
  const manifest = blob(index.manifests[0].digest);
  await checkDocument("manifest", manifest, "exported manifest");
  await checkDocument("config", blob(manifest.config.digest), "exported config");
  t.equal(manifest.layers.length, 3);
  t.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "two:c1");

  const podman = spawnSync("podman", ["--version"]).status === 0;
  t.test("podman loads the committed image", { skip: !podman && "podman is not installed" }, (t) => {
    const p = ["--root", join(f.dir, "podman/root"), "--runroot", join(f.dir, "podman/run"), "--storage-driver", "vfs"];
    const load = spawnSync("podman", [...p, "load", "-i", archive], { encoding: "utf8", timeout: 120_000 });
    t.equal(load.status, 0, load.stderr);
    const layers = spawnSync("podman", [...p, "image", "inspect", "--format", "{{len .RootFS.Layers}}", "two:c1"], { encoding: "utf8" });
    t.equal(layers.stdout.trim(), "3", layers.stderr);
    spawnSync("podman", [...p, "system", "reset", "--force"], { stdio: "ignore" });
    t.end();
  });

  // rm refuses an image in use; snapshots go, then the image and its unshared layers
  r = rq(["image", "rm", ...S, "two:latest"]);
  t.equal(r.code, 1);
  t.match(r.err, /rongqi: image two:latest is used by snapshots c1, c2: remove them first/);
  for (const c of ["c1", "c2", "c3"]) rq(["--root", state, "delete", "--force", c]);
  r = rq(["snapshot", "rm", ...S, "c1", "c2", "c3"]);
  t.equal(r.code, 0, r.err);
  t.same(mountsUnder(f.dir), [], "snapshot rm unmounted everything");
  t.notOk(existsSync(join(f.dir, "c1")), "and removed what prepare made in the bundle");
  r = rq(["image", "rm", ...S, "two:c1", "two:latest"]);
  t.equal(r.code, 0, r.err);
  t.equal(readdirSync(join(f.store, "layers")).length, 1, "only the base layer is left: busybox still uses it");
  r = rq(["image", "gc", ...S]);
  t.match(r.out, /removed 0 layer\(s\) and 0 blob\(s\)/);
});

t.test("bad input leaves the store consistent, and the import can be run again", async (t) => {
  const f = fixture(t, "bad");
  const S = ["--store", f.store];
  const layout = join(f.dir, "layout");
  writeOciLayout(layout, [{ name: "busybox:latest", layers: [busyboxLayer()], config: { Cmd: ["sh"] } }]);
  const layerBlob = (() => {
    const m = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")).manifests[0].digest.slice(7);
    return join(layout, "blobs/sha256", JSON.parse(readFileSync(join(layout, "blobs/sha256", m), "utf8")).layers[0].digest.slice(7));
  })();
  const good = readFileSync(layerBlob);
  const consistent = (what: string) => {
    t.same(readdirSync(join(f.store, "layers")), [], `${what}: no layer`);
    t.same(JSON.parse(readFileSync(join(f.store, "index.json"), "utf8")).manifests, [], `${what}: no image`);
  };

  const flipped = Buffer.from(good);
  flipped[flipped.length >> 1] ^= 0xff;
  writeFileSync(layerBlob, flipped);
  let r = rq(["image", "import", ...S, layout]);
  t.equal(r.code, 1);
  t.match(r.err, /rongqi: .*layer 0 \(sha256:[0-9a-f]+\): digest mismatch: expected sha256:[0-9a-f]{64}, the content hashes to sha256:[0-9a-f]{64} \(corrupt source\)/);
  consistent("digest mismatch");

  writeFileSync(layerBlob, good.subarray(0, 100));
  r = rq(["image", "import", ...S, layout]);
  t.match(r.err, /size mismatch: the descriptor says \d+ bytes, .* has 100/);
  consistent("truncated blob");

  execFileSync("rm", [layerBlob]);
  r = rq(["image", "import", ...S, layout]);
  t.match(r.err, /layer 0 .*: blob sha256:[0-9a-f]{64} is missing from the source/);
  consistent("missing blob");

  writeFileSync(join(f.dir, "junk.tar"), Buffer.from("this is not a tar archive at all, not even close".repeat(30)));
  r = rq(["image", "import", ...S, join(f.dir, "junk.tar")]);
  t.match(r.err, /junk\.tar is not a valid image archive \(tar\)/);
  consistent("corrupt archive");

  writeFileSync(layerBlob, good);
  r = rq(["image", "import", ...S, layout]);
  t.equal(r.code, 0, `re-run after fixing the source: ${r.err}`);
  t.same(readdirSync(join(f.store, "tmp")), [], "nothing left in tmp/");
});

t.test("a full disk: clear error, no partial layer, re-run works once there is room", async (t) => {
  const f = fixture(t, "full");
  const small = join(f.dir, "small");
  mkdirSync(small);
  mount("tmpfs", small, "tmpfs", 0, "size=1m");
  t.teardown(() => {
    try {
      umount2(small, 2);
    } catch {
      // gone
    }
  });
  const store = join(small, "store");
  const big = layerOf({ "blob.bin": createHash("sha512").update("seed").digest("hex").repeat(20_000) }); // 2.5 MB, compresses well
  writeOciLayout(join(f.dir, "layout"), [{ name: "big:1", layers: [big], config: { Cmd: ["x"] } }]);
  const r = rq(["image", "import", "--store", store, join(f.dir, "layout")]);
  t.equal(r.code, 1);
  t.match(r.err, /ENOSPC \(No space left on device\)/);
  t.same(readdirSync(join(store, "layers")), [], "no partial layer");
  t.same(readdirSync(join(store, "tmp")), [], "tmp/ cleaned");
  t.same(JSON.parse(readFileSync(join(store, "index.json"), "utf8")).manifests, []);
  mount("tmpfs", small, "tmpfs", 0x20 /* MS_REMOUNT */, "size=16m");
  const again = rq(["image", "import", "--store", store, join(f.dir, "layout")]);
  t.equal(again.code, 0, again.err);
});

t.test("an import killed midway can be run again", async (t) => {
  const f = fixture(t, "kill");
  const layers = Array.from({ length: 6 }, (_, i) => layerOf({ [`data${i}`]: createHash("sha256").update(String(i)).digest("hex").repeat(200_000) }));
  writeOciLayout(join(f.dir, "layout"), [{ name: "many:1", layers, config: { Cmd: ["x"] } }]);
  const child = spawn(RONGQI, ["image", "import", "--store", f.store, join(f.dir, "layout")], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 400));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const r = rq(["image", "import", "--store", f.store, join(f.dir, "layout")]);
  t.equal(r.code, 0, r.err);
  t.equal(readdirSync(join(f.store, "layers")).length, 6);
  t.same(readdirSync(join(f.store, "tmp")), []);
});

t.test("more layers than one mount option page holds; read-only snapshots", async (t) => {
  const f = fixture(t, "layers-with-a-long-store-path-to-fill-the-mount-options-page");
  const n = 45;
  const layers = [busyboxLayer(), ...Array.from({ length: n - 1 }, (_, i) => layerOf({ [`layer/${i}`]: `${i}\n`, "etc/motd": `motd ${i}\n` }))];
  writeOciLayout(join(f.dir, "layout"), [{ name: "tall:1", layers, config: { Cmd: ["sh"] } }]);
  await importImage({ store: f.store, source: join(f.dir, "layout") });
  const p = await prepareSnapshot({ store: f.store, image: "tall:1", bundle: join(f.dir, "tall") });
  t.equal(p.mountedWith, "fsconfig", "the layers went through fsconfig(lowerdir+)");
  const rootfs = join(f.dir, "tall/rootfs");
  t.equal(readdirSync(join(rootfs, "layer")).length, n - 1, "every layer is visible");
  t.equal(readFileSync(join(rootfs, "etc/motd"), "utf8"), `motd ${n - 2}\n`, "the top layer wins");
  t.ok(lstatSync(join(rootfs, "bin/busybox")).isFile());
  await removeSnapshot({ store: f.store, name: "tall" });

  const ro = await prepareSnapshot({ store: f.store, image: "tall:1", bundle: join(f.dir, "ro"), readonly: true });
  t.equal(ro.mountedWith, "fsconfig");
  t.throws(() => writeFileSync(join(f.dir, "ro/rootfs/x"), "x"), /EROFS/, "read-only");
  t.equal(JSON.parse(readFileSync(join(f.dir, "ro/config.json"), "utf8")).root.readonly, true);
  await removeSnapshot({ store: f.store, name: "ro" });
  t.same(mountsUnder(f.dir), []);
});
