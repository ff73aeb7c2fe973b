import t from "tap";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { formatReports, fuzz, replayCorpus, saveFinding } from "./fuzz.ts";
import { mutateBytes, mutateJson, type Json } from "./_mutate.ts";
import { Rng } from "./_rng.ts";
import { outcomeOfThrow, type Target } from "./_target.ts";

/** A toy target: numbers; 13 crashes, multiples of 5 are clear errors. */
function toy(): Target<number> {
  return {
    name: "toy",
    weight: 1,
    generate: (rng) => rng.int(100),
    async run(n) {
      try {
        if (n === 13) throw new TypeError("unlucky");
        if (n % 5 === 0) throw new RongqiError(`multiple of five: ${n}`);
        return { kind: "ok" };
      } catch (err) {
        return outcomeOfThrow(err, (e) => e instanceof RongqiError);
      }
    },
    save: (n) => n,
    load: (j) => j as number,
  };
}

t.test("the same seed gives the same numbers", async (t) => {
  const a = new Rng(42), b = new Rng(42);
  t.same(Array.from({ length: 20 }, () => a.int(1000)), Array.from({ length: 20 }, () => b.int(1000)));
  t.ok(Array.from({ length: 1000 }, () => a.next()).every((x) => x >= 0 && x < 1));
});

t.test("mutators change copies, never the original", async (t) => {
  const doc: Json = { a: [1, 2, { b: "c" }], d: true };
  const before = JSON.stringify(doc);
  const rng = new Rng(7);
  let changed = 0;
  for (let i = 0; i < 200; i++) if (JSON.stringify(mutateJson(doc, rng, ["x"])) !== before) changed++;
  t.equal(JSON.stringify(doc), before);
  t.ok(changed > 150, `most mutants differ (${changed}/200)`);
  const bytes = Buffer.from("hello world");
  t.ok(Array.from({ length: 50 }, () => mutateBytes(bytes, rng)).some((b) => !b.equals(bytes)));
  t.equal(bytes.toString(), "hello world");
});

t.test("fuzz counts outcomes, keeps findings, and the corpus replays them", async (t) => {
  const found: number[] = [];
  const [r] = await fuzz({ targets: [toy()], seconds: 0.3, seed: 1, onFinding: (f) => found.push(f.input as number) });
  t.ok(r!.inputs > 100);
  t.equal(r!.ok + r!.error + r!.crash, r!.inputs);
  t.ok(r!.crash > 0 && found.every((n) => n === 13), "13 is the only crash");
  t.ok(r!.error > 0);
  t.match(formatReports([r!]), /^target\s+inputs\s+ok\s+error\s+crash\s+hang\s+leak\s+escape\s+seconds\ntoy\s+\d+/);
  const dir = mkdtempSync(join(tmpdir(), "rongqi-fuzz-test-"));
  t.teardown(() => rmSync(dir, { recursive: true }));
  const path = saveFinding(dir, r!.findings[0]!);
  t.match(JSON.parse(readFileSync(path, "utf8")), { target: "toy", input: 13, note: /^crash: TypeError: unlucky/ });
  t.same((await replayCorpus(dir, [toy()])).map((f) => f.outcome.kind), ["crash"], "the corpus entry still fails");
});
