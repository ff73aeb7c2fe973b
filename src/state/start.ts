/**
 * `start`: releases a created container's process to run the program of
 * config.json (runtime.md "Start"), then runs poststart hooks. The process
 * waits on the exec fifo; `start` writes the container's state into it
 * (startContainer hooks read it on stdin) and waits until the program has
 * been executed.
 *
 * @example
 * ```ts
 * await start({ root: "/run/rongqi", id: "web" });
 * ```
 */
import { sleepSync } from "../sleep_sync.ts";
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { RongqiError } from "../errors.ts";
import { containerStatus, FIFO_FILE, fileIdentity, ociState, readRecord, writeRecord, type ContainerRecord } from "./container_record.ts";
import { killAndReap, isRunning } from "./_kill_and_reap.ts";
import { runHooks } from "./hooks.ts";
import { lockContainer } from "./lock_container.ts";
import { isSameProcess } from "./process_start_time.ts";
import { faultPoint } from "./_fault.ts";

/** The helper's command name while a container waits in `created`. */
const HELPER_COMM = "rongqi-init";
import { validateId } from "./validate_id.ts";


/** The command name of a process, zombie or not (/proc/PID/stat field 2). */
function commOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  } catch {
    return undefined;
  }
}

/**
 * Waits until the process has left the helper (exec'd the program) or died.
 * Returns false only when it is known to have died in the helper, before
 * the exec (the helper then wrote why on the container's stderr).
 */
function waitForExec(record: ContainerRecord, timeoutMs = 10_000): boolean {
  const deadline = Date.now() + timeoutMs;
  for (let spin = 0; Date.now() < deadline; spin++) {
    if (!isRunning(record.pid, record.pidStartTime)) {
      // A zombie still shows the name of what it last ran; a process
      // already reaped by its parent cannot tell us more.
      const comm = commOf(record.pid);
      return comm === undefined || !isSameProcess(record.pid, BigInt(record.pidStartTime)) || comm !== HELPER_COMM;
    }
    const exe = fileIdentity(`/proc/${record.pid}/exe`);
    if (exe !== undefined && exe !== record.helper) return true;
    if (spin > 50) sleepSync(1);
  }
  throw new RongqiError(`container "${record.id}": the process did not start within ${timeoutMs / 1000}s`);
}

export async function start(opts: { root: string; id: string }): Promise<ContainerRecord> {
  validateId(opts.id);
  const lock = lockContainer(opts.root, opts.id);
  try {
    const record = readRecord(opts.root, opts.id);
    const status = containerStatus(record);
    if (status !== "created") throw new RongqiError(`cannot start a container that is ${status}`);
    if (!record.config["process"]) throw new RongqiError("process: the container has no process to start");
    const fifo = join(lock.dir, FIFO_FILE);
    faultPoint("start:locked");
    // Recorded before the release: on a full disk or a read-only state root
    // start fails here, with the container still created, not after it runs.
    record.started = true;
    writeRecord(opts.root, record);
    faultPoint("start:recorded");
    let fd: number;
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      record.started = false;
      try {
        writeRecord(opts.root, record);
      } catch {
        // the error below is the one to report
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENXIO") throw new RongqiError(`container "${opts.id}" is not waiting to start (its process is not reading the exec fifo)`);
      throw new RongqiError(`open exec fifo "${fifo}": ${code}`);
    }
    try {
      writeSync(fd, JSON.stringify(ociState(record, "running")));
    } finally {
      closeSync(fd);
    }
    faultPoint("start:released");
    try {
      unlinkSync(fifo);
    } catch {
      // already gone
    }
    if (!waitForExec(record)) {
      throw new RongqiError(`container "${opts.id}": the process exited before running ${JSON.stringify((record.config["process"] as { args?: string[] }).args?.[0])}`);
    }
    const hooks = record.config["hooks"] as Record<string, never> | undefined;
    try {
      runHooks(hooks?.["poststart"], "poststart", ociState(record, "running"));
    } catch (err) {
      // runtime.md: a failed poststart hook stops the container.
      killAndReap(record.pid, record.pidStartTime);
      throw err;
    }
    return record;
  } finally {
    lock.release();
  }
}
