// The command registry: one line per command, in the order `rongqi --help` lists them.
import type { AnyCommand } from "../command.ts";
import { check } from "./check.ts";
import { create } from "./create.ts";
import { del } from "./delete.ts";
import { kill } from "./kill.ts";
import { list } from "./list.ts";
import { run } from "./run.ts";
import { start } from "./start.ts";
import { state } from "./state.ts";
import { features } from "./features.ts";
import { spec } from "./spec.ts";

export const COMMANDS: readonly AnyCommand[] = [
  create,
  start,
  state,
  kill,
  del,
  run,
  list,
  spec,
  check,
  features,
];
