// Test helper for create_container_dir_test.ts: prints "ready", waits until
// the file argv[4] exists (so that all workers race at once), then tries to
// create container argv[3] under root argv[2] and prints "won" or the error.
import { existsSync } from "node:fs";
import { errorLine } from "../../errors.ts";
import { createContainerDir } from "../create_container_dir.ts";

const [root, id, go] = process.argv.slice(2) as [string, string, string];
const nap = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write("ready\n");
while (!existsSync(go)) Atomics.wait(nap, 0, 0, 1);
try {
  createContainerDir(root, id);
  process.stdout.write("won\n");
} catch (err) {
  process.stdout.write(errorLine(err) + "\n");
}
