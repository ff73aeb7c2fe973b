import t from "tap";
import { checkIntelRdt, resctrlMounted } from "./intel_rdt.ts";

const withResctrl = "40 25 0:36 / /sys/fs/resctrl rw,relatime shared:20 - resctrl resctrl rw\n";
const without = "25 1 0:22 / /sys rw,nosuid - sysfs sysfs rw\n";

t.test("intelRdt is refused, saying why", async (t) => {
  t.doesNotThrow(() => checkIntelRdt(undefined, without), "absent: nothing to do");
  t.ok(resctrlMounted(withResctrl));
  t.notOk(resctrlMounted(without));
  t.throws(() => checkIntelRdt({ closID: "x" }, without), /linux.intelRdt: no resctrl filesystem is mounted/);
  t.throws(() => checkIntelRdt({ closID: "x" }, withResctrl), /linux.intelRdt: Intel RDT \(resctrl\) is not supported by rongqi yet/);
});
