// Concurrent calls: many creates of one id (exactly one wins), create,
// start, kill, state and delete racing on one container, and 100 containers
// created in parallel. Every call must end, with success or one clear error
// line; `state` must always read a whole record; nothing may be left.
import t from "tap";
import { cleanup, makeBundle, rongqi } from "../_bundle.ts";
import { isClearFailure, rongqiAsync, settledLeftovers, uniqueId } from "./_harness.ts";

t.setTimeout(600_000);

t.test("many creates of the same id: exactly one wins, the others fail clearly", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  const id = uniqueId("same");
  t.teardown(() => cleanup(b));
  const results = await Promise.all(Array.from({ length: 16 }, () => rongqiAsync(b.root, ["create", "-b", b.bundle, id])));
  const won = results.filter((r) => r.status === 0);
  t.equal(won.length, 1, "one create succeeded");
  for (const r of results.filter((r) => r.status !== 0)) {
    t.ok(isClearFailure(r) && /already exists/.test(r.stderr), `loser: ${r.stderr.trim()}`);
  }
  t.notOk(results.some((r) => r.timedOut), "no call hung");
  const st = rongqi(b.root, ["state", id]);
  t.equal(JSON.parse(st.stdout).status, "created");
  t.equal(rongqi(b.root, ["start", id]).status, 0, "the winner's container works");
  t.equal(rongqi(b.root, ["delete", "--force", id]).status, 0);
  t.same(await settledLeftovers(b, [id]), []);
});

t.test("create, start, kill, state, exec and delete racing on one container", async (t) => {
  const b = makeBundle(["sleep", "100"]);
  const id = uniqueId("race");
  t.teardown(() => cleanup(b));
  const kinds: Record<string, { ok: number; failed: number }> = {};
  let stateReads = 0;
  for (let round = 0; round < 8; round++) {
    const calls: [string, string[]][] = [
      ["create", ["create", "-b", b.bundle, id]],
      ["create", ["create", "-b", b.bundle, id]],
      ["start", ["start", id]],
      ["kill", ["kill", id, "KILL"]],
      ["kill --all", ["kill", "--all", id, "TERM"]],
      ["state", ["state", id]],
      ["state", ["state", id]],
      ["exec", ["exec", id, "true"]],
      ["delete", ["delete", id]],
      ["delete --force", ["delete", "--force", id]],
      ["list", ["list", "--format", "json"]],
    ];
    // a shuffled order each round
    calls.sort(() => Math.random() - 0.5);
    // staggered over the time a create takes, so each call meets the others at different stages
    const results = await Promise.all(calls.map(([, args]) => rongqiAsync(b.root, args, { timeoutMs: 60_000, delayMs: Math.random() * 1500 })));
    results.forEach((r, i) => {
      const [kind, args] = calls[i]!;
      const k = (kinds[kind] ??= { ok: 0, failed: 0 });
      t.notOk(r.timedOut, `${args.join(" ")} ended`);
      if (r.status === 0) {
        k.ok++;
        if (kind === "state") {
          const s = JSON.parse(r.stdout) as { id: string; status: string };
          t.ok(s.id === id && ["creating", "created", "running", "stopped"].includes(s.status), `state read a whole record: ${s.status}`);
          stateReads++;
        }
        if (kind === "list") t.doesNotThrow(() => JSON.parse(r.stdout), "list prints valid JSON");
      } else {
        k.failed++;
        t.ok(isClearFailure(r), `${args.join(" ")}: a clear error: ${r.stderr.trim()}`);
      }
    });
    const end = rongqi(b.root, ["delete", "--force", id]);
    t.ok(end.status === 0 || /does not exist/.test(end.stderr), `round ${round}: the container can always be deleted`);
  }
  t.comment(`outcomes: ${JSON.stringify(kinds)}, whole state reads: ${stateReads}`);
  t.same(await settledLeftovers(b, [id]), []);
});

t.test("100 containers created in parallel, then started, listed and deleted in parallel", async (t) => {
  const b = makeBundle(["sleep", "1000"]);
  t.teardown(() => cleanup(b));
  const ids = Array.from({ length: 100 }, (_, i) => uniqueId(`par${i}`));
  const created = await Promise.all(ids.map((id) => rongqiAsync(b.root, ["create", "-b", b.bundle, id], { timeoutMs: 240_000 })));
  const bad = created.filter((r) => r.status !== 0);
  t.same(bad.map((r) => r.stderr.trim()), [], "every create succeeded");
  t.comment(`create: slowest ${Math.max(...created.map((r) => r.ms))} ms`);
  const started = await Promise.all(ids.map((id) => rongqiAsync(b.root, ["start", id], { timeoutMs: 240_000 })));
  t.same(started.filter((r) => r.status !== 0).map((r) => r.stderr.trim()), [], "every start succeeded");
  const list = JSON.parse(rongqi(b.root, ["list", "--format", "json"]).stdout) as { id: string; status: string }[];
  t.equal(list.length, 100, "list shows the 100");
  t.ok(list.every((c) => c.status === "running"), "all running");
  const pids = new Set(list.map((c) => (c as unknown as { pid: number }).pid));
  t.equal(pids.size, 100, "100 distinct processes");
  const deleted = await Promise.all(ids.map((id) => rongqiAsync(b.root, ["delete", "--force", id], { timeoutMs: 240_000 })));
  t.same(deleted.filter((r) => r.status !== 0).map((r) => r.stderr.trim()), [], "every delete succeeded");
  t.same(await settledLeftovers(b, ids), []);
});
