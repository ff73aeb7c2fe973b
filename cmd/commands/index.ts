// The command registry: one line per command, in the order `rongqi --help` lists them.
import type { AnyCommand } from "../command.ts";
import { check } from "./check.ts";
import { create } from "./create.ts";
import { del } from "./delete.ts";
import { exec } from "./exec.ts";
import { kill } from "./kill.ts";
import { list } from "./list.ts";
import { run } from "./run.ts";
import { start } from "./start.ts";
import { state } from "./state.ts";
import { features } from "./features.ts";
import { spec } from "./spec.ts";
import { explain } from "./explain.ts";
import { pause } from "./pause.ts";
import { resume } from "./resume.ts";
import { ps } from "./ps.ts";
import { events } from "./events.ts";
import { update } from "./update.ts";
import { image } from "./image.ts";
import { snapshot } from "./snapshot.ts";

export const COMMANDS: readonly AnyCommand[] = [
  create,
  start,
  state,
  kill,
  del,
  run,
  exec,
  pause,
  resume,
  ps,
  events,
  update,
  list,
  spec,
  check,
  explain,
  features,
  image,
  snapshot,
];
