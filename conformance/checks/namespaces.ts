// Namespaces: each type listed without a path is new, each type left out is
// the runtime's, each type given a path is joined; wrong paths and
// duplicates are refused; time namespace offsets.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { check, type Check, type T } from "../_check.ts";
import { USERNS_MAP, withNamespace, withoutNamespace, type Config } from "../_config.ts";
import { expectCreateFails, nsOf, running, runInside } from "../_helpers.ts";
import { NS_FILE, type Host } from "../_host.ts";
import { APPLIED } from "../_spec.ts";
import { waitFor } from "../_workspace.ts";

const NEW = { file: "config-linux.md", quote: "If path is not specified, the runtime MUST create a new container namespace of type type." } as const;
const INHERIT = { file: "config-linux.md", quote: "If a namespace type is not specified in the namespaces array, the container MUST inherit the runtime namespace of that type." } as const;
const JOIN = { file: "config-linux.md", quote: "The runtime MUST place the container process in the namespace associated with that path." } as const;
const WRONG = { file: "config-linux.md", quote: "The runtime MUST generate an error if path is not associated with a namespace of type type." } as const;

const hostNs = (h: Host, type: string) => h.ns.get(type) ?? "";
const needsNs = (type: string) => (h: Host) => (h.ns.has(type) ? undefined : `the kernel has no ${type} namespaces`);

/** Extra checker lines for a new namespace of `type`. */
const NEW_EXTRA: Record<string, string> = {
  pid: `eq "the process is pid 1" "$$" 1`,
  network: `eq "only the loopback interface" "$(ls /sys/class/net | tr '\\n' ' ')" "lo "`,
  user: `nomatch "uid_map is not the identity" "$(cat /proc/$$/uid_map)" "^ *0 +0 +4294967295"`,
  cgroup: `match "the cgroup path is the namespace root" "$(head -n 1 /proc/$$/cgroup)" ":/$"`,
};

/** Makes `c` valid for a container with a new `type` namespace. */
function prepareNew(c: Config, type: string): void {
  withNamespace(c, type);
  if (type === "user") {
    c.linux.uidMappings = USERNS_MAP;
    c.linux.gidMappings = USERNS_MAP;
  }
}

const newNs = (type: string): Check =>
  check({
    id: `namespaces.new-${type}`,
    area: "namespaces",
    title: `a ${type} namespace listed without a path is new`,
    spec: NEW,
    needs: (h) => needsNs(type)(h) ?? (type === "user" && !h.userns ? "user namespaces are disabled on this host" : undefined),
    async run(t: T) {
      const file = NS_FILE[type]!;
      const b = t.ws.bundle({
        script: `ne "${file} namespace" "$(ns ${file})" "${hostNs(t.host, type)}"\n${NEW_EXTRA[type] ?? ""}`,
        edit: (c) => prepareNew(c, type),
      });
      await runInside(t, b);
    },
  });

const inheritNs = (type: string): Check =>
  check({
    id: `namespaces.inherit-${type}`,
    area: "namespaces",
    title: `a ${type} namespace left out of the list is the runtime's`,
    spec: INHERIT,
    needs: needsNs(type),
    async run(t: T) {
      const file = NS_FILE[type]!;
      const b = t.ws.bundle({
        script: `eq "${file} namespace" "$(ns ${file})" "${hostNs(t.host, type)}"`,
        edit: (c) => {
          withoutNamespace(c, type);
          if (type === "uts") {
            delete c.hostname;
            delete c.domainname;
          }
          if (type === "network") c.mounts = c.mounts.filter((m) => m.destination !== "/sys");
        },
      });
      await runInside(t, b);
    },
  });

