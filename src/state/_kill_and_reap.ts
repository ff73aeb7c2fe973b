// Sends a signal to a container process without ever hitting a reused pid,
// and waits for a killed process to be gone.
import { sleepSync } from "../sleep_sync.ts";
import { syscall } from "../linux/syscall.ts";
import { isProcessAlive, processStartTime } from "./process_start_time.ts";


/**
 * Signals pid if it is still the process that started at startTime.
 * Returns false when that process is gone.
 */
export function signalProcess(pid: number, startTime: string, signal: number): boolean {
  let pidfd: number;
  try {
    pidfd = syscall.pidfdOpen(pid);
  } catch {
    return false;
  }
  try {
    // The pidfd pins the process: check it is ours after opening it.
    if (String(processStartTime(pid) ?? "") !== startTime) return false;
    syscall.pidfdSendSignal(pidfd, signal);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "ESRCH") return false;
    throw err;
  } finally {
    syscall.close(pidfd);
  }
}

/** True while pid is the process that started at startTime and is not a zombie. */
export function isRunning(pid: number, startTime: string): boolean {
  return pid > 0 && /^\d+$/.test(startTime) && isProcessAlive(pid, BigInt(startTime));
}

/** SIGKILLs the process and waits (up to timeoutMs) until it is gone or a zombie. */
export function killAndReap(pid: number, startTime: string, timeoutMs = 10_000): boolean {
  if (!signalProcess(pid, startTime, 9)) return true;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Our own child (as in `run`) must be reaped by us.
    try {
      syscall.waitpid(pid, 1 /* WNOHANG */);
    } catch {
      // not our child: its parent reaps it
    }
    if (!isRunning(pid, startTime)) return true;
    sleepSync(2);
  }
  return false;
}
