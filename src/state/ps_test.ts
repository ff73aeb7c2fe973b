import t from "tap";
import { psTable } from "./ps.ts";

const OUT = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root        4242       1  0 10:01 ?        00:00:00 sleep 100
root       14242       1  0 10:01 ?        00:00:00 sleep 4242
`;

t.test("keeps the header and the container's lines, by the PID column", async (t) => {
  t.equal(psTable([4242], OUT), "UID          PID    PPID  C STIME TTY          TIME CMD\nroot        4242       1  0 10:01 ?        00:00:00 sleep 100\n");
  t.equal(psTable([], OUT).split("\n").length, 2, "header only");
  t.throws(() => psTable([1], "USER COMMAND\nroot init\n"), /no PID column/);
});
