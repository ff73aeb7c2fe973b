import t from "tap";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listContainerIds } from "./list_container_ids.ts";

t.test("valid directory names only, sorted; a missing root has none", (t) => {
  const root = mkdtempSync(join(tmpdir(), "rongqi-list-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const d of ["web", "Db", "a.b", "1", "has space"]) mkdirSync(join(root, d));
  writeFileSync(join(root, "file"), "");
  writeFileSync(join(root, ".tmp-state.json-1-ab"), "");
  symlinkSync(join(root, "web"), join(root, "link"));
  t.same(listContainerIds(root), ["1", "Db", "a.b", "web"]);
  t.same(listContainerIds(join(root, "missing")), []);
  t.throws(() => listContainerIds(join(root, "file")), { message: /^listing the state root ".*\/file": scandir ".*": ENOTDIR/ });
  t.end();
});
