// Test helper for json_file_test.ts, run in a private mount namespace
// (`unshare -m --propagation private`): makes writeJsonAtomic fail on a full
// tmpfs (ENOSPC) and on a read-only one (EROFS) mounted over argv[2], and
// prints what happened as JSON. The mounts vanish with the namespace.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { errorLine } from "../../errors.ts";
import { MS_RDONLY, MS_REMOUNT, mount } from "../../linux/syscall.ts";
import { readJson, writeJsonAtomic } from "../json_file.ts";

const dir = process.argv[2]!;
const file = join(dir, "state.json");
const out: Record<string, unknown> = {};

function attempt(value: unknown) {
  try {
    writeJsonAtomic(file, value);
    return { error: null };
  } catch (err) {
    return { error: errorLine(err), code: (err as { code?: string }).code };
  }
}

mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700");
writeJsonAtomic(file, { version: 1 });
out.enospc = { ...attempt({ big: "x".repeat(256 * 1024) }), files: readdirSync(dir), kept: readJson(file) };
mount(null, dir, null, MS_REMOUNT | MS_RDONLY);
out.erofs = { ...attempt({ version: 2 }), files: readdirSync(dir), kept: readJson(file) };
process.stdout.write(JSON.stringify(out) + "\n");
