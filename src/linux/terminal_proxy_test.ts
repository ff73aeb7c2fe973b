import t from "tap";
import { PassThrough } from "node:stream";
import { O_NOCTTY, O_NONBLOCK, O_RDWR, syscall } from "./syscall.ts";
import { proxyTerminal, terminalSize } from "./terminal_proxy.ts";

t.test("copies both ways, follows a terminal's size, ends when the slave closes", async (t) => {
  const inner = syscall.openPty(); // the container's terminal
  const outer = syscall.openPty(); // the user's terminal, whose size the proxy follows
  syscall.setWinsize(outer.master, { rows: 17, cols: 71 });
  const outerSlave = syscall.open(outer.slavePath, O_RDWR | O_NOCTTY);
  t.same(terminalSize([outerSlave]), { rows: 17, cols: 71, xpixel: 0, ypixel: 0 });
  t.equal(terminalSize([999]), undefined, "not a terminal");
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (d) => (out += d));
  const proxy = proxyTerminal(inner.master, { stdin, stdout, sizeFrom: [outerSlave] });
  const slaveFd = syscall.open(inner.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK);
  t.same(syscall.getWinsize(slaveFd), { rows: 17, cols: 71, xpixel: 0, ypixel: 0 }, "sized at start");
  stdin.write("typed\n");
  syscall.write(slaveFd, "printed\n");
  let typed = "";
  for (let i = 0; i < 200 && !(typed.includes("typed") && out.includes("printed")); i++) {
    await new Promise((r) => setTimeout(r, 5));
    try {
      typed += syscall.read(slaveFd, 100).toString();
    } catch {
      // EAGAIN: nothing yet
    }
  }
  t.match(typed, /typed/, "stdin reached the container's terminal");
  t.match(out, /printed\r\n/, "the container's output reached stdout");
  syscall.close(slaveFd);
  await proxy.ended;
  await proxy.finish();
  t.pass("ended once the slave closed");
  syscall.close(outerSlave);
  syscall.close(outer.master);
});

t.test("finish gives up waiting after the grace time (a leftover process holds the terminal)", async (t) => {
  const inner = syscall.openPty();
  const slave = syscall.open(inner.slavePath, O_RDWR | O_NOCTTY);
  const proxy = proxyTerminal(inner.master, { stdin: new PassThrough(), stdout: new PassThrough(), sizeFrom: [] });
  const start = Date.now();
  await proxy.finish(100);
  t.ok(Date.now() - start < 2000);
  syscall.close(slave);
});
