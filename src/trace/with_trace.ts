/**
 * Runs one CLI command while recording a trace, and writes it to `file` as
 * Chrome trace-event JSON (see chrome_trace.ts) when the command ends,
 * whether it succeeded or failed. Without a file it only runs the command.
 * The trace starts with Node's own start-up (from process start to the
 * command), so it accounts for the whole call.
 *
 * @example
 * ```ts
 * await withTrace(flags.trace, "create", () => create({ root, id, bundle }));
 * ```
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { RongqiError } from "../errors.ts";
import { log } from "../log.ts";
import { chromeTrace } from "./chrome_trace.ts";
import { startRecording, stopRecording, type Recording } from "./_recorder.ts";
import { span } from "./span.ts";

/** Steps of Node's start-up before the command ran, from performance.nodeTiming. */
function nodeStartup(rec: Recording, nowNs: bigint): void {
  const sinceOrigin = BigInt(Math.round(performance.now() * 1e6));
  const originNs = nowNs - sinceOrigin;
  const at = (ms: number) => originNs + BigInt(Math.round(ms * 1e6));
  const t = performance.nodeTiming;
  const pid = process.pid;
  const boot = t.bootstrapComplete > 0 ? t.bootstrapComplete : 0;
  rec.events.push({ name: "node: start-up (V8 and Node bootstrap)", cat: "node", startNs: originNs, endNs: at(boot), pid, tid: pid, args: { v8StartMs: t.v8Start, bootstrapCompleteMs: boot } });
  rec.events.push({ name: "node: load rongqi and parse the command line", cat: "node", startNs: at(boot), endNs: nowNs, pid, tid: pid });
}

export async function withTrace<T>(file: string | undefined, command: string, fn: () => Promise<T>): Promise<T> {
  if (file === undefined) return fn();
  if (file === "") throw new RongqiError("--trace: needs a file name");
  const path = resolve(file);
  const rec = startRecording(`rongqi ${command} (pid ${process.pid})`);
  nodeStartup(rec, process.hrtime.bigint());
  const s = span(`rongqi ${command}`, { cat: "command" });
  try {
    const out = await fn();
    s.end();
    return out;
  } catch (err) {
    s.fail(err);
    throw err;
  } finally {
    stopRecording();
    try {
      writeFileSync(path, JSON.stringify(chromeTrace(rec, { command: `rongqi ${command}`, argv: process.argv.slice(2).join(" ") })) + "\n");
    } catch (err) {
      log.warn(`--trace: cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}
