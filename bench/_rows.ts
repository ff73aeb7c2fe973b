// What the benchmarks measure: one row each, in the order they are printed,
// and the targets set for rongqi.

export type Unit = "ms" | "KiB";

export interface RowDef {
  id: string;
  label: string;
  unit: Unit;
}

/** The sections of bench/_worker.ts, in the order they run; each is measured for every runtime in turn. */
export const SECTIONS: readonly { id: string; rows: readonly string[] }[] = [
  { id: "version", rows: ["version"] },
  { id: "run", rows: ["run"] },
  { id: "csd", rows: ["csd", "create", "start", "delete"] },
  { id: "createdRss", rows: ["createdRss"] },
  { id: "peak", rows: ["peak.create", "peak.start", "peak.state", "peak.list", "peak.delete", "peak.run"] },
  { id: "concurrent", rows: ["concurrent"] },
  { id: "population", rows: ["state1", "list1", "stateN", "listN"] },
];

export const RUNTIME_ROWS: readonly RowDef[] = [
  { id: "version", label: "--version (start-up floor)", unit: "ms" },
  { id: "run", label: "run busybox /bin/true", unit: "ms" },
  { id: "csd", label: "create + start + delete", unit: "ms" },
  { id: "create", label: "  create", unit: "ms" },
  { id: "start", label: "  start", unit: "ms" },
  { id: "delete", label: "  delete", unit: "ms" },
  { id: "state1", label: "state, 1 container", unit: "ms" },
  { id: "list1", label: "list, 1 container", unit: "ms" },
  { id: "stateN", label: "state, {N} containers", unit: "ms" },
  { id: "listN", label: "list, {N} containers", unit: "ms" },
  { id: "concurrent", label: "{C} containers started concurrently (run -d)", unit: "ms" },
  { id: "createdRss", label: "RSS of the process waiting in created", unit: "KiB" },
  { id: "peak.create", label: "peak RSS of create", unit: "KiB" },
  { id: "peak.start", label: "peak RSS of start", unit: "KiB" },
  { id: "peak.state", label: "peak RSS of state", unit: "KiB" },
  { id: "peak.list", label: "peak RSS of list", unit: "KiB" },
  { id: "peak.delete", label: "peak RSS of delete", unit: "KiB" },
  { id: "peak.run", label: "peak RSS of run", unit: "KiB" },
];

/** Measured once, not per runtime. */
export const BASELINE_ROWS: readonly RowDef[] = [
  { id: "spawn", label: "spawn /bin/true (harness floor)", unit: "ms" },
  { id: "node", label: "node -e 0 (the pinned Node), at the start", unit: "ms" },
  { id: "nodeBesideState", label: "node -e 0, timed alternately with rongqi state", unit: "ms" },
];

export interface Target {
  /** the row of rongqi's value */
  row: string;
  /** what it is compared with: a runtime's value of the same row, or a baseline */
  against: { runtime: string } | { baseline: string };
  /** the largest ratio that meets the target */
  max: number;
  text: string;
  /** the rongqi calls the row times, profiled one by one when the target is missed */
  calls?: ("run" | "create" | "start" | "delete" | "state")[];
}

export const TARGETS: readonly Target[] = [
  { row: "run", against: { runtime: "runc" }, max: 1.0, text: "run of /bin/true no slower than runc", calls: ["run"] },
  { row: "csd", against: { runtime: "runc" }, max: 2.0, text: "create+start+delete at most 2x runc", calls: ["create", "start", "delete"] },
  { row: "createdRss", against: { runtime: "runc" }, max: 1.0, text: "created-state process no larger than runc's" },
  { row: "state1", against: { baseline: "nodeBesideState" }, max: 1.5, text: "state within 1.5x of node -e 0", calls: ["state"] },
];
