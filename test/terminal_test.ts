// Terminals (process.terminal) on real containers: the pty master sent to a
// --console-socket (create, run --detach, exec --detach), and the terminal
// proxied by a foreground run or exec, driven through a pty of the test's own.
import t from "tap";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import tty from "node:tty";
import type { Config } from "../src/spec/types/config.ts";
import { O_NOCTTY, O_RDWR, syscall } from "../src/linux/syscall.ts";
import { cleanup, makeBundle, RONGQI, rongqi, type TestBundle } from "./_bundle.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads everything a pty master gives; `until` resolves once the text matches. */
function reader(master: number) {
  const stream = new tty.ReadStream(master);
  let text = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  stream.on("data", (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.splice(0)) if (w.re.test(text)) w.resolve(); else waiters.push(w);
  });
  stream.on("error", () => {}); // EIO once the other side is gone
  return {
    stream,
    get text() {
      return text;
    },
    async until(re: RegExp, ms = 10_000): Promise<string> {
      if (!re.test(text)) {
        await Promise.race([
          new Promise<void>((resolve) => waiters.push({ re, resolve })),
          sleep(ms).then(() => {
            throw new Error(`timed out waiting for ${re} in ${JSON.stringify(text)}`);
          }),
        ]);
      }
      return text;
    },
    write(s: string) {
      stream.write(s);
    },
    close() {
      stream.destroy();
    },
  };
}

/** A listening console socket in the bundle's directory. */
function consoleSocket(t: { teardown(fn: () => void): void }, b: TestBundle) {
  const path = join(b.dir, "console.sock");
  const listener = syscall.listenUnix(path);
  t.teardown(() => syscall.close(listener));
  return {
    path,
    /** Accepts the runtime's connection and takes the master it sent. */
    receive(): { master: number; name: string } {
      const conn = syscall.accept(listener);
      try {
        const got = syscall.recvFd(conn);
        if (got.fd === undefined) throw new Error("no fd came with the message");
        return { master: got.fd, name: got.data.toString() };
      } finally {
        syscall.close(conn);
      }
    },
  };
}

/** What each fd of a process is, seen from the host. */
function fdsOf(pid: number): Record<number, string> {
  const out: Record<number, string> = {};
  for (const fd of readdirSync(`/proc/${pid}/fd`)) out[Number(fd)] = readlinkSync(`/proc/${pid}/fd/${fd}`);
  return out;
}

function stateOf(b: TestBundle, id: string): { status: string; pid: number } {
  return JSON.parse(rongqi(b.root, ["state", id]).stdout) as { status: string; pid: number };
}

function withTerminal(size?: { height: number; width: number }) {
  return (c: Config) => {
    c.process!.terminal = true;
    if (size) c.process!.consoleSize = size;
  };
}

t.test("create --console-socket: the master arrives, the slave is the process's terminal and /dev/console", async (t) => {
  const b = makeBundle(["sh"], withTerminal({ height: 31, width: 97 }));
  t.teardown(() => cleanup(b));
  const sock = consoleSocket(t, b);
  const c = rongqi(b.root, ["create", "--console-socket", sock.path, "-b", b.bundle, "tc"]);
  t.equal(c.status, 0, c.stderr);
  const { master, name } = sock.receive();
  t.equal(name, "/dev/ptmx", "the message names the master, as runc's does");
  t.equal(rongqi(b.root, ["start", "tc"]).status, 0);
  const pty = reader(master);
  t.teardown(() => pty.close());
  pty.write("stty size; tty; stat -c '%t:%T' /dev/console $(tty); echo END$((6*7))\n");
  const out = await pty.until(/END42/);
  t.match(out, /\r\n31 97\r\n/, "process.consoleSize applied");
  t.match(out, /\r\n\/dev\/pts\/0\r\n/, "the container's own devpts, first pty");
  t.match(out, /\r\n88:0\r\n88:0\r\n/, "/dev/console is the pty (devpts major 136 = 0x88)");
  t.same(fdsOf(stateOf(b, "tc").pid), { 0: "/dev/pts/0", 1: "/dev/pts/0", 2: "/dev/pts/0", 10: "/dev/tty" },
    "the terminal on stdio (and the shell's own /dev/tty): no console socket or master leaked");
});

t.test("run --detach --console-socket, and the errors around a terminal", async (t) => {
  const b = makeBundle(["sh", "-c", "echo hello from $(tty); sleep 100"], withTerminal());
  t.teardown(() => cleanup(b));
  const sock = consoleSocket(t, b);
  const r = rongqi(b.root, ["run", "-d", "--console-socket", sock.path, "-b", b.bundle, "td"]);
  t.equal(r.status, 0, r.stderr);
  const pty = reader(sock.receive().master);
  t.teardown(() => pty.close());
  t.match(await pty.until(/hello from/), /hello from \/dev\/pts\/0/);

  const noSock = rongqi(b.root, ["create", "-b", b.bundle, "t1"]);
  t.equal(noSock.status, 1);
  t.match(noSock.stderr, /process\.terminal: a terminal needs --console-socket when "create" does not stay in the foreground/);
  const fgSock = rongqi(b.root, ["run", "--console-socket", sock.path, "-b", b.bundle, "t2"]);
  t.match(fgSock.stderr, /--console-socket: only with --detach/);
  const gone = rongqi(b.root, ["create", "--console-socket", join(b.dir, "nope.sock"), "-b", b.bundle, "t3"]);
  t.match(gone.stderr, /--console-socket .*nope\.sock: connect .*ENOENT/);
  b.config.process!.terminal = false;
  b.save();
  const noTty = rongqi(b.root, ["create", "--console-socket", sock.path, "-b", b.bundle, "t4"]);
  t.match(noTty.stderr, /--console-socket: the process has no terminal/);
  t.equal(rongqi(b.root, ["list", "-q"]).stdout, "td\n", "nothing left by the refused ones");
});

