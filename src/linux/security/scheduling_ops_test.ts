import t from "tap";
import { personalityOps } from "./personality_op.ts";
import { schedulingOps } from "./scheduling_ops.ts";
import { sessionKeyringOp } from "./session_keyring_op.ts";

t.test("ioPriority, scheduler, personality and keyring ops", async (t) => {
  t.match(schedulingOps({ ioPriority: { class: "IOPRIO_CLASS_RT", priority: 0 } }), [{ op: "ioprio", which: 1, who: 0, ioprio: 1 << 13 }]);
  t.throws(() => schedulingOps({ ioPriority: { class: "IOPRIO_CLASS_BE", priority: 8 } }), /priority: 8 is not a level from 0 to 7/);
  t.match(schedulingOps({ scheduler: { policy: "SCHED_DEADLINE", runtime: 10_000, deadline: 20_000, period: 30_000, flags: ["SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_RESET_ON_FORK"] } }), [
    { op: "schedAttr", policy: 6, flags: 5, nice: 0, priority: 0, runtime: 10_000, deadline: 20_000, period: 30_000 },
  ]);
  t.same(schedulingOps({}), []);
  t.match(personalityOps({ domain: "LINUX32" }), [{ op: "personality", persona: 8 }]);
  t.same(personalityOps(undefined), []);
  t.match(sessionKeyringOp("c1", { userns: true }), { op: "keyring", name: "_ses.c1", perm: 8 });
  t.match(sessionKeyringOp("c1", { userns: false }), { perm: 0x80000 });
});
