// Mount destinations that try to leave the rootfs: through symlinks the
// image planted (absolute or climbing with ..), through .. in the
// destination itself, and through a symlink swapped with a directory while
// the container is being created (the class of CVE-2021-30465). Every
// destination is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT) and
// mounted through the fd that resolution gave, so a host directory the
// symlinks name must stay untouched, whatever the timing.
import t from "tap";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, makeBundle, rongqi, TOP } from "../_bundle.ts";
import { mountsUnder, settledLeftovers, uniqueId } from "./_harness.ts";

t.test("symlinks and .. in mount destinations resolve inside the rootfs", async (t) => {
  const b = makeBundle(["sh", "-c", "cut -d' ' -f5 /proc/self/mountinfo"]);
  t.teardown(() => cleanup(b));
  const host = join(b.dir, "host-target");
  mkdirSync(host);
  writeFileSync(join(b.dir, "host-file"), "host\n");
  mkdirSync(join(b.bundle, "srcdir"));
  writeFileSync(join(b.bundle, "srcfile"), "from the bundle\n");
  symlinkSync(host, join(b.rootfs, "abs"));
  symlinkSync("../".repeat(20) + host.slice(1), join(b.rootfs, "rel"));
  symlinkSync(join(b.dir, "host-file"), join(b.rootfs, "file-link"));
  b.config.mounts!.push(
    { destination: "/abs/m1", type: "tmpfs", source: "tmpfs" },
    { destination: "/rel/m2", type: "tmpfs", source: "tmpfs" },
    { destination: `/../../../../../../..${host}/m3`, type: "tmpfs", source: "tmpfs" },
    { destination: "/abs/m4", type: "bind", source: "srcdir", options: ["bind"] },
    { destination: "/file-link", type: "bind", source: "srcfile", options: ["bind"] },
    { destination: "/rel/../abs/m5", type: "tmpfs", source: "tmpfs" },
  );
  b.save();
  const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId("symdest")]);
  t.equal(r.status, 0, r.stderr);
  const inside = r.stdout.split("\n");
  // /rel/.. is the parent of what rel names (the kernel's order), inside the rootfs
  const where = { m1: `${host}/m1`, m2: `${host}/m2`, m3: `${host}/m3`, m4: `${host}/m4`, m5: `${b.dir}/abs/m5` };
  for (const [m, at] of Object.entries(where)) {
    t.ok(inside.includes(at), `${m} is mounted at ${at} as the container sees it`);
    t.ok(existsSync(join(b.rootfs, at)), `${m}'s mount point was made in the rootfs`);
  }
  t.ok(inside.includes(join(b.dir, "host-file")), "the file bind landed on the rootfs's copy of the path");
  t.same(readdirSync(host), [], "the host directory the symlinks name is untouched");
  t.equal(readFileSync(join(b.dir, "host-file"), "utf8"), "host\n", "the host file the symlink names is untouched");
  t.same(mountsUnder(b.dir), [], "no mount in the host's namespace");
  t.same(await settledLeftovers(b), []);
});

/** A process exchanging two names in a loop with renameat2(RENAME_EXCHANGE). */
function exchanger(a: string, b: string) {
  const src = `
    const koffi = require(${JSON.stringify(join(TOP, "node_modules/koffi"))});
    const renameat2 = koffi.load("libc.so.6").func("int renameat2(int, const char *, int, const char *, unsigned int)");
    for (;;) renameat2(-100, ${JSON.stringify(a)}, -100, ${JSON.stringify(b)}, 2);
  `;
  return spawn(process.execPath, ["-e", src], { stdio: "ignore" });
}

t.test("a directory swapped with a symlink to the host during create never redirects a mount", async (t) => {
  const b = makeBundle(["true"]);
  const host = join(b.dir, "host-target");
  mkdirSync(host);
  mkdirSync(join(b.rootfs, "race"));
  symlinkSync(host, join(b.rootfs, "race-link"));
  writeFileSync(join(b.bundle, "srcfile"), "x\n");
  b.config.mounts!.push(
    { destination: "/race/inner", type: "tmpfs", source: "tmpfs" },
    { destination: "/race/sub/deeper", type: "tmpfs", source: "tmpfs" },
    { destination: "/race/file", type: "bind", source: "srcfile", options: ["bind"] },
  );
  b.save();
  const flip = exchanger(join(b.rootfs, "race"), join(b.rootfs, "race-link"));
  t.teardown(() => {
    flip.kill("SIGKILL");
    cleanup(b);
  });
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < 40; i++) {
    const r = rongqi(b.root, ["run", "-b", b.bundle, uniqueId(`race${i}`)]);
    const key = r.status === 0 ? "created and ran" : (r.stderr.trim().split("\n")[0] ?? "").replace(/\d+/g, "N");
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (r.status !== 0) t.match(r.stderr, /^rongqi: /, "a failure is one clear line");
    if (readdirSync(host).length) break;
  }
  flip.kill("SIGKILL");
  t.comment(`outcomes: ${JSON.stringify(outcomes)}`);
  t.ok(outcomes["created and ran"], "some creates won the race and ran");
  t.ok(existsSync(join(b.rootfs, host)), "the swap was met: some destinations went through the symlink, into the rootfs's copy of its target");
  t.same(readdirSync(host), [], "nothing was ever created or mounted in the host directory");
  t.same(await settledLeftovers(b), []);
});
