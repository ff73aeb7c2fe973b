// The suite's own bookkeeping: ids are unique and named after their area,
// every check quotes a sentence with MUST, SHOULD or REQUIRED, and (where the
// specification text is at hand) the sentence is in the file it names, word
// for word once links and markup are removed.
import t from "tap";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AREAS } from "./_check.ts";
import { parseChecker } from "./_checker.ts";
import { CHECKS } from "./checks/index.ts";

const SPEC_DIR = process.env.OCI_RUNTIME_SPEC_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "../../shared/reference/oci-runtime-spec");

/** Markdown to the text a reader sees: links and emphasis dropped, whitespace collapsed. */
export function plain(md: string): string {
  return md
    .replace(/<a name="[^"]*" *\/>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
    .replace(/\*\*/g, "")
    .replace(/`/g, "")
    .replace(/\s+/g, " ");
}

t.test("ids are unique and start with their area", async (t) => {
  const seen = new Set<string>();
  for (const c of CHECKS) {
    t.notOk(seen.has(c.id), `${c.id} is unique`);
    seen.add(c.id);
    t.ok(c.id.startsWith(`${c.area}.`), `${c.id} starts with ${c.area}.`);
    t.ok((AREAS as readonly string[]).includes(c.area), `${c.id}: area ${c.area} is known`);
  }
});

t.test("every check quotes a MUST, SHOULD or REQUIRED sentence", async (t) => {
  for (const c of CHECKS) t.match(c.spec.quote, /\b(MUST|SHOULD|REQUIRED)\b/, c.id);
});

t.test("quotes are in the specification text", { skip: existsSync(SPEC_DIR) ? false : `no specification text at ${SPEC_DIR}` }, async (t) => {
  const text = new Map<string, string>();
  for (const c of CHECKS) {
    const file = c.spec.file;
    if (!text.has(file)) text.set(file, plain(readFileSync(join(SPEC_DIR, file), "utf8")));
    t.ok(text.get(file)!.includes(c.spec.quote), `${c.id}: quoted from ${file}`, { quote: c.spec.quote });
  }
});

t.test("the checker output parser", async (t) => {
  const out = parseChecker("ok - a\nnot ok - b # got 'x', want 'y'\nnoise\n# checker done\n");
  t.same(out.lines, [{ ok: true, name: "a", detail: undefined }, { ok: false, name: "b", detail: "got 'x', want 'y'" }]);
  t.equal(out.done, true);
  t.equal(parseChecker("ok - a\n").done, false, "no end marker: not done");
});
