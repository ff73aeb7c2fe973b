import t from "tap";
import { ACC_ALL, ACC_MKNOD, ACC_READ, ACC_WRITE, accessString, containerDeviceRules, effectiveDevices, parseAccess, v1DeviceLine } from "./device_rules.ts";

const rule = (allow: boolean, type: "a" | "c" | "b", major: number, minor: number, access = ACC_ALL) => ({ allow, type, major, minor, access });

t.test("access strings", async (t) => {
  t.equal(parseAccess("rwm", "f"), ACC_ALL);
  t.equal(parseAccess("mr", "f"), ACC_READ | ACC_MKNOD);
  t.equal(parseAccess(undefined, "f"), ACC_ALL, "unset: all");
  t.throws(() => parseAccess("rx", "linux.resources.devices[0]"), /devices\[0\].access: "rx" may only contain r, w and m/);
  t.equal(accessString(ACC_READ | ACC_WRITE), "rw");
});

t.test("deny all, then the user's allows, then the default devices", async (t) => {
  const rules = containerDeviceRules([{ allow: false, access: "rwm" }, { allow: true, type: "c", major: 10, minor: 200, access: "rw" }]);
  const eff = effectiveDevices(rules);
  t.equal(eff.defaultAllow, false);
  t.same(eff.exceptions[0], { type: "c", major: 10, minor: 200, access: ACC_READ | ACC_WRITE });
  t.ok(eff.exceptions.some((e) => e.major === 1 && e.minor === 3 && e.access === ACC_ALL), "/dev/null");
  t.ok(eff.exceptions.some((e) => e.major === 136 && e.minor === -1), "/dev/pts/*");
  t.ok(eff.exceptions.some((e) => e.type === "b" && e.major === -1 && e.access === ACC_MKNOD), "mknod of any block device (for linux.devices)");
  t.equal(v1DeviceLine(eff.exceptions.at(-1)!), "c 136:* rwm");
  t.same(containerDeviceRules(undefined), [], "no rules: nothing to enforce");
  t.same(containerDeviceRules([]), []);
});

t.test("v1 semantics: exceptions merge, agreeing rules remove access, a full wildcard resets", async (t) => {
  let eff = effectiveDevices([rule(false, "a", -1, -1), rule(true, "c", 1, 3, ACC_READ), rule(true, "c", 1, 3, ACC_WRITE)]);
  t.same(eff.exceptions, [{ type: "c", major: 1, minor: 3, access: ACC_READ | ACC_WRITE }], "merged");
  eff = effectiveDevices([rule(false, "a", -1, -1), rule(true, "c", 1, 3), rule(false, "c", 1, 3, ACC_WRITE)]);
  t.same(eff.exceptions, [{ type: "c", major: 1, minor: 3, access: ACC_READ | ACC_MKNOD }], "a deny takes write away");
  eff = effectiveDevices([rule(false, "a", -1, -1), rule(true, "c", 1, 3), rule(true, "a", -1, -1)]);
  t.same(eff, { defaultAllow: true, exceptions: [] }, "allow all resets");
  eff = effectiveDevices([rule(false, "b", 8, -1)]);
  t.same(eff, { defaultAllow: true, exceptions: [{ type: "b", major: 8, minor: -1, access: ACC_ALL }] }, "default allow: denies are exceptions");
  eff = effectiveDevices([rule(false, "a", -1, -1), rule(true, "a", 5, -1, ACC_READ)]);
  t.same(eff.exceptions, [{ type: "c", major: 5, minor: -1, access: ACC_READ }, { type: "b", major: 5, minor: -1, access: ACC_READ }],
    "type a with a major means both kinds");
  eff = effectiveDevices([rule(false, "a", -1, -1, ACC_MKNOD)]);
  t.equal(eff.defaultAllow, true, "partial access on everything is not a reset");
  t.same(eff.exceptions.map(v1DeviceLine), ["c *:* m", "b *:* m"]);
});