/** A process in new namespaces of `types` (pid: the process is pid 1 of the new namespace); returns its host pid. */
async function holder(t: T, types: string[]): Promise<number> {
  const flags: Record<string, string> = { network: "--net", ipc: "--ipc", uts: "--uts", cgroup: "--cgroup", pid: "--pid", time: "--time", mount: "--mount" };
  const args = [...types.map((x) => flags[x]!), ...(types.includes("pid") || types.includes("time") ? ["--fork"] : []), "sleep", "1000"];
  const child: ChildProcess = spawn("unshare", args, { stdio: "ignore" });
  t.defer(() => child.kill("SIGKILL"));
  const fork = types.includes("pid") || types.includes("time");
  let pid = child.pid!;
  const ok = await waitFor(() => {
    if (fork) {
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
        if (!kids[0]) return false;
        pid = Number(kids[0]);
      } catch {
        return false;
      }
    }
    return types.every((x) => nsOf(pid, NS_FILE[x]!) !== undefined && nsOf(pid, NS_FILE[x]!) !== nsOf("self", NS_FILE[x]!));
  }, 5000);
  if (!ok) t.fatal(`could not make a process in new ${types.join(", ")} namespaces with unshare(1)`);
  t.defer(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  });
  return pid;
}

const joinNs = (type: string): Check =>
  check({
    id: `namespaces.join-${type}`,
    area: "namespaces",
    title: `a ${type} namespace given by path is joined`,
    spec: JOIN,
    needs: needsNs(type),
    async run(t: T) {
      const pid = await holder(t, [type]);
      const file = NS_FILE[type]!;
      const want = nsOf(pid, file)!;
      const b = t.ws.bundle({
        script: type === "pid" ? "exec sleep 1000" : `eq "${file} namespace" "$(ns ${file})" "${want}"`,
        edit: (c) => {
          withNamespace(c, type, `/proc/${pid}/ns/${file}`);
          if (type === "time") {
            delete c.linux.timeOffsets;
          }
        },
      });
      if (type !== "pid") {
        await runInside(t, b);
        return;
      }
      // a process that joins another pid namespace is not that namespace's
      // init, and nobody there reaps it: look from outside while it runs
      const st = await running(t, b);
      t.eq(nsOf(st.pid!, file), want, "pid namespace of the container process");
    },
  });

export default [
  ...["pid", "network", "ipc", "uts", "mount", "cgroup", "user", "time"].map(newNs),
  ...["pid", "network", "ipc", "uts", "cgroup", "user"].map(inheritNs),
  ...["pid", "network", "ipc", "uts", "cgroup", "time"].map(joinNs),
  check({
    id: "namespaces.path-wrong-type",
    area: "namespaces",
    title: "a network namespace path that names an ipc namespace is refused",
    spec: WRONG,
    async run(t: T) {
      const pid = await holder(t, ["ipc"]);
      const b = t.ws.bundle({ edit: (c) => withNamespace(c, "network", `/proc/${pid}/ns/ipc`) });
      await expectCreateFails(t, b, "the path is an ipc namespace");
    },
  }),
  check({
    id: "namespaces.path-not-namespace",
    area: "namespaces",
    title: "a namespace path that is a regular file is refused",
    spec: WRONG,
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c, bb) => withNamespace(c, "network", bb.file("/not-a-namespace", "x")) });
      await expectCreateFails(t, b, "the path is a regular file");
    },
  }),
  check({
    id: "namespaces.duplicate",
    area: "namespaces",
    title: "two entries of the same type are refused",
    spec: { file: "config-linux.md", quote: "If a namespaces field contains duplicated namespaces with same type, the runtime MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.linux.namespaces!.push({ type: "network" }); } });
      await expectCreateFails(t, b, "network is listed twice");
    },
  }),
  check({
    id: "namespaces.time-offsets",
    area: "namespaces",
    title: "timeOffsets shift the boottime and monotonic clocks of a new time namespace",
    spec: APPLIED,
    about: "config-linux.md#offset-for-time-namespace",
    needs: needsNs("time"),
    async run(t: T) {
      const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
      const b = t.ws.bundle({
        script: `up=$(cut -d. -f1 /proc/uptime)\nif [ "$up" -ge ${Math.floor(uptime) + 864000 - 5} ]; then ok "uptime includes the 10-day boottime offset"; else nok "uptime includes the 10-day boottime offset" "uptime $up s, host ${Math.floor(uptime)} s"; fi`,
        edit: (c) => {
          withNamespace(c, "time");
          c.linux.timeOffsets = { boottime: { secs: 864000, nanosecs: 0 }, monotonic: { secs: 86400, nanosecs: 0 } };
        },
      });
      await runInside(t, b);
    },
  }),
];
