import t from "tap";
import { decodeWaitStatus, exitCodeOf } from "./_wait_status.ts";

t.test("decodes the four kinds of status word", (t) => {
  t.same(decodeWaitStatus(0), { kind: "exited", code: 0 });
  t.same(decodeWaitStatus(0x0300), { kind: "exited", code: 3 });
  t.same(decodeWaitStatus(0xff00), { kind: "exited", code: 255 });
  t.same(decodeWaitStatus(0x000f), { kind: "signaled", signal: 15, coreDumped: false });
  t.same(decodeWaitStatus(0x0086), { kind: "signaled", signal: 6, coreDumped: true });
  t.same(decodeWaitStatus(0x137f), { kind: "stopped", signal: 19 });
  t.same(decodeWaitStatus(0xffff), { kind: "continued" });
  t.end();
});

t.test("exit codes as a shell reports them", (t) => {
  t.equal(exitCodeOf({ kind: "exited", code: 42 }), 42);
  t.equal(exitCodeOf({ kind: "signaled", signal: 9, coreDumped: false }), 137);
  t.equal(exitCodeOf({ kind: "stopped", signal: 19 }), -1);
  t.equal(exitCodeOf({ kind: "continued" }), -1);
  t.end();
});
