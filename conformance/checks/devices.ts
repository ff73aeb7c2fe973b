// Devices: the default devices every container gets, the /dev symlinks,
// configured devices of every type with their mode and owner, anywhere in
// the rootfs, and a path already taken by another file.
import { check, type Check, type T } from "../_check.ts";
import { expectCreateFails, runInside } from "../_helpers.ts";

const DEFAULTS = { file: "config-linux.md", quote: "In addition to any devices configured with this setting, the runtime MUST also supply:" } as const;
const LISTED = { file: "config-linux.md", quote: "devices (array of objects, OPTIONAL) lists devices that MUST be available in the container." } as const;

const hex = (n: number) => n.toString(16);

/** busybox stat: "<type>|<major hex>:<minor hex>" */
const devStat = (path: string) => `$(stat -c '%F|%t:%T' ${path} 2>&1)`;

interface Default {
  path: string;
  major: number;
  minor: number;
  /** a use of the device that must work */
  use: string;
}

const DEFAULT_DEVICES: Default[] = [
  { path: "/dev/null", major: 1, minor: 3, use: `succeeds "writing works" sh -c "echo x > /dev/null"` },
  { path: "/dev/zero", major: 1, minor: 5, use: `eq "reads zeros" "$(head -c 4 /dev/zero | od -An -tx1 | tr -d ' ')" 00000000` },
  { path: "/dev/full", major: 1, minor: 7, use: `fails "writing fails with ENOSPC" "no space" sh -c "echo x > /dev/full"` },
  { path: "/dev/random", major: 1, minor: 8, use: `eq "reads bytes" "$(head -c 4 /dev/random | wc -c)" 4` },
  { path: "/dev/urandom", major: 1, minor: 9, use: `eq "reads bytes" "$(head -c 4 /dev/urandom | wc -c)" 4` },
  { path: "/dev/tty", major: 5, minor: 0, use: "" },
];

const defaultDevice = (d: Default): Check =>
  check({
    id: `devices.default-${d.path.slice(5)}`,
    area: "devices",
    title: `${d.path} is the character device ${d.major}:${d.minor} and works`,
    spec: DEFAULTS,
    async run(t: T) {
      await runInside(t, t.ws.bundle({ script: `eq "${d.path}" "${devStat(d.path)}" "character special file|${hex(d.major)}:${hex(d.minor)}"\n${d.use}` }));
    },
  });

interface Configured {
  name: string;
  type: string;
  major?: number;
  minor?: number;
  expect: string;
}

export default [
  ...DEFAULT_DEVICES.map(defaultDevice),
  check({
    id: "devices.default-ptmx",
    area: "devices",
    title: "/dev/ptmx is the container's /dev/pts/ptmx (bind mount or symlink) and opens a pseudoterminal",
    spec: DEFAULTS,
    async run(t: T) {
      const script = [
        `l=$(readlink /dev/ptmx)`,
        `if [ -n "$l" ]; then match "/dev/ptmx links to pts/ptmx" "$l" "^(/dev/)?pts/ptmx$"; else eq "/dev/ptmx" "${devStat("/dev/ptmx")}" "character special file|5:2"; fi`,
        `succeeds "opening it gives a pseudoterminal" sh -c "exec 3<>/dev/ptmx"`,
      ].join("\n");
      await runInside(t, t.ws.bundle({ script }));
    },
  }),
  check({
    id: "devices.symlinks",
    area: "devices",
    title: "/dev/fd, /dev/stdin, /dev/stdout and /dev/stderr link to /proc/self/fd",
    spec: { file: "runtime-linux.md", quote: "While creating the container (step 2 in the lifecycle), runtimes MUST create the following symlinks if the source file exists after processing mounts:" },
    async run(t: T) {
      const links: [string, string][] = [["/dev/fd", "/proc/self/fd"], ["/dev/stdin", "/proc/self/fd/0"], ["/dev/stdout", "/proc/self/fd/1"], ["/dev/stderr", "/proc/self/fd/2"]];
      await runInside(t, t.ws.bundle({ script: links.map(([l, target]) => `eq "${l}" "$(readlink ${l})" ${target}`).join("\n") }));
    },
  }),
  check({
    id: "devices.char",
    area: "devices",
    title: "a configured character device exists with its numbers, fileMode, uid and gid",
    spec: LISTED,
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "/dev/cf-char" "$(stat -c '%F|%t:%T|%a|%u:%g' /dev/cf-char 2>&1)" "character special file|1:3|640|1000:1001"`,
        edit: (c) => { c.linux.devices = [{ path: "/dev/cf-char", type: "c", major: 1, minor: 3, fileMode: 0o640, uid: 1000, gid: 1001 }]; },
      });
      await runInside(t, b);
    },
  }),
  ...([
    { name: "block", type: "b", expect: "block special file" },
    { name: "fifo", type: "p", expect: "fifo" },
    { name: "unbuffered", type: "u", major: 1, minor: 3, expect: "character special file|1:3" },
  ] as Configured[]).map((d) =>
    check({
      id: `devices.${d.name}`,
      area: "devices",
      title: `a configured device of type ${d.type} exists as a ${d.expect.split("|")[0]}`,
      spec: LISTED,
      needs: (h) => (d.type === "b" && !h.anyBlockDevice ? "the host has no block device" : undefined),
      async run(t: T) {
        let [major, minor] = [d.major, d.minor];
        if (d.type === "b") [major, minor] = t.host.anyBlockDevice!.split(":").map(Number);
        const expect = d.type === "b" ? `${d.expect}|${hex(major!)}:${hex(minor!)}` : d.expect;
        const fmt = d.type === "p" ? "%F" : "%F|%t:%T";
        const b = t.ws.bundle({
          script: `eq "/dev/cf-dev" "$(stat -c '${fmt}' /dev/cf-dev 2>&1)" ${JSON.stringify(expect)}`,
          edit: (c) => { c.linux.devices = [{ path: "/dev/cf-dev", type: d.type, ...(major !== undefined ? { major, minor } : {}), fileMode: 0o600 }]; },
        });
        await runInside(t, b);
      },
    })),
  check({
    id: "devices.outside-dev",
    area: "devices",
    title: "a configured device outside /dev exists",
    spec: LISTED,
    about: "config-linux.md#devices: The path MAY be anywhere in the container filesystem",
    async run(t: T) {
      const b = t.ws.bundle({
        script: `eq "/cf-devs/null" "${devStat("/cf-devs/null")}" "character special file|1:3"`,
        edit: (c, bb) => {
          bb.mkdir("/cf-devs");
          c.linux.devices = [{ path: "/cf-devs/null", type: "c", major: 1, minor: 3, fileMode: 0o666 }];
        },
      });
      await runInside(t, b);
    },
  }),
  check({
    id: "devices.path-taken",
    area: "devices",
    title: "a device whose path holds a regular file is refused",
    spec: { file: "config-linux.md", quote: "If a file already exists at path that does not match the requested device, the runtime MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({
        edit: (c, bb) => {
          bb.file("/cf-devs/taken", "a regular file");
          c.linux.devices = [{ path: "/cf-devs/taken", type: "c", major: 1, minor: 3, fileMode: 0o666 }];
        },
      });
      await expectCreateFails(t, b, "a regular file is at the device's path");
    },
  }),
];
