// Test helper for syscall_test.ts: takes an exclusive flock on argv[2],
// prints "locked", and holds it until its stdin closes.
import { flock, LOCK_EX, O_CLOEXEC, O_CREAT, O_RDWR, open } from "../syscall.ts";

const fd = open(process.argv[2]!, O_RDWR | O_CREAT | O_CLOEXEC, 0o600);
flock(fd, LOCK_EX);
process.stdout.write("locked\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
