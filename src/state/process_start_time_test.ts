import t from "tap";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { kill, prctl, PR_SET_CHILD_SUBREAPER, waitpid } from "../linux/syscall.ts";
import { isProcessAlive, isSameProcess, parseProcStat, processStartTime, processState } from "./process_start_time.ts";

const execFileP = promisify(execFile);

t.test("parses field 22 after the last ')' even when comm has spaces and parentheses", (t) => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = "S";
  t.same(parseProcStat(`123 (a) b (c)) ${fields.join(" ")}\n`), { state: "S", startTime: 22n });
  t.equal(parseProcStat("garbage"), undefined);
  t.equal(parseProcStat("1 (x) S 1 2"), undefined, "too few fields");
  t.end();
});

t.test("this process and a child", async (t) => {
  const mine = processStartTime(process.pid);
  t.type(mine, "bigint");
  t.equal(processState(process.pid), "R");
  t.ok(isSameProcess(process.pid, mine!));
  t.notOk(isSameProcess(process.pid, mine! + 1n), "same pid, different start time: another process");
  t.ok(isProcessAlive(process.pid, mine!));

  const child = spawn("sleep", ["30"]);
  const start = processStartTime(child.pid!)!;
  t.ok(start >= mine!, "started after us");
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  t.equal(processStartTime(child.pid!), undefined, "gone once reaped");
  t.equal(processState(child.pid!), undefined);
  t.notOk(isSameProcess(child.pid!, start));
  t.notOk(isProcessAlive(child.pid!, start));
  for (const bad of [0, -1, 1.5, 2 ** 40]) t.equal(processStartTime(bad), undefined, `pid ${bad}`);
});

t.test("a zombie is the same process but not alive", async (t) => {
  prctl(PR_SET_CHILD_SUBREAPER, 1); // so the orphan below becomes our unreaped child
  const { stdout } = await execFileP("sh", ["-c", "(exec sleep 30) >/dev/null 2>&1 </dev/null & echo $!"]);
  const pid = Number(stdout.trim());
  const start = processStartTime(pid)!;
  kill(pid, 9);
  for (let i = 0; i < 100 && processState(pid) !== "Z"; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(processState(pid), "Z");
  t.ok(isSameProcess(pid, start), "identity holds");
  t.notOk(isProcessAlive(pid, start), "a zombie container init counts as stopped");
  waitpid(pid);
  t.equal(processState(pid), undefined);
});

t.test("a reused pid with a new start time is not the same process (in a new pid namespace)", async (t) => {
  const helper = fileURLToPath(new URL("./testdata/pid_reuse.ts", import.meta.url));
  const { stdout } = await execFileP("unshare", ["-p", "-f", "--mount-proc", process.execPath, helper]);
  t.same(JSON.parse(stdout), { reused: true, differentStart: true, oldIsSame: false, newIsSame: true });
});
