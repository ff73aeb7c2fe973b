// linux.netDevices: a host veth interface moved into the container's network
// namespace, renamed, up, with its permanent global address kept.
import t from "tap";
import { execFileSync, spawnSync } from "node:child_process";
import { cleanup, makeBundle, rongqi } from "./_bundle.ts";

const HOST = `rqnd${process.pid % 10000}a`;
const PEER = `rqnd${process.pid % 10000}b`;
const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" });
const gone = () => spawnSync("ip", ["link", "del", PEER], { stdio: "ignore" });

t.test("a veth end moves into the container, renamed, up, with its address", async (t) => {
  gone();
  ip("link", "add", HOST, "type", "veth", "peer", "name", PEER);
  t.teardown(gone);
  ip("addr", "add", "192.0.2.10/24", "dev", HOST); // TEST-NET-1: never routed anywhere
  const b = makeBundle(["sh", "-c", "ip -o link show ctn0; ip -o -4 addr show dev ctn0"], (c) => {
    c.linux!.netDevices = { [HOST]: { name: "ctn0" } };
  });
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /ctn0@\S+: <[^>]*\bUP\b/, "up in the container, under its new name");
  t.match(r.stdout, /inet 192\.0\.2\.10\/24/, "with its address");
  t.equal(spawnSync("ip", ["link", "show", HOST]).status, 1, "no longer on the host");
});

t.test("a name template and a name conflict", async (t) => {
  gone();
  ip("link", "add", HOST, "type", "veth", "peer", "name", PEER);
  t.teardown(gone);
  const b = makeBundle(["sh", "-c", "ls /sys/class/net | sort"], (c) => {
    c.linux!.netDevices = { [HOST]: { name: "lo" } };
  });
  t.teardown(() => cleanup(b));
  const clash = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.not(clash.status, 0);
  t.match(clash.stderr, new RegExp(`linux.netDevices.${HOST}: the container's network namespace already has a device named "lo"`));
  t.equal(spawnSync("ip", ["link", "show", HOST]).status, 0, "left on the host");

  b.config.linux!.netDevices = { [HOST]: { name: "ext%d" } };
  b.save();
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct2"]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, "ext0\nlo\n");
});

t.test("a missing device is a clear error", async (t) => {
  const b = makeBundle(["true"], (c) => (c.linux!.netDevices = { rqnd_missing: {} }));
  t.teardown(() => cleanup(b));
  const r = rongqi(b.root, ["run", "-b", b.bundle, "ct"]);
  t.not(r.status, 0);
  t.match(r.stderr, /linux.netDevices.rqnd_missing: ip -j addr show dev rqnd_missing: Device "rqnd_missing" does not exist/);
});
