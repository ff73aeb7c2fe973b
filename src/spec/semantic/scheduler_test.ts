import t from "tap";
import { checkScheduler } from "./scheduler.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";
import type { Scheduler } from "../types/config.ts";

t.test("priorities and deadline parameters the kernel accepts", (t) => {
  t.same(checkScheduler(fullConfig()), []);
  const c = minimalConfig();
  const check = (scheduler: Scheduler) => checkScheduler({ ...c, process: { ...c.process!, scheduler } });
  t.same(check({ policy: "SCHED_OTHER", nice: 5 }), []);
  t.same(check({ policy: "SCHED_FIFO", priority: 99 }), []);
  t.same(check({ policy: "SCHED_DEADLINE", runtime: 10000, deadline: 20000, period: 30000 }), []);
  t.same(check({ policy: "SCHED_DEADLINE", runtime: 10000, deadline: 20000 }), [], "period 0 means the deadline");
  t.same(check({ policy: "SCHED_FIFO" }), [{ pointer: "/process/scheduler/priority", message: "must be from 1 to 99 with SCHED_FIFO, not 0" }]);
  t.same(check({ policy: "SCHED_RR", priority: 100 }), [{ pointer: "/process/scheduler/priority", message: "must be from 1 to 99 with SCHED_RR, not 100" }]);
  t.same(check({ policy: "SCHED_BATCH", priority: 3 }), [
    { pointer: "/process/scheduler/priority", message: "must be 0 with SCHED_BATCH (only SCHED_FIFO and SCHED_RR use it), not 3" },
  ]);
  t.same(check({ policy: "SCHED_ISO" }), [{ pointer: "/process/scheduler/policy", message: "SCHED_ISO is not implemented by Linux" }]);
  t.same(check({ policy: "SCHED_DEADLINE", runtime: 100, deadline: 50, period: 10 }), [
    { pointer: "/process/scheduler/runtime", message: "must be at least 1024 (nanoseconds) with SCHED_DEADLINE, not 100" },
    { pointer: "/process/scheduler/deadline", message: "must be at least runtime (100) with SCHED_DEADLINE, not 50" },
    { pointer: "/process/scheduler/period", message: "must be at least deadline (50) with SCHED_DEADLINE, or 0, not 10" },
  ]);
  t.end();
});
