// kill: signals reach the container process, created containers can be
// killed, stopped ones cannot, an id is required.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { created, running } from "../_helpers.ts";
import { describe } from "../_runtime.ts";
import { exited, waitFor } from "../_workspace.ts";

const SEND = { file: "runtime.md", quote: "This operation MUST send the specified signal to the container process." } as const;

/** Traps SIGNAL, writes its name to /share/got and exits 0; /share/ready once the trap is set. */
const trapScript = (sig: string) =>
  `trap 'echo ${sig} > /share/got; exit 0' ${sig}\ntouch /share/ready\nwhile :; do sleep 0.05; done`;

export default [
  check({
    id: "kill.signal-running",
    area: "kill",
    title: "kill delivers SIGUSR1 (10) to a running container's process",
    spec: SEND,
    async run(t: T) {
      const b = t.ws.bundle({ script: trapScript("USR1") });
      const st = await running(t, b);
      if (!(await waitFor(() => existsSync(join(b.share, "ready")), 10_000))) t.fatal("the container never became ready");
      const k = await b.kill("10");
      t.ok(k.status === 0, "kill succeeds", describe(k));
      t.ok(await waitFor(() => existsSync(join(b.share, "got")), 10_000), "the process received SIGUSR1");
      if (existsSync(join(b.share, "got"))) t.eq(readFileSync(join(b.share, "got"), "utf8").trim(), "USR1", "signal received");
      t.ok(await b.waitStopped(st.pid), "the container stopped after its handler exited");
    },
  }),
  check({
    id: "kill.term",
    area: "kill",
    title: "kill with SIGTERM (15) stops a container whose process handles it",
    spec: SEND,
    async run(t: T) {
      const b = t.ws.bundle({ script: trapScript("TERM") });
      const st = await running(t, b);
      if (!(await waitFor(() => existsSync(join(b.share, "ready")), 10_000))) t.fatal("the container never became ready");
      const k = await b.kill("15");
      t.ok(k.status === 0, "kill succeeds", describe(k));
      t.ok(await b.waitStopped(st.pid), "state is stopped after SIGTERM");
    },
  }),
  check({
    id: "kill.sigkill-running",
    area: "kill",
    title: "kill with SIGKILL (9) ends a running container",
    spec: SEND,
    async run(t: T) {
      const b = t.ws.bundle({ edit: (c) => { c.process!.args = ["sleep", "1000"]; } });
      const st = await running(t, b);
      const k = await b.kill("9");
      t.ok(k.status === 0, "kill succeeds", describe(k));
      t.ok(await waitFor(() => exited(st.pid!), 10_000), "the container process is gone");
      t.ok(await b.waitStopped(st.pid), "state is stopped");
    },
  }),
  check({
    id: "kill.created",
    area: "kill",
    title: "kill with SIGKILL on a created container stops it without running the program",
    spec: SEND,
    about: "runtime.md#kill (a created container can be signalled)",
    async run(t: T) {
      const b = t.ws.bundle({ script: "echo ran > /share/ran" });
      const st = await created(t, b);
      const k = await b.kill("9");
      t.ok(k.status === 0, "kill of a created container succeeds", describe(k));
      t.ok(await waitFor(() => exited(st.pid!), 10_000), "the container process is gone");
      t.ok(await b.waitStopped(st.pid), "state is stopped");
      t.ok(!existsSync(join(b.share, "ran")), "the program never ran");
    },
  }),
  check({
    id: "kill.stopped",
    area: "kill",
    title: "kill on a stopped container fails and leaves it stopped",
    spec: { file: "runtime.md", quote: "Attempting to send a signal to a container that is neither created nor running MUST have no effect on the container and MUST generate an error." },
    async run(t: T) {
      const b = t.ws.bundle({ script: "true" });
      const st = await running(t, b);
      if (!(await b.waitStopped(st.pid))) t.fatal("the container did not stop");
      const k = await b.kill("15");
      t.ok(k.status !== 0, "kill of a stopped container fails");
      t.eq((await b.state()).state?.status, "stopped", "still stopped");
    },
  }),
  check({
    id: "kill.needs-id",
    area: "kill",
    title: "kill without an id, or with an unknown one, fails",
    spec: { file: "runtime.md", quote: "This operation MUST generate an error if it is not provided the container ID." },
    about: "runtime.md#kill",
    async run(t: T) {
      t.ok((await t.ws.call(["kill"])).status !== 0, "kill without an id fails");
      t.ok((await t.ws.call(["kill", t.ws.id(), "15"])).status !== 0, "kill of an unknown id fails");
    },
  }),
];
