/*
 * fdrecv: the receiving end of a runtime's AF_UNIX socket, for conformance
 * checks that need file descriptors passed with SCM_RIGHTS (Node cannot take
 * them): the seccomp listener (listenerPath) and the console socket.
 *
 *   fdrecv SOCKET OUT            accept one connection, write what it sends to
 *                                OUT and "fds N" (descriptors received) to OUT.fds
 *   fdrecv --pty SOCKET OUT      also copy everything the first descriptor (a
 *                                pseudoterminal master) gives until it closes,
 *                                to OUT.tty
 *
 * SOCKET is created (and removed when done); "ready" goes to stdout once it
 * listens. Exits after 60 s in any case.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <fcntl.h>

#define MAXFDS 16

static void die(const char *what) {
  fprintf(stderr, "fdrecv: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void write_file(const char *path, const char *data, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die(path);
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0) die("write");
    data += w;
    n -= (size_t)w;
  }
  close(fd);
}

int main(int argc, char **argv) {
  int pty = argc > 1 && strcmp(argv[1], "--pty") == 0;
  if (argc != 3 + pty) {
    fprintf(stderr, "usage: fdrecv [--pty] SOCKET OUT\n");
    return 2;
  }
  const char *sock = argv[1 + pty], *out = argv[2 + pty];
  alarm(60);

  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  if (l < 0) die("socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(sock) >= sizeof addr.sun_path) {
    fprintf(stderr, "fdrecv: socket path too long\n");
    return 2;
  }
  strcpy(addr.sun_path, sock);
  unlink(sock);
  if (bind(l, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(l, 1) < 0) die("listen");
  printf("ready\n");
  fflush(stdout);
  int c = accept(l, NULL, NULL);
  if (c < 0) die("accept");

  char *payload = NULL;
  size_t len = 0;
  int fds[MAXFDS], nfds = 0;
  for (;;) {
    char buf[4096];
    char cbuf[CMSG_SPACE(sizeof(int) * MAXFDS)];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(c, &msg, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("recvmsg");
    }
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
      if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
        int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k && nfds < MAXFDS; i++) memcpy(&fds[nfds++], CMSG_DATA(h) + i * sizeof(int), sizeof(int));
      }
    }
    if (n == 0) break;
    payload = realloc(payload, len + (size_t)n);
    if (!payload) die("realloc");
    memcpy(payload + len, buf, (size_t)n);
    len += (size_t)n;
    /* a console socket peer may keep the connection open: one message is enough */
    if (pty && nfds > 0) break;
  }
  close(c);
  close(l);
  unlink(sock);
  write_file(out, payload ? payload : "", len);
  char path[4096], line[64];
  snprintf(path, sizeof path, "%s.fds", out);
  int m = snprintf(line, sizeof line, "fds %d\n", nfds);
  write_file(path, line, (size_t)m);

  if (pty && nfds > 0) {
    snprintf(path, sizeof path, "%s.tty", out);
    int o = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0) die(path);
    for (;;) {
      char buf[4096];
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break; /* EIO once the last slave is closed */
      if (write(o, buf, (size_t)n) != n) die("write");
    }
    close(o);
  }
  for (int i = 0; i < nfds; i++) close(fds[i]);
  return 0;
}
