// --pid-file (the runc command line every runtime caller uses): the file
// holds the pid the state reports, for absolute and relative paths.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { check, type T } from "../_check.ts";
import { created } from "../_helpers.ts";

const PID = { file: "runtime.md", quote: "pid (int, REQUIRED when status is created or running on Linux, OPTIONAL on other platforms) is the ID of the container process." } as const;

export default [
  check({
    id: "pidfile.absolute",
    area: "pidfile",
    title: "create --pid-file FILE writes the container process's pid",
    spec: PID,
    about: "create --pid-file (runc command line)",
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000" });
      const file = join(t.ws.dir, "container.pid");
      const st = await created(t, b, { args: ["--pid-file", file] });
      t.ok(existsSync(file), "the pid file exists after create");
      if (existsSync(file)) t.eq(readFileSync(file, "utf8").trim(), String(st.pid), "pid file content");
    },
  }),
  check({
    id: "pidfile.relative",
    area: "pidfile",
    title: "a relative --pid-file is taken relative to the working directory",
    spec: PID,
    about: "create --pid-file (runc command line)",
    async run(t: T) {
      const b = t.ws.bundle({ script: "exec sleep 1000" });
      const st = await created(t, b, { args: ["--pid-file", "relative.pid"], call: { cwd: t.ws.dir } });
      const file = join(t.ws.dir, "relative.pid");
      t.ok(existsSync(file), "the pid file exists in the working directory");
      if (existsSync(file)) t.eq(readFileSync(file, "utf8").trim(), String(st.pid), "pid file content");
    },
  }),
];
