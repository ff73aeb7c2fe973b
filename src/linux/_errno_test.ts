import t from "tap";
import { execFileSync } from "node:child_process";
import { strerror } from "./_errno.ts";

// The C library is the reference for the messages; Python's os.strerror calls it.
let reference: string[] | undefined;
try {
  const out = execFileSync("python3", ["-c", "import os\nfor n in range(134): print(os.strerror(n))"], { encoding: "utf8" });
  reference = out.split("\n");
} catch {
  reference = undefined;
}

t.test("every message in the table is the C library's", { skip: reference ? false : "python3 is not available" }, (t) => {
  for (let n = 1; n < 134; n++) {
    const ours = strerror(n);
    if (!ours.startsWith("Unknown error")) t.equal(ours, reference![n], `errno ${n}`);
  }
  t.end();
});
