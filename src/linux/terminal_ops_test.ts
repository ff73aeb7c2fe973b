import t from "tap";
import tty from "node:tty";
import { runHelper, extraFdNumber } from "./process/run_helper.ts";
import { syscall } from "./syscall.ts";
import { consoleOp } from "./terminal_ops.ts";

t.test("consoleOp: size and /dev/console", async (t) => {
  t.match(consoleOp(5, { height: 25, width: 80 }, { devConsole: true }), { op: "console", socketFd: 5, rows: 25, cols: 80, console: "/dev/console" });
  t.match(consoleOp(5, undefined, { devConsole: false }), { rows: 0, cols: 0, console: "" }, "no size: the kernel's default");
  t.throws(() => consoleOp(5, { height: 70000, width: 1 }, { devConsole: false }), /process\.consoleSize\.height: 70000 is not a terminal size/);
});

t.test("CONSOLE in the helper: master over the socket, slave on stdio as the controlling terminal", async (t) => {
  const [mine, theirs] = syscall.socketpair();
  const outcome = await runHelper({
    ops: [
      { op: "setsid" },
      consoleOp(extraFdNumber(0, 0), { height: 11, width: 33 }, { devConsole: false }),
      { op: "closeFrom", first: 3 },
      { op: "resolveExec", file: "sh", path: "/bin:/usr/bin" },
      { op: "exec", argv: ["sh", "-c", "stty size; tty >/dev/null && echo is-a-tty; ls /proc/self/fd | tr '\\n' ' '; echo; cat /proc/self/stat | cut -d' ' -f7"], env: [] },
    ],
    stdio: ["ignore", "ignore", "ignore"],
    extraFds: [theirs],
  });
  syscall.close(theirs);
  t.equal(outcome.kind, "exec");
  const got = syscall.recvFd(mine);
  syscall.close(mine);
  t.equal(got.data.toString(), "/dev/ptmx");
  t.ok(got.fd !== undefined);
  const stream = new tty.ReadStream(got.fd!);
  let out = "";
  stream.on("data", (d) => (out += d));
  await new Promise<void>((r) => {
    stream.on("error", () => r()); // EIO: the shell exited
    stream.on("close", () => r());
  });
  const lines = out.split("\r\n");
  t.equal(lines[0], "11 33");
  t.equal(lines[1], "is-a-tty");
  t.equal(lines[2], "0 1 2 3 ", "stdio and ls's own fd: the socket and the master are gone");
  t.not(lines[3], "0", "a controlling terminal (tty_nr)");
});
