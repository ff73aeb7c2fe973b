/**
 * Kernel socket structures built in Buffers at explicit offsets (LP64 layout,
 * the same on x86_64 and aarch64): `struct msghdr` with one `struct iovec`
 * and one `SCM_RIGHTS` control message carrying a single file descriptor,
 * and `struct sockaddr_un`.
 *
 * The msghdr holds raw addresses of the other Buffers: the caller must keep
 * every Buffer of the returned object referenced until the system call
 * returns. Addresses come from the `address` function given (koffi.address
 * in syscall.ts), so this file needs no FFI and is testable on its own.
 *
 * @example
 * ```ts
 * import { sendFdMessage } from "./_socket_structs.ts";
 * const m = sendFdMessage(Buffer.from("pty"), 7, koffi.address);
 * // sendmsg(sock, m.msghdr, MSG_NOSIGNAL), keeping `m` alive meanwhile
 * ```
 */
import { SCM_RIGHTS, SOL_SOCKET, AF_UNIX } from "./_constants.ts";

export type AddressOf = (buffer: Buffer) => bigint;

export const MSGHDR_SIZE = 56;
const IOVEC_SIZE = 16;
const CMSG_HDR = 16; // cmsg_len (size_t), cmsg_level (int), cmsg_type (int)
/** CMSG_SPACE(sizeof(int)): header plus one fd, padded to 8 bytes. */
const CMSG_SPACE_ONE_FD = CMSG_HDR + 8;
/** CMSG_LEN(sizeof(int)). */
const CMSG_LEN_ONE_FD = CMSG_HDR + 4;
const OFF_IOV = 16;
const OFF_IOVLEN = 24;
const OFF_CONTROL = 32;
const OFF_CONTROLLEN = 40;
const OFF_FLAGS = 48;

/** Every Buffer the kernel will read or write; keep it referenced during the call. */
export interface FdMessage {
  msghdr: Buffer;
  iov: Buffer;
  data: Buffer;
  control: Buffer;
}

function message(data: Buffer, control: Buffer, address: AddressOf): FdMessage {
  const iov = Buffer.alloc(IOVEC_SIZE);
  iov.writeBigUInt64LE(address(data), 0);
  iov.writeBigUInt64LE(BigInt(data.length), 8);
  const msghdr = Buffer.alloc(MSGHDR_SIZE);
  // msg_name = NULL, msg_namelen = 0 (connected socket)
  msghdr.writeBigUInt64LE(address(iov), OFF_IOV);
  msghdr.writeBigUInt64LE(1n, OFF_IOVLEN);
  msghdr.writeBigUInt64LE(address(control), OFF_CONTROL);
  msghdr.writeBigUInt64LE(BigInt(control.length), OFF_CONTROLLEN);
  return { msghdr, iov, data, control };
}

/** A message carrying `payload` (at least one byte) and the file descriptor `fd`. */
export function sendFdMessage(payload: Buffer, fd: number, address: AddressOf): FdMessage {
  const control = Buffer.alloc(CMSG_SPACE_ONE_FD);
  control.writeBigUInt64LE(BigInt(CMSG_LEN_ONE_FD), 0);
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  control.writeInt32LE(fd, CMSG_HDR);
  return message(payload, control, address);
}

/** An empty message with room for `maxPayload` bytes and one file descriptor. */
export function recvFdMessage(maxPayload: number, address: AddressOf): FdMessage {
  // Non-empty Buffers only: a zero-length Buffer may have no stable address.
  return message(Buffer.alloc(Math.max(1, maxPayload)), Buffer.alloc(CMSG_SPACE_ONE_FD), address);
}

/** What recvmsg filled in: the received fd (if any) and the flags the kernel returned. */
export function parseFdMessage(m: FdMessage): { fd: number | undefined; flags: number } {
  const flags = m.msghdr.readInt32LE(OFF_FLAGS);
  const controlLen = Number(m.msghdr.readBigUInt64LE(OFF_CONTROLLEN));
  let fd: number | undefined;
  if (controlLen >= CMSG_LEN_ONE_FD) {
    const len = Number(m.control.readBigUInt64LE(0));
    const level = m.control.readInt32LE(8);
    const type = m.control.readInt32LE(12);
    if (level === SOL_SOCKET && type === SCM_RIGHTS && len >= CMSG_LEN_ONE_FD) fd = m.control.readInt32LE(CMSG_HDR);
  }
  return { fd, flags };
}

/** Longest path a sockaddr_un holds, not counting the terminating NUL. */
export const SUN_PATH_MAX = 107;

/** `struct sockaddr_un` for `path` and its length for bind/connect; undefined when the path is too long. */
export function sockaddrUn(path: string): { addr: Buffer; len: number } | undefined {
  const bytes = Buffer.from(path);
  if (bytes.length > SUN_PATH_MAX) return undefined;
  const addr = Buffer.alloc(110);
  addr.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(addr, 2);
  return { addr, len: 2 + bytes.length + 1 };
}
