// Builds the try_syscall test tool (testdata/try_syscall.c) once per test
// process, statically linked so it also runs inside a busybox rootfs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let built: { dir: string; path: string } | undefined;

/** Path of the compiled tool; removed when the process exits. */
export function trySyscallPath(): string {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), "rongqi-try-syscall-"));
    const path = join(dir, "try_syscall");
    const src = join(dirname(fileURLToPath(import.meta.url)), "try_syscall.c");
    execFileSync("cc", ["-O2", "-static", "-o", path, src]);
    built = { dir, path };
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return built.path;
}
