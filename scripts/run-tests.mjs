// Runs the tap suite and ends with one plain summary line,
// "N passed, M failed, K skipped", for people and CI alike.
import { spawn } from "node:child_process";

const tap = spawn(process.execPath, ["node_modules/.bin/tap", ...process.argv.slice(2)], { stdio: ["inherit", "pipe", "inherit"] });
let tail = "";
tap.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
tap.on("close", (code, signal) => {
  // tap closes with a line like "# { total: 12, pass: 10, fail: 1, skip: 1 }".
  const m = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?(?:, todo: (\d+))?/.exec(tail);
  if (m) {
    const [, , pass = "0", fail = "0", skip = "0"] = m;
    console.log(`${pass} passed, ${fail} failed${skip !== "0" ? `, ${skip} skipped` : ""}`);
  } else {
    console.log(`tap ended without a summary (${signal ?? `exit ${code}`})`);
  }
  process.exit(code ?? 1);
});