t.test("exec --detach --tty --console-socket (conmon's call), with consoleSize from --process", async (t) => {
  const b = makeBundle(["sleep", "1000"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "te"]).status, 0);
  const sock = consoleSocket(t, b);
  const file = join(b.dir, "process.json");
  writeFileSync(file, JSON.stringify({ terminal: true, consoleSize: { height: 12, width: 34 }, args: ["sh"], cwd: "/", user: { uid: 0, gid: 0 }, env: ["PATH=/bin"] }));
  const pidFile = join(b.dir, "exec.pid");
  const r = rongqi(b.root, ["exec", "--process", file, "--detach", "--tty", "--console-socket", sock.path, "--pid-file", pidFile, "te"]);
  t.equal(r.status, 0, r.stderr);
  const pty = reader(sock.receive().master);
  t.teardown(() => pty.close());
  pty.write("stty size; tty; echo END$((6*7))\n");
  const out = await pty.until(/END42/);
  t.match(out, /\r\n12 34\r\n/);
  t.match(out, /\r\n\/dev\/pts\/0\r\n/);
  t.same(fdsOf(Number(readFileSync(pidFile, "utf8"))), { 0: "/dev/pts/0", 1: "/dev/pts/0", 2: "/dev/pts/0", 10: "/dev/tty" },
    "no runtime fd (console socket, namespace fds) leaked");
  pty.write("exit 0\n");
  // containerd's shim passes only --console-socket (terminal is in process.json)
  const shim = rongqi(b.root, ["exec", "--process", file, "--console-socket", sock.path, "--detach", "--pid-file", pidFile, "te"]);
  t.equal(shim.status, 0, shim.stderr);
  sock.receive();
  const detachNoSock = rongqi(b.root, ["exec", "-d", "-t", "te", "sh"]);
  t.equal(detachNoSock.status, 255);
  t.match(detachNoSock.stderr, /--tty \(or process\.terminal\): a terminal needs --console-socket when "exec" does not stay in the foreground/);
});

/**
 * Runs rongqi with a pty of ours (rows x cols) as its stdio and controlling
 * terminal (util-linux setsid --ctty), as a user's shell would: it then gets
 * SIGWINCH when the size changes.
 */
function onTerminal(args: string[], rows: number, cols: number) {
  const pty = syscall.openPty();
  syscall.setWinsize(pty.master, { rows, cols });
  const slave = syscall.open(pty.slavePath, O_RDWR | O_NOCTTY);
  const child = spawn("setsid", ["--ctty", "--wait", RONGQI, ...args], { stdio: [slave, slave, slave] });
  syscall.close(slave);
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  return { term: reader(pty.master), master: pty.master, exited };
}

t.test("a foreground run with a terminal proxies it: size, input, output, status, SIGWINCH", async (t) => {
  const b = makeBundle(["sh", "-c", "stty size; tty; read x; echo got:$x; trap 'stty size; exit 7' WINCH; echo waiting; while true; do sleep 0.05; done"], withTerminal());
  t.teardown(() => cleanup(b));
  const { term, master, exited } = onTerminal(["--root", b.root, "run", "-b", b.bundle, "fg"], 40, 120);
  t.teardown(() => term.close());
  await term.until(/\/dev\/pts\/0/);
  t.match(term.text, /40 120/, "the pty got the size of rongqi's terminal");
  term.write("hello\r");
  await term.until(/waiting/);
  t.match(term.text, /got:hello/, "input reached the process");
  syscall.setWinsize(master, { rows: 50, cols: 132 }); // the kernel sends rongqi SIGWINCH
  t.equal(await exited, 7, "the process's exit status");
  await term.until(/50 132/);
  t.pass("the new size reached the container's terminal");
});

t.test("a foreground exec --tty proxies the terminal", async (t) => {
  const b = makeBundle(["sleep", "1000"]);
  t.teardown(() => cleanup(b));
  t.equal(rongqi(b.root, ["run", "-d", "-b", b.bundle, "fx"]).status, 0);
  const { term, exited } = onTerminal(["--root", b.root, "exec", "-t", "fx", "sh", "-c", "stty size; tty; read x; echo got:$x; exit 4"], 22, 66);
  t.teardown(() => term.close());
  await term.until(/\/dev\/pts\/\d+/);
  term.write("abc\r");
  t.equal(await exited, 4);
  await term.until(/got:abc/);
  t.match(term.text, /22 66/);
});
