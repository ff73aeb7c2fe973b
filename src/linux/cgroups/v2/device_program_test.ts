import t from "tap";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { ACC_ALL, ACC_MKNOD, ACC_READ, ACC_WRITE, effectiveDevices, type DeviceRule, type EffectiveDevices } from "../device_rules.ts";
import { attachDeviceRules } from "./devices.ts";
import { deviceProgram, runDeviceProgram } from "./device_program.ts";

/** What the v1 controller answers (match_exception / match_exception_partial). */
function v1Allows(eff: EffectiveDevices, req: { type: "c" | "b"; major: number; minor: number; access: number }): boolean {
  const hits = eff.exceptions.filter((e) => e.type === req.type && (e.major === -1 || e.major === req.major) && (e.minor === -1 || e.minor === req.minor));
  if (eff.defaultAllow) return !hits.some((e) => (e.access & req.access) !== 0);
  return hits.some((e) => (req.access & ~e.access) === 0);
}

const r = (allow: boolean, type: "a" | "c" | "b", major: number, minor: number, access = ACC_ALL): DeviceRule => ({ allow, type, major, minor, access });

const CASES: DeviceRule[][] = [
  [r(false, "a", -1, -1), r(true, "c", 1, 3), r(true, "c", 5, -1, ACC_READ), r(true, "b", 8, 0, ACC_READ | ACC_WRITE)],
  [r(false, "c", 1, 3, ACC_WRITE), r(false, "b", -1, -1, ACC_MKNOD)],
  [r(false, "a", -1, -1), r(true, "a", 4, -1, ACC_READ), r(true, "c", -1, -1, ACC_MKNOD)],
  [r(true, "a", -1, -1)],
  [r(false, "a", -1, -1)],
];

t.test("the program answers every request as the v1 controller would", async (t) => {
  for (const [i, rules] of CASES.entries()) {
    const eff = effectiveDevices(rules);
    const prog = deviceProgram(eff);
    let checked = 0;
    for (const type of ["c", "b"] as const) {
      for (const major of [1, 4, 5, 8, 300]) {
        for (const minor of [0, 3, 7]) {
          for (let access = 1; access <= 7; access++) {
            const req = { type, major, minor, access };
            if ((runDeviceProgram(prog, req) === 1) !== v1Allows(eff, req)) t.fail(`case ${i}: ${JSON.stringify(req)}`);
            checked++;
          }
        }
      }
    }
    t.pass(`case ${i}: ${checked} requests agree`);
  }
});

t.test("instructions are 8-byte struct bpf_insn, ending in exit", async (t) => {
  const prog = deviceProgram({ defaultAllow: false, exceptions: [] });
  t.equal(prog.length, 8 * 8, "6 loads + r0 = 0 + exit");
  t.equal(prog.readUInt8(prog.length - 8), 0x95, "exit");
  t.equal(runDeviceProgram(prog, { type: "c", major: 1, minor: 3, access: ACC_READ }), 0);
});

const UNIFIED = "/sys/fs/cgroup/unified";
const base = existsSync("/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup" : UNIFIED;

t.test("loaded with bpf() and attached to a real cgroup v2, it decides device access", { skip: !existsSync(`${base}/cgroup.procs`) && "no cgroup2 hierarchy" }, async (t) => {
  const dir = `${base}/rongqi-test-bpf-${process.pid}`;
  mkdirSync(dir);
  t.teardown(() => rmdirSync(dir));
  attachDeviceRules(dir, [{ allow: false, access: "rwm" }, { allow: true, type: "c", major: 1, minor: 11, access: "w" }]);
  // again: the first program is replaced, not stacked
  attachDeviceRules(dir, [{ allow: false, access: "rwm" }, { allow: true, type: "c", major: 1, minor: 11, access: "w" }]);
  const probe = [
    "head -c 3 /dev/zero | wc -c", // a default device
    "dd if=/dev/kmsg of=/dev/null bs=8192 count=1 2>/dev/null && echo kmsg-read || echo kmsg-read-denied",
    "echo rongqi-test-bpf > /dev/kmsg && echo kmsg-write",
    "head -c 1 /dev/loop0 > /dev/null 2>&1 && echo loop-read || echo loop-read-denied",
  ];
  t.same(execFileSync("sh", ["-c", probe.join("; ")], { encoding: "utf8" }).trim().split("\n"), ["3", "kmsg-read", "kmsg-write", "loop-read"],
    "outside the cgroup every device opens");
  const script = [
    `echo $$ > ${dir}/cgroup.procs`,
    ...probe,
  ].join("; ");
  const out = execFileSync("sh", ["-c", script], { encoding: "utf8" }).trim().split("\n");
  t.same(out, ["3", "kmsg-read-denied", "kmsg-write", "loop-read-denied"], "c 1:11 write only, block devices denied");
});
