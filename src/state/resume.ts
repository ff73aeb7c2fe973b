/**
 * `resume`: thaws a paused container's processes; they carry on where they
 * stopped.
 *
 * @example
 * ```ts
 * resume({ root: "/run/rongqi", id: "web" });
 * ```
 */
import { RongqiError } from "../errors.ts";
import { withContainerCgroup } from "./pause.ts";

export function resume(opts: { root: string; id: string }): void {
  withContainerCgroup(opts, "resume", (m, status) => {
    // a created container can be paused too, and its status stays "created"
    if (status === "stopped" || m.freezerState() === "thawed") {
      throw new RongqiError(`cannot resume container "${opts.id}": it is ${status}, not paused`);
    }
    m.thaw();
  });
}
