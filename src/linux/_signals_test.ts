import t from "tap";
import { constants } from "node:os";
import { parseSignal, signalName, SIGRTMAX, SIGRTMIN } from "./_signals.ts";

t.test("names, SIG prefixes, any case, and numbers", (t) => {
  for (const raw of ["TERM", "SIGTERM", "term", "sigterm", "15", " 15 ", 15]) t.equal(parseSignal(raw), 15, String(raw));
  t.equal(parseSignal("KILL"), 9);
  t.equal(parseSignal("SIGCHLD"), 17);
  t.equal(parseSignal("CLD"), 17, "aliases");
  t.equal(parseSignal("IOT"), 6);
  t.equal(parseSignal("0"), 0, "signal 0 checks existence");
  t.equal(parseSignal("64"), 64);
  t.end();
});

t.test("real-time signals count from glibc's SIGRTMIN (34)", (t) => {
  t.equal(SIGRTMIN, 34);
  t.equal(SIGRTMAX, 64);
  t.equal(parseSignal("RTMIN"), 34);
  t.equal(parseSignal("RTMIN+3"), 37);
  t.equal(parseSignal("SIGRTMIN+3"), 37);
  t.equal(parseSignal("rtmax-2"), 62);
  t.equal(parseSignal("SIGRTMAX"), 64);
  t.equal(parseSignal("RTMIN+30"), 64);
  t.throws(() => parseSignal("RTMIN+31"), { message: 'invalid signal "RTMIN+31": real-time signals run from SIGRTMIN (34) to SIGRTMAX (64)' });
  t.throws(() => parseSignal("RTMAX-31"), { message: /real-time signals/ });
  t.end();
});

t.test("bad input names itself", (t) => {
  t.throws(() => parseSignal("FOO"), { message: 'invalid signal "FOO": not a signal name or number' });
  t.throws(() => parseSignal(""), { message: 'invalid signal "": not a signal name or number' });
  t.throws(() => parseSignal("-9"), { message: /not a signal name or number/ });
  t.throws(() => parseSignal("65"), { message: "invalid signal 65: a signal number must be between 0 and 64" });
  t.throws(() => parseSignal(1.5), { message: /between 0 and 64/ });
  t.end();
});

t.test("the standard table agrees with Node's view of this platform", (t) => {
  for (const [name, n] of Object.entries(constants.signals)) t.equal(parseSignal(name), n, name);
  t.end();
});

t.test("signalName", (t) => {
  t.equal(signalName(15), "SIGTERM");
  t.equal(signalName(6), "SIGABRT");
  t.equal(signalName(17), "SIGCHLD");
  t.equal(signalName(29), "SIGIO");
  t.equal(signalName(34), "SIGRTMIN");
  t.equal(signalName(37), "SIGRTMIN+3");
  t.equal(signalName(62), "SIGRTMAX-2");
  t.equal(signalName(64), "SIGRTMAX");
  t.equal(signalName(32), "32");
  for (let n = 1; n <= 64; n++) if (n !== 32 && n !== 33) t.equal(parseSignal(signalName(n)), n, `round trip ${n}`);
  t.end();
});
