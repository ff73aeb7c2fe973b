// Test fixtures for the snapshotter: a temp dir (named rongqi-test-...) with
// its own store, torn down even when a test fails midway: every snapshot is
// removed and anything still mounted under the dir is unmounted before the
// dir is deleted.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRootfs } from "../../../test/_bundle.ts";
import { umount2 } from "../../linux/syscall.ts";
import { tarLayer, type Layer } from "./build_image.ts";

export interface Fixture {
  dir: string;
  store: string;
}

interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

export function fixture(t: Teardown, name = "snap"): Fixture {
  const dir = mkdtempSync(join(tmpdir(), `rongqi-test-${name}-`));
  chmodSync(dir, 0o755);
  const f = { dir, store: join(dir, "store") };
  t.teardown(() => cleanupFixture(f));
  return f;
}

/** Mount points under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8").split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
}

export function cleanupFixture(f: Fixture): void {
  const state = join(f.dir, "state");
  if (existsSync(state)) {
    for (const id of readdirSync(state)) {
      try {
        execFileSync(join(import.meta.dirname, "../../../bin/rongqi"), ["--root", state, "delete", "--force", id], { stdio: "ignore" });
      } catch {
        // best effort
      }
    }
  }
  for (const m of mountsUnder(f.dir)) {
    try {
      umount2(m, 2 /* MNT_DETACH */);
    } catch {
      // already gone
    }
  }
  rmSync(f.dir, { recursive: true, force: true });
}

let busybox: Layer | undefined;
/** A layer holding a busybox root file system (busybox, its applets, /etc/passwd, /etc/group). */
export function busyboxLayer(): Layer {
  if (busybox) return busybox;
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-rootfs-"));
  chmodSync(dir, 0o755);
  try {
    makeRootfs(dir);
    writeFileSync(join(dir, "etc/group"), "root:x:0:\nuser:x:1000:\nstaff:x:50:user\n");
    mkdirSync(join(dir, "home/user/docs"), { recursive: true });
    writeFileSync(join(dir, "home/user/docs/a.txt"), "a\n");
    writeFileSync(join(dir, "etc/motd"), "base motd\n");
    busybox = tarLayer(dir);
    return busybox;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A layer made from `files` (path -> content; null: a whiteout of that path; "/": a directory). */
export function layerOf(files: Record<string, string | null>): Layer {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-test-layer-"));
  chmodSync(dir, 0o755);
  try {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      if (content === null) {
        const slash = path.lastIndexOf("/");
        const wh = join(dir, path.slice(0, slash + 1) + ".wh." + path.slice(slash + 1));
        mkdirSync(join(wh, ".."), { recursive: true });
        writeFileSync(wh, "");
      } else if (content === "/") {
        mkdirSync(full, { recursive: true });
      } else {
        mkdirSync(join(full, ".."), { recursive: true });
        writeFileSync(full, content);
      }
    }
    return tarLayer(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
