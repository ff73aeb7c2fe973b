/*
 * probe: a static program copied into each bundle's rootfs as
 * /conformance/probe, for what busybox cannot show from inside a container.
 *
 *   probe mempolicy     prints "mode=N nodes=HEX" (get_mempolicy(2); MPOL_BIND is 2)
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "mempolicy") == 0) {
    int mode = -1;
    unsigned long mask[16] = {0};
    if (syscall(SYS_get_mempolicy, &mode, mask, sizeof mask * 8, 0, 0) != 0) {
      perror("get_mempolicy");
      return 1;
    }
    printf("mode=%d nodes=%lx\n", mode, mask[0]);
    return 0;
  }
  fprintf(stderr, "usage: probe mempolicy\n");
  return 2;
}
