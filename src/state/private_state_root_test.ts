import t from "tap";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateStateRoot } from "./private_state_root.ts";

const euid = process.geteuid!();

t.test("made with mode 0700 when missing; an existing private one is accepted", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-psr-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, "rongqi-x");
  t.equal(privateStateRoot(root), root);
  t.equal(statSync(root).mode & 0o7777, 0o700);
  t.equal(privateStateRoot(root), root, "second time: the same directory");
});

t.test("refused: someone else's, open to others, a symlink, a file", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-psr-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const theirs = join(dir, "theirs");
  mkdirSync(theirs, { mode: 0o700 });
  if (euid === 0) chownSync(theirs, 4242, 4242);
  t.throws(() => privateStateRoot(theirs, euid === 0 ? 0 : euid + 1), /the state root ".*theirs" belongs to uid \d+, not to you \(uid \d+\): remove it, or pass --root/);
  const open = join(dir, "open");
  mkdirSync(open);
  chmodSync(open, 0o777);
  t.throws(() => privateStateRoot(open), /is open to other users \(mode 777\)/);
  const link = join(dir, "link");
  symlinkSync(open, link);
  t.throws(() => privateStateRoot(link), /is not a directory/, "a symlink is not followed");
  const file = join(dir, "file");
  writeFileSync(file, "");
  t.throws(() => privateStateRoot(file), /is not a directory/);
});
