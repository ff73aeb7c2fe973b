/*
 * Test tool: makes one system call per argument group and prints what
 * happened, one line each: "ok <return value>" or "err <errno>".
 *
 *   try_syscall [-32] NR [ARG...] [-- [-32] NR [ARG...]]...
 *
 * Numbers may be decimal or 0x hex (64-bit). With -32 the call goes through
 * `int $0x80`, the i386 entry, even from this 64-bit process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static long i386_call(long nr, const unsigned long *a) {
#if defined(__x86_64__)
  long ret;
  register long r8 __asm__("r8") = 0;   /* unused; keeps the asm honest on clobbers */
  __asm__ volatile("push %%rbp\n\tmov %7, %%rbp\n\tint $0x80\n\tpop %%rbp"
                   : "=a"(ret)
                   : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), "g"(a[5]), "r"(r8)
                   : "memory", "r9", "r10", "r11");
  if (ret < 0 && ret > -4096) { errno = (int)-ret; return -1; }
  return ret;
#else
  (void)nr; (void)a;
  errno = ENOSYS;
  return -1;
#endif
}

int main(int argc, char **argv) {
  int i = 1;
  setvbuf(stdout, NULL, _IONBF, 0);
  while (i < argc) {
    int compat = 0;
    if (!strcmp(argv[i], "-32")) { compat = 1; i++; }
    if (i >= argc) return 2;
    long nr = (long)strtoull(argv[i++], NULL, 0);
    unsigned long a[6] = {0};
    for (int k = 0; k < 6 && i < argc && strcmp(argv[i], "--"); k++) a[k] = strtoull(argv[i++], NULL, 0);
    if (i < argc && !strcmp(argv[i], "--")) i++;
    errno = 0;
    long r = compat ? i386_call(nr, a) : syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (r == -1 && errno) printf("err %d\n", errno);
    else printf("ok %ld\n", r);
  }
  return 0;
}
