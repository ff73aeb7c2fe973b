// What a fuzz target is: it makes inputs, runs one, and says how it ended.
import type { Json } from "./_mutate.ts";
import type { Rng } from "./_rng.ts";

/**
 * How an input ended: `ok`, or `error` (a clear, expected refusal: a
 * RongqiError, or `rongqi: ...` lines and an exit code), or one of the
 * failures the fuzzer hunts: `crash` (any other exception, a stack trace,
 * a signal), `hang` (past the time limit), `leak` (something left behind),
 * `escape` (something written outside where it may write).
 */
export type OutcomeKind = "ok" | "error" | "crash" | "hang" | "leak" | "escape";

export interface Outcome {
  kind: OutcomeKind;
  detail?: string;
}

export const FAILURES: readonly OutcomeKind[] = ["crash", "hang", "leak", "escape"];

export interface Target<I = unknown> {
  name: string;
  /** Share of the time budget (relative to the other targets). */
  weight: number;
  /** Made once before the first input, undone after the last. */
  setup?(): Promise<void> | void;
  teardown?(): Promise<void> | void;
  generate(rng: Rng): I;
  run(input: I): Promise<Outcome>;
  /** Told how each input ended: a target may keep the ones that got far as seeds. */
  feedback?(input: I, outcome: Outcome): void;
  /** The input as JSON for the corpus, and back. */
  save(input: I): Json;
  load(saved: Json): I;
}

/** Turns a thrown value into an outcome: a RongqiError is a clear error, anything else a crash. */
export function outcomeOfThrow(err: unknown, isClear: (e: unknown) => boolean): Outcome {
  if (isClear(err)) {
    const msg = (err as Error).message;
    if (!msg.trim()) return { kind: "crash", detail: "an error with an empty message" };
    return { kind: "error", detail: msg.split("\n")[0] };
  }
  const e = err as Error;
  return { kind: "crash", detail: `${e?.name ?? typeof err}: ${e?.message ?? String(err)}\n${(e?.stack ?? "").split("\n").slice(1, 6).join("\n")}` };
}
