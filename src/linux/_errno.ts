// errno numbers and messages for Linux (x86_64 and aarch64 share them).
import { constants as osConstants } from "node:os";

export const constants: Readonly<Record<string, number>> = osConstants.errno as Record<string, number>;

const messages: Record<number, string> = {
  1: "Operation not permitted", 2: "No such file or directory", 3: "No such process",
  4: "Interrupted system call", 5: "Input/output error", 7: "Argument list too long",
  8: "Exec format error", 9: "Bad file descriptor", 10: "No child processes",
  11: "Resource temporarily unavailable", 12: "Cannot allocate memory", 13: "Permission denied",
  14: "Bad address", 16: "Device or resource busy", 17: "File exists", 18: "Invalid cross-device link",
  19: "No such device", 20: "Not a directory", 21: "Is a directory", 22: "Invalid argument",
  23: "Too many open files in system", 24: "Too many open files", 25: "Inappropriate ioctl for device",
  26: "Text file busy", 27: "File too large", 28: "No space left on device", 30: "Read-only file system",
  31: "Too many links", 32: "Broken pipe", 34: "Numerical result out of range", 36: "File name too long",
  38: "Function not implemented", 39: "Directory not empty", 40: "Too many levels of symbolic links",
  61: "No data available", 75: "Value too large for defined data type", 95: "Operation not supported",
  98: "Address already in use", 110: "Connection timed out", 111: "Connection refused",
  122: "Disk quota exceeded",
  6: "No such device or address", 15: "Block device required", 29: "Illegal seek",
  35: "Resource deadlock avoided", 37: "No locks available", 88: "Socket operation on non-socket",
  97: "Address family not supported by protocol", 104: "Connection reset by peer",
  107: "Transport endpoint is not connected", 116: "Stale file handle", 125: "Operation canceled",
};

/** The C library's message for an errno value. */
export function strerror(errno: number): string {
  return messages[errno] ?? `Unknown error ${errno}`;
}
