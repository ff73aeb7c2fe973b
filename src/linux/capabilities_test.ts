// process.capabilities against config.md: names that cannot be mapped or
// granted are warned about, not fatal; the bounding set is dropped first.
import t from "tap";
import { capabilityMasks, PR_CAPBSET_DROP, PR_SET_KEEPCAPS } from "./capabilities.ts";
import { identityOps } from "./user.ts";

const ALL = (1n << 41n) - 1n;

t.test("unknown and ungrantable names are warnings; the rest is granted", async (t) => {
  const { masks, warnings } = capabilityMasks(
    { bounding: ["CAP_KILL", "CAP_NOT_A_THING", "CAP_SYS_ADMIN"], effective: ["CAP_KILL"], ambient: ["CAP_CHECKPOINT_RESTORE"] },
    { grantable: ALL & ~(1n << 21n), lastCap: 39 },
  );
  t.equal(masks.bounding, 1n << 5n);
  t.equal(masks.effective, 1n << 5n);
  t.equal(masks.ambient, 0n, "CAP_CHECKPOINT_RESTORE (40) is past this kernel's last capability");
  t.same(warnings, [
    'process.capabilities.bounding: unknown capability "CAP_NOT_A_THING" ignored',
    "process.capabilities.bounding: CAP_SYS_ADMIN cannot be granted on this host and is left out",
    "process.capabilities.ambient: CAP_CHECKPOINT_RESTORE cannot be granted on this host and is left out",
  ]);
});

t.test("the bounding set is dropped before the user changes and the other sets", async (t) => {
  const { masks } = capabilityMasks({ bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"] }, { grantable: ALL, lastCap: 40 });
  const ops = identityOps({ uid: 1000, gid: 1000 }, masks, { lastCap: 40, setgroups: true });
  const kinds = ops.map((o) => (o.op === "prctl" ? (o.option === PR_CAPBSET_DROP ? "drop" : o.option === PR_SET_KEEPCAPS ? "keepcaps" : "prctl") : o.op));
  const lastDrop = kinds.lastIndexOf("drop");
  t.equal(kinds.filter((k) => k === "drop").length, 40, "every capability but CAP_KILL leaves the bounding set");
  t.ok(lastDrop < kinds.indexOf("setresuid") && lastDrop < kinds.indexOf("capset") && lastDrop < kinds.indexOf("setgroups"), kinds.join(" "));
});
