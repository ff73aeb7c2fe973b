import t from "tap";
import { checkCpuLists } from "./cpu_lists.ts";
import { cpuListRanges } from "./_cpu_list.ts";
import { fullConfig, minimalConfig } from "../testdata/configs.ts";

t.test("ranges", (t) => {
  t.same(cpuListRanges("0-3,7"), { ranges: [[0, 3], [7, 7]] });
  t.same(cpuListRanges(""), { ranges: [] });
  t.same(cpuListRanges("1,5-2"), { ranges: [[1, 1], [5, 2]], reversed: "5-2" });
  t.end();
});

t.test("backwards ranges are errors wherever a list is", (t) => {
  t.same(checkCpuLists(fullConfig()), []);
  const c = minimalConfig();
  c.process!.execCPUAffinity = { initial: "3-1", final: "0-1" };
  c.linux = { resources: { cpu: { cpus: "0,3-1", mems: "1-0" } }, memoryPolicy: { mode: "MPOL_BIND", nodes: "2-1" } };
  t.same(checkCpuLists(c), [
    { pointer: "/linux/resources/cpu/cpus", message: 'range "3-1" runs backwards: write "1-3"' },
    { pointer: "/linux/resources/cpu/mems", message: 'range "1-0" runs backwards: write "0-1"' },
    { pointer: "/linux/memoryPolicy/nodes", message: 'range "2-1" runs backwards: write "1-2"' },
    { pointer: "/process/execCPUAffinity/initial", message: 'range "3-1" runs backwards: write "1-3"' },
  ]);
  t.end();
});
