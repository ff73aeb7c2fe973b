import t from "tap";
import { addCounters, counter, emptyStats, jsonWithBigints, runcStats, runcStatsJson, scaleCounter } from "./cgroup_stats.ts";

t.test("counters stay exact beyond 2^53", async (t) => {
  t.equal(counter("42\n"), 42);
  t.equal(counter("9223372036854771712"), 9223372036854771712n);
  t.equal(counter("max"), 0);
  t.equal(addCounters(9007199254740991, 1), 9007199254740992n);
  t.equal(scaleCounter(5, 1000), 5000);
  t.equal(jsonWithBigints({ a: 18446744073709551615n, b: [1n, 2] }), '{"a":18446744073709551615,"b":[1,2]}');
});

t.test("runc's JSON: its names, and Go's omitempty", async (t) => {
  const s = emptyStats();
  const empty = runcStats(s);
  t.same(empty, {
    cpu: { usage: { kernel: 0, user: 0 }, throttling: {} },
    cpuset: {
      cpu_exclusive: 0, mem_hardwall: 0, mem_exclusive: 0, memory_migrate: 0, memory_spread_page: 0, memory_spread_slab: 0,
      memory_pressure: 0, sched_load_balance: 0, sched_relax_domain_level: 0,
    },
    memory: { usage: { limit: 0, failcnt: 0 }, swap: { limit: 0, failcnt: 0 }, kernel: { limit: 0, failcnt: 0 }, kernelTCP: { limit: 0, failcnt: 0 } },
    pids: {},
    blkio: {},
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  }, "an empty document has runc's shape");
  s.cpu.usage.total = 7;
  s.cpu.usage.percpu = [3, 4];
  s.memory.usage.limit = 9223372036854771712n;
  s.memory.raw = { cache: 1 };
  s.hugetlb["2MB"] = { usage: 0, max: 0, failcnt: 0 };
  s.oomKills = 3;
  const json = runcStatsJson(s);
  t.match(json, /"usage":\{"total":7,"percpu":\[3,4\],"kernel":0,"user":0\}/);
  t.match(json, /"memory":\{"usage":\{"limit":9223372036854771712,"failcnt":0\}/);
  t.match(json, /"raw":\{"cache":1\}/);
  t.match(json, /"hugetlb":\{"2MB":\{"failcnt":0\}\}/);
  t.notMatch(json, /oom/i, "not part of runc's document");
});
