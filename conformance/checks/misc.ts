// Miscellaneous properties: unknown properties are ignored, personality,
// memory policy, network devices, the Features structure and the versions
// it promises.
import { execFileSync } from "node:child_process";
import { check, type T } from "../_check.ts";
import { runInside } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { APPLIED } from "../_spec.ts";
import { host } from "../_workspace.ts";

interface Features {
  ociVersionMin?: string;
  ociVersionMax?: string;
}

/** The runtime's Features structure, or undefined when it offers none. */
async function features(t: T): Promise<Features | undefined> {
  const r = await t.ws.call(["features"]);
  if (r.status !== 0) {
    t.note(`no Features structure (\`features\` ${describe(r)}); it is optional`);
    return undefined;
  }
  try {
    return JSON.parse(r.stdout) as Features;
  } catch {
    t.fatal("features printed no JSON", r.stdout.slice(0, 200));
  }
}

const semver = (v: string) => v.split(/[-+]/)[0]!.split(".").map(Number);
const cmp = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/** A veth pair made for the check; `name` is the end given to the container, with an address. */
function veth(t: T, name: string): void {
  host("ip", ["link", "add", name, "type", "veth", "peer", "name", `${name}p`]);
  host("ip", ["addr", "add", "192.0.2.77/32", "dev", name]);
  t.defer(() => {
    try {
      execFileSync("ip", ["link", "del", `${name}p`], { stdio: "ignore" });
    } catch {
      // gone with the container's network namespace
    }
  });
}

const needsVeth = (h: { veth: boolean }) => (h.veth ? undefined : "virtual ethernet pairs cannot be made on this host");

export default [
  check({
    id: "misc.unknown-properties",
    area: "misc",
    title: "unknown properties at the top level, in process and in linux are ignored",
    spec: { file: "config.md", quote: "Runtimes MAY log unknown properties but MUST otherwise ignore them." },
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "the container runs" yes yes`,
        edit: (c) => {
          c["org.example.cfUnknown"] = { nested: [1, 2, 3] };
          c.process!.cfUnknown = true;
          c.linux.cfUnknown = "value";
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.personality",
    area: "misc",
    title: "personality LINUX32 makes uname report a 32-bit machine",
    spec: APPLIED,
    about: "config-linux.md#personality",
    needs: (h) => (h.arch === "x86_64" ? undefined : "the check knows the 32-bit name of x86_64 only"),
    async run(t: T) {
      const b = t.ws.bundle({ script: `eq "uname -m" "$(uname -m)" i686`, edit: (c) => { c.linux.personality = { domain: "LINUX32" }; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.memory-policy",
    area: "misc",
    title: "memoryPolicy MPOL_BIND to node 0 is the program's NUMA policy",
    spec: APPLIED,
    about: "config-linux.md#memory-policy",
    needs: (h) => (h.numa ? undefined : "the kernel has no NUMA support"),
    async run(t: T) {
      if (!t.ws.run.probe) t.skip("needs a C compiler with a static libc (gcc, libc6-dev) to build the suite's probe");
      const b = t.ws.bundle({ script: `eq "get_mempolicy" "$(/conformance/probe mempolicy)" "mode=2 nodes=1"`, edit: (c) => { c.linux.memoryPolicy = { mode: "MPOL_BIND", nodes: "0" }; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.net-device",
    area: "misc",
    title: "a host network device in netDevices is moved into the container under its new name, keeping its address",
    spec: { file: "config-linux.md", quote: "netDevices (object, OPTIONAL) - A set of network devices that MUST be made available in the container." },
    needs: needsVeth,
    async run(t: T) {
      const name = `${t.ws.run.prefix.slice(2)}${t.ws.n}`.slice(0, 11);
      veth(t, name);
      const b = t.ws.bundle({
        script: `succeeds "the device is there as cf-moved" ip link show cf-moved\nmatch "its address came along" "$(ip addr show cf-moved)" "192.0.2.77"`,
        edit: (c) => { c.linux.netDevices = { [name]: { name: "cf-moved" } }; },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.net-device-up",
    area: "misc",
    title: "a moved network device is up",
    spec: { file: "config-linux.md", quote: "The runtime MUST set the network device state to \"up\" after moving it to the network namespace to allow the container to send and receive network traffic through that device." },
    needs: needsVeth,
    async run(t: T) {
      const name = `${t.ws.run.prefix.slice(2)}${t.ws.n}`.slice(0, 11);
      veth(t, name);
      const b = t.ws.bundle({ script: `match "flags of the device" "$(ip link show ${name})" "[<,]UP[,>]"`, edit: (c) => { c.linux.netDevices = { [name]: {} }; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.mount-label",
    area: "misc",
    title: "mountLabel is the SELinux context of the container's mounts",
    spec: APPLIED,
    about: "config-linux.md#mount-label",
    needs: (h) => (h.selinux ? undefined : "no SELinux on this host"),
    async run(t: T) {
      const label = "system_u:object_r:container_file_t:s0";
      const b = t.ws.bundle({ script: `match "context of /dev/shm" "$(mnt /dev/shm)" "context=\"?${label}"`, edit: (c) => { c.linux.mountLabel = label; } });
      await runInside(t, b);
    },
  }),
  check({
    id: "misc.features-versions",
    area: "misc",
    title: "the Features structure (if offered) has ociVersionMin <= ociVersionMax",
    spec: { file: "features.md", quote: "The value MUST NOT be less than the value of the ociVersionMin property." },
    async run(t: T) {
      const f = await features(t);
      if (!f) return;
      t.ok(typeof f.ociVersionMin === "string" && typeof f.ociVersionMax === "string", "ociVersionMin and ociVersionMax are strings", JSON.stringify(f).slice(0, 200));
      if (f.ociVersionMin && f.ociVersionMax) t.ok(cmp(f.ociVersionMax, f.ociVersionMin) >= 0, "ociVersionMax >= ociVersionMin", `${f.ociVersionMin} .. ${f.ociVersionMax}`);
    },
  }),
  ...(["ociVersionMin", "ociVersionMax"] as const).map((field) =>
    check({
      id: `misc.features-${field === "ociVersionMin" ? "min" : "max"}-accepted`,
      area: "misc",
      title: `a config whose ociVersion is the Features ${field} runs`,
      spec: { file: "features.md", quote: "The runtime MUST accept this value as the ociVersion property of config.json." },
      async run(t: T) {
        const f = await features(t);
        if (!f?.[field]) return;
        const b = t.ws.bundle({ script: `eq "the container runs" yes yes`, edit: (c) => { c.ociVersion = f[field]!; } });
        await runInside(t, b);
      },
    })),
];
