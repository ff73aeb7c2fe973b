import t from "tap";
import { constants as fs } from "node:fs";
import * as c from "./_constants.ts";

t.test("open flags agree with Node's for this architecture", (t) => {
  for (const name of ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DIRECTORY", "O_NOFOLLOW"] as const) {
    t.equal(c[name], (fs as Record<string, number>)[name], name);
  }
  t.end();
});

t.test("a few values pinned from the kernel headers", (t) => {
  t.equal(c.MS_BIND | c.MS_REC, 0x5000);
  t.equal(c.CLONE_NEWUSER | c.CLONE_NEWNS | c.CLONE_NEWPID, 0x30020000);
  t.equal(c.CGROUP2_SUPER_MAGIC, 0x63677270);
  t.equal(c.O_TMPFILE & c.O_DIRECTORY, c.O_DIRECTORY);
  t.end();
});
