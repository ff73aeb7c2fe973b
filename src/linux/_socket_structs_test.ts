import t from "tap";
import { MSGHDR_SIZE, parseFdMessage, recvFdMessage, sendFdMessage, sockaddrUn, SUN_PATH_MAX } from "./_socket_structs.ts";

// Stand-in addresses: each Buffer gets a distinct fake address.
function fakeAddresses() {
  const seen = new Map<Buffer, bigint>();
  return (b: Buffer) => seen.get(b) ?? (seen.set(b, BigInt(0x1000 * (seen.size + 1))), seen.get(b)!);
}

t.test("a send message lays out msghdr, iovec and one SCM_RIGHTS cmsg", (t) => {
  const address = fakeAddresses();
  const m = sendFdMessage(Buffer.from("abc"), 7, address);
  t.equal(m.msghdr.length, MSGHDR_SIZE);
  t.equal(m.msghdr.readBigUInt64LE(0), 0n, "no msg_name");
  t.equal(m.msghdr.readBigUInt64LE(16), address(m.iov));
  t.equal(m.msghdr.readBigUInt64LE(24), 1n, "one iovec");
  t.equal(m.msghdr.readBigUInt64LE(32), address(m.control));
  t.equal(m.msghdr.readBigUInt64LE(40), 24n, "CMSG_SPACE(sizeof(int))");
  t.equal(m.iov.readBigUInt64LE(0), address(m.data));
  t.equal(m.iov.readBigUInt64LE(8), 3n);
  t.equal(m.control.readBigUInt64LE(0), 20n, "CMSG_LEN(sizeof(int))");
  t.equal(m.control.readInt32LE(8), 1, "SOL_SOCKET");
  t.equal(m.control.readInt32LE(12), 1, "SCM_RIGHTS");
  t.equal(m.control.readInt32LE(16), 7);
  t.end();
});

t.test("parsing what recvmsg filled in", (t) => {
  const m = recvFdMessage(16, fakeAddresses());
  t.same(parseFdMessage(m), { fd: undefined, flags: 0 }, "control length of a fresh message is the buffer size but holds nothing");
  m.control.writeBigUInt64LE(20n, 0);
  m.control.writeInt32LE(1, 8);
  m.control.writeInt32LE(1, 12);
  m.control.writeInt32LE(9, 16);
  m.msghdr.writeInt32LE(0x8, 48);
  t.same(parseFdMessage(m), { fd: 9, flags: 8 });
  m.msghdr.writeBigUInt64LE(0n, 40);
  t.same(parseFdMessage(m).fd, undefined, "no control data returned");
  t.end();
});

t.test("sockaddr_un", (t) => {
  const a = sockaddrUn("/run/x.sock")!;
  t.equal(a.addr.readUInt16LE(0), 1, "AF_UNIX");
  t.equal(a.addr.toString("utf8", 2, 2 + 11), "/run/x.sock");
  t.equal(a.addr[13], 0, "NUL terminated");
  t.equal(a.len, 2 + 11 + 1);
  t.ok(sockaddrUn("/" + "x".repeat(SUN_PATH_MAX - 1)));
  t.equal(sockaddrUn("/" + "x".repeat(SUN_PATH_MAX)), undefined, "too long");
  t.end();
});
