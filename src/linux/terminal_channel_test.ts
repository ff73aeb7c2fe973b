import t from "tap";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { O_NOCTTY, O_RDWR, syscall } from "./syscall.ts";
import { terminalChannel } from "./terminal_channel.ts";

t.test("the rules, as runc's", async (t) => {
  t.equal(terminalChannel(false, { foreground: true, what: "run" }), undefined, "no terminal, no channel");
  t.throws(() => terminalChannel(false, { consoleSocket: "/x", foreground: false, what: "create" }), /--console-socket: the process has no terminal \(process\.terminal is not set\)/);
  t.throws(() => terminalChannel(false, { consoleSocket: "/x", foreground: false, what: "exec" }), /--tty \(or process\.terminal\) is not set/);
  t.throws(() => terminalChannel(true, { foreground: false, what: "create" }), /process\.terminal: a terminal needs --console-socket when "create" does not stay in the foreground/);
  t.throws(() => terminalChannel(true, { consoleSocket: "/x", foreground: true, what: "run" }), /--console-socket: only with --detach/);
});

t.test("a console socket is connected on first use; a missing one is a clear error", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "rongqi-chan-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const missing = terminalChannel(true, { consoleSocket: join(dir, "none.sock"), foreground: false, what: "create" })!;
  t.throws(() => missing.helperEnd, /--console-socket .*none\.sock: connect .*ENOENT/);
  const path = join(dir, "c.sock");
  const listener = syscall.listenUnix(path);
  t.teardown(() => syscall.close(listener));
  const ch = terminalChannel(true, { consoleSocket: path, foreground: false, what: "create" })!;
  t.equal(ch.proxied, false);
  const pty = syscall.openPty();
  syscall.sendFd(ch.helperEnd, pty.master, "/dev/ptmx"); // what the helper does
  ch.close();
  const conn = syscall.accept(listener);
  const got = syscall.recvFd(conn);
  t.equal(got.data.toString(), "/dev/ptmx");
  t.ok(got.fd !== undefined);
  for (const fd of [got.fd!, conn, pty.master]) syscall.close(fd);
  t.throws(() => ch.receiveMaster(), /not in the foreground/);
});

t.test("in the foreground the master comes back through a socketpair", async (t) => {
  const ch = terminalChannel(true, { foreground: true, what: "run" })!;
  t.equal(ch.proxied, true);
  const pty = syscall.openPty();
  syscall.sendFd(ch.helperEnd, pty.master, "/dev/ptmx");
  const master = ch.receiveMaster();
  const slave = syscall.open(pty.slavePath, O_RDWR | O_NOCTTY);
  syscall.write(master, "x\n");
  t.equal(syscall.read(slave, 10).toString(), "x\n", "the received fd is the pty's master");
  for (const fd of [slave, master, pty.master]) syscall.close(fd);
  ch.close();
  const dead = terminalChannel(true, { foreground: true, what: "exec" })!;
  void dead.helperEnd;
  t.throws(() => dead.receiveMaster(), /did not send its pty master/, "a helper that died before sending: no hang");
  dead.close();
});
