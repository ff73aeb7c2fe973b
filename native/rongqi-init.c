/*
 * rongqi-init: the native setup helper of rongqi.
 *
 * It reads one PLAN from the control socket, runs its operations in order and
 * ends in execve() of the container process. It decides nothing itself: the
 * TypeScript runtime wrote the plan. The wire format and the meaning of every
 * op are in PROTOCOL.md next to this file; keep the two in step.
 *
 * Rules this file follows:
 *  - single-threaded, no stdio (fds 0..2 belong to the container);
 *  - every length read from the socket is checked against what is left before
 *    it is used, so a malformed plan cannot overflow anything: it is answered
 *    with ERROR(op_index 0xffffffff, EINVAL);
 *  - every failure sends ERROR (op index, errno, short detail) and _exit(1)s;
 *  - paths "in root" are resolved with openat2(RESOLVE_IN_ROOT) from the fd
 *    OPEN_ROOT opened, so neither ".." nor a symlink can leave the rootfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>

/* Message types (PROTOCOL.md, "Framing"). */
enum { M_PLAN = 1, M_ACK = 2, M_ABORT = 3 };
enum { M_SYNC = 16, M_NOTIFY = 17, M_PID = 18, M_ERROR = 19, M_STEP = 20, M_EXEC = 21 };

/* Opcodes (PROTOCOL.md, "Ops"). */
enum {
  OP_SETNS = 1, OP_UNSHARE, OP_SYNC, OP_NOTIFY, OP_FORK, OP_SETRESUID, OP_SETRESGID,
  OP_SETGROUPS, OP_OPEN_ROOT, OP_MOUNT, OP_MKNOD, OP_SYMLINK, OP_WRITE_FILE, OP_PIVOT_ROOT,
  OP_CHROOT, OP_MASK, OP_READONLY, OP_SETHOSTNAME, OP_SETDOMAINNAME, OP_CHDIR, OP_SETRLIMIT,
  OP_PRCTL, OP_CAPSET, OP_AMBIENT, OP_UMASK, OP_OPEN_FIFO, OP_WAIT_START, OP_CLOSE_FROM,
  OP_RESOLVE_EXEC, OP_EXEC, OP_SECCOMP, OP_SETSID, OP_MKDIR, OP_RUN_HOOK, OP_MOUNT_SETATTR,
  OP_CONSOLE, OP_SETNS_FD, OP_SECCOMP_LISTENER, OP_PERSONALITY, OP_IOPRIO, OP_SCHED_ATTR, OP_KEYRING,
  OP_TMPCOPYUP, OP_MEMPOLICY, OP_AFFINITY,
  OP_LAST = OP_AFFINITY
};

#define NO_OP 0xffffffffu          /* op index of errors that belong to no op */
#define PLAN_MAX (64u << 20)       /* largest PLAN payload accepted */
#define CTL_MIN_FD 1000            /* the control socket is moved at or above this */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct str { char *s; uint32_t len; };   /* s is NUL-terminated in memory */
struct list { char **v; uint32_t n; };   /* v[n] == NULL, ready for execve */
struct op {
  uint32_t code, nints, nstrs, nlists;
  int64_t *ints;
  struct str *strs;
  struct list *lists;
};

/* Arity of each op: integer count range, string and list counts, and which
 * strings (bit i = strs[i]) are binary and may hold NUL bytes. */
struct spec { uint32_t imin, imax, nstrs, nlists, binary; };
static const struct spec specs[OP_LAST + 1] = {
  [OP_SETNS] = {1, 1, 1, 0, 0},       [OP_UNSHARE] = {1, 1, 0, 0, 0},
  [OP_SYNC] = {1, 1, 0, 0, 0},        [OP_NOTIFY] = {1, 1, 0, 0, 0},
  [OP_FORK] = {0, 0, 0, 0, 0},        [OP_SETRESUID] = {3, 3, 0, 0, 0},
  [OP_SETRESGID] = {3, 3, 0, 0, 0},   [OP_SETGROUPS] = {0, 65536, 0, 0, 0},
  [OP_OPEN_ROOT] = {0, 0, 1, 0, 0},   [OP_MOUNT] = {4, 4, 4, 0, 0},
  [OP_MKNOD] = {5, 6, 1, 0, 0},       [OP_SYMLINK] = {0, 0, 2, 0, 0},
  [OP_WRITE_FILE] = {0, 0, 2, 0, 2},  [OP_PIVOT_ROOT] = {0, 0, 0, 0, 0},
  [OP_CHROOT] = {0, 0, 0, 0, 0},      [OP_MASK] = {0, 0, 1, 0, 0},
  [OP_READONLY] = {0, 0, 1, 0, 0},    [OP_SETHOSTNAME] = {0, 0, 1, 0, 0},
  [OP_SETDOMAINNAME] = {0, 0, 1, 0, 0}, [OP_CHDIR] = {0, 0, 1, 0, 0},
  [OP_SETRLIMIT] = {3, 3, 0, 0, 0},   [OP_PRCTL] = {1, 5, 0, 0, 0},
  [OP_CAPSET] = {3, 3, 0, 0, 0},      [OP_AMBIENT] = {1, 1, 0, 0, 0},
  [OP_UMASK] = {1, 1, 0, 0, 0},       [OP_OPEN_FIFO] = {0, 0, 1, 0, 0},
  [OP_WAIT_START] = {0, 0, 0, 0, 0},  [OP_CLOSE_FROM] = {1, 1, 0, 0, 0},
  [OP_RESOLVE_EXEC] = {0, 0, 2, 0, 0}, [OP_EXEC] = {0, 0, 0, 2, 0},
  [OP_SECCOMP] = {1, 2, 1, 0, 1},     [OP_SETSID] = {0, 0, 0, 0, 0},
  [OP_MKDIR] = {1, 1, 1, 0, 0},       [OP_RUN_HOOK] = {1, 1, 2, 2, 2},
  [OP_MOUNT_SETATTR] = {3, 3, 1, 0, 0},
  [OP_CONSOLE] = {3, 3, 1, 0, 0},     [OP_SETNS_FD] = {2, 2, 0, 0, 0},
  [OP_SECCOMP_LISTENER] = {0, 0, 2, 0, 0}, [OP_PERSONALITY] = {1, 1, 0, 0, 0},
  [OP_IOPRIO] = {3, 3, 0, 0, 0},      [OP_SCHED_ATTR] = {7, 7, 0, 0, 0},
  [OP_KEYRING] = {1, 1, 1, 0, 0},
  [OP_TMPCOPYUP] = {1, 1, 2, 0, 0},
  [OP_MEMPOLICY] = {1, 1, 1, 0, 1},
  [OP_AFFINITY] = {0, 0, 1, 0, 1},
};

static int ctl = -1;               /* control socket */
static int root_fd = -1;           /* OPEN_ROOT */
static int ctl_gone;               /* a send failed: the runtime has gone away */
static int fifo_fd = -1;           /* OPEN_FIFO */
static uint32_t cur = NO_OP;       /* index of the op running, for ERROR */
static char exec_path[PATH_MAX];   /* RESOLVE_EXEC's answer */
/* The container's state JSON as the runtime last gave it (with an ACK, or
 * through the fifo at start): the stdin of RUN_HOOK ops with an empty state. */
#define MAX_STATE (1u << 20)
static char *hook_state;
static uint32_t hook_state_len;

/* ---- sending ---------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* Sends all len bytes over sock; with fd >= 0 the fd travels as SCM_RIGHTS
 * with the first bytes. 0, or -1 with errno (a peer gone: EPIPE). */
static int send_all(int sock, const void *data, size_t len, int fd) {
  struct iovec iov = { (void *)data, len };
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } cm;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (fd >= 0) {
    memset(&cm, 0, sizeof cm);
    mh.msg_control = cm.b;
    mh.msg_controllen = sizeof cm.b;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  while (iov.iov_len > 0) {
    ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EPIPE;
      return -1;
    }
    iov.iov_base = (uint8_t *)iov.iov_base + n;
    iov.iov_len -= (size_t)n;
    mh.msg_control = NULL;       /* the fd goes with the first bytes only */
    mh.msg_controllen = 0;
  }
  return 0;
}

/* Sends one message; with fd >= 0 the fd travels as SCM_RIGHTS with its first
 * byte. A failed send (the runtime is gone) is ignored, as the protocol says. */
static void send_msg(uint32_t type, const uint8_t *payload, uint32_t len, int fd) {
  uint8_t buf[8 + 512];
  if (ctl_gone) return;                              /* nobody reads any more */
  if (len > sizeof buf - 8) len = sizeof buf - 8;    /* callers stay far below */
  put32(buf, 4 + len);
  put32(buf + 4, type);
  if (len) memcpy(buf + 8, payload, len);
  if (send_all(ctl, buf, 8 + len, fd) < 0) ctl_gone = 1;
}

static void send_u32(uint32_t type, uint32_t v, int fd) {
  uint8_t p[4];
  put32(p, v);
  send_msg(type, p, 4, fd);
}

/* Sends ERROR(op, err, "what arg") and exits. */
static _Noreturn void fail_at(uint32_t op, int err, const char *what, const char *arg) {
  uint8_t p[12 + 256];
  int n = snprintf((char *)p + 12, 256, "%s%s%s", what, arg ? " " : "", arg ? arg : "");
  uint32_t dlen = n < 0 ? 0 : n > 255 ? 255 : (uint32_t)n;
  put32(p, op);
  put32(p + 4, (uint32_t)err);
  put32(p + 8, dlen);
  send_msg(M_ERROR, p, 12 + dlen, -1);
  if (ctl_gone) {
    /* Nobody reads the control socket any more (after `create` returned):
     * the container's stderr is the only place left to say why. */
    char line[320];
    int m = snprintf(line, sizeof line, "rongqi-init: %.*s: %s\n", (int)dlen, (char *)p + 12, strerror(err));
    if (m > 0 && write(2, line, (size_t)(m < (int)sizeof line ? m : (int)sizeof line - 1)) < 0) _exit(1);
  }
  _exit(1);
}
/* Fails the current op with errno (die) or a given error (fail). */
static _Noreturn void fail(int err, const char *what, const char *arg) { fail_at(cur, err, what, arg); }
static _Noreturn void die(const char *what, const char *arg) { fail(errno, what, arg); }
static _Noreturn void malformed(uint32_t op, const char *why) {
  char where[32] = "plan:";
  if (op != NO_OP) snprintf(where, sizeof where, "plan: op %u:", op);
  fail_at(NO_OP, EINVAL, where, why);
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ---- receiving -------------------------------------------------------- */

/* Reads exactly len bytes; 0 on success, -1 on EOF or error. */
static int read_full(void *buf, size_t len) {
  uint8_t *p = buf;
  while (len > 0) {
    ssize_t n = read(ctl, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Replaces the hook state with len bytes (the caller fills them in). */
static char *new_hook_state(uint32_t len) {
  free(hook_state);
  hook_state = malloc((size_t)len + 1);
  if (!hook_state) fail(ENOMEM, "malloc", "hook state");
  hook_state[len] = 0;
  hook_state_len = len;
  return hook_state;
}

/* SYNC: tell the runtime, then block until ACK with the same tag. An ACK may
 * carry the container's state (u32 len + bytes) for later hooks. ABORT or
 * EOF end the helper at once; anything else is a protocol error. */
static void sync_with_runtime(uint32_t tag) {
  send_u32(M_SYNC, tag, -1);
  uint8_t h[8], p[4];
  if (read_full(h, 8) < 0) _exit(1);
  uint32_t len = get32(h), type = get32(h + 4);
  if (type == M_ABORT && len == 4) _exit(1);
  if (type != M_ACK || (len != 8 && len < 12) || read_full(p, 4) < 0 || get32(p) != tag)
    fail(EPROTO, "sync: expected ACK of this tag", NULL);
  if (len == 8) return;
  uint32_t slen;
  if (read_full(p, 4) < 0 || (slen = get32(p)) != len - 12 || slen > MAX_STATE)
    fail(EPROTO, "sync: malformed state in ACK", NULL);
  if (read_full(new_hook_state(slen), slen) < 0) _exit(1);
}

/* ---- plan parsing ------------------------------------------------------ */

struct rd { const uint8_t *p; size_t left; };

static int rd32(struct rd *r, uint32_t *v) {
  if (r->left < 4) return -1;
  *v = get32(r->p);
  r->p += 4;
  r->left -= 4;
  return 0;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) fail_at(NO_OP, ENOMEM, "plan: calloc", NULL);
  return p;
}

static int rd_str(struct rd *r, struct str *s) {
  uint32_t n;
  if (rd32(r, &n) < 0 || n > r->left) return -1;
  s->s = xcalloc((size_t)n + 1, 1);
  memcpy(s->s, r->p, n);
  s->len = n;
  r->p += n;
  r->left -= n;
  return 0;
}

/* A count of items of at least `min` bytes each must fit in what is left. */
static int rd_count(struct rd *r, uint32_t *n, size_t min) {
  return rd32(r, n) < 0 || *n > r->left / min ? -1 : 0;
}

static int in_range(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

/* Value checks beyond arity, so nothing is silently truncated later. */
static const char *check_op(const struct op *o) {
  const int64_t *n = o->ints;
  const int64_t U32 = UINT32_MAX, ID = UINT32_MAX - 1;   /* ids: -1 = unchanged */
  switch (o->code) {
  case OP_SETNS: case OP_UNSHARE: return in_range(n[0], 0, INT32_MAX) ? NULL : "flags out of range";
  case OP_SYNC: case OP_NOTIFY: return in_range(n[0], 0, U32) ? NULL : "tag out of range";
  case OP_SETRESUID: case OP_SETRESGID:
    for (int i = 0; i < 3; i++) if (!in_range(n[i], -1, ID)) return "id out of range";
    return NULL;
  case OP_SETGROUPS:
    for (uint32_t i = 0; i < o->nints; i++) if (!in_range(n[i], 0, ID)) return "gid out of range";
    return NULL;
  case OP_MOUNT:
    if (!in_range(n[1], 0, 2) || !in_range(n[2], 0, 2) || !in_range(n[3], 0, 1)) return "bad create/inroot/keepflags";
    return n[1] && !n[2] ? "create needs inroot" : NULL;
  case OP_MKNOD:
    if (!in_range(n[0], 0, U32) || !in_range(n[1], 0, U32) || !in_range(n[2], 0, U32)) return "mode/major/minor out of range";
    if (o->nints > 5 && !in_range(n[5], 0, 1)) return "strict must be 0 or 1";
    return in_range(n[3], -1, ID) && in_range(n[4], -1, ID) ? NULL : "uid/gid out of range";
  case OP_SETRLIMIT: case OP_PRCTL: return in_range(n[0], 0, INT32_MAX) ? NULL : "resource/option out of range";
  case OP_UMASK: return in_range(n[0], 0, 0777) ? NULL : "mask out of range";
  case OP_MKDIR: return in_range(n[0], 0, 07777) ? NULL : "mode out of range";
  case OP_CLOSE_FROM: return in_range(n[0], 0, U32) ? NULL : "fd out of range";
  case OP_RUN_HOOK: return in_range(n[0], 0, INT32_MAX / 1000) ? NULL : "timeout out of range";
  case OP_MOUNT_SETATTR:
    return in_range(n[0], 0, U32) && in_range(n[1], 0, U32) && in_range(n[2], 0, 1) ? NULL : "bad attr/inroot";
  case OP_CONSOLE:
    return in_range(n[0], 0, INT32_MAX) && in_range(n[1], 0, 65535) && in_range(n[2], 0, 65535) ? NULL : "bad fd/rows/cols";
  case OP_SETNS_FD: return in_range(n[0], 0, INT32_MAX) && in_range(n[1], 0, INT32_MAX) ? NULL : "fd/nstype out of range";
  case OP_SECCOMP:
    if (!in_range(n[0], 0, U32)) return "flags out of range";
    if (o->strs[0].len == 0 || o->strs[0].len % 8 || o->strs[0].len / 8 > BPF_MAXINSNS) return "bad filter length";
    if (n[0] & SECCOMP_FILTER_FLAG_NEW_LISTENER && o->nints == 2 && !in_range(n[1], 0, U32)) return "tag out of range";
    return NULL;
  case OP_PERSONALITY: return in_range(n[0], 0, U32) ? NULL : "persona out of range";
  case OP_IOPRIO: return in_range(n[0], 1, 3) && in_range(n[1], 0, INT32_MAX) && in_range(n[2], 0, 0xffff) ? NULL : "bad which/who/ioprio";
  case OP_SCHED_ATTR:
    if (!in_range(n[0], 0, 7) || !in_range(n[1], 0, U32) || !in_range(n[2], -20, 19) || !in_range(n[3], 0, 99)) return "bad policy/flags/nice/priority";
    return n[4] < 0 || n[5] < 0 || n[6] < 0 ? "runtime/deadline/period out of range" : NULL;
  case OP_KEYRING: return in_range(n[0], 0, U32) ? NULL : "perm out of range";
  case OP_TMPCOPYUP: return in_range(n[0], 0, U32) ? NULL : "flags out of range";
  case OP_AFFINITY:
    return o->strs[0].len && o->strs[0].len % sizeof(unsigned long) == 0 ? NULL : "cpu mask must be whole words";
  case OP_MEMPOLICY:
    if (!in_range(n[0], 0, U32)) return "mode out of range";
    return o->strs[0].len % sizeof(unsigned long) ? "nodemask must be whole words" : NULL;
  }
  return NULL;
}

/* Parses the PLAN payload into ops; every defect is malformed(). */
static struct op *parse_plan(const uint8_t *buf, size_t len, uint32_t *nops, int *trace) {
  struct rd r = { buf, len };
  int listener_planned = 0;
  uint32_t flags, n;
  if (rd32(&r, &flags) < 0 || flags > 1) malformed(NO_OP, "bad flags");
  if (rd_count(&r, &n, 16) < 0 || n == 0) malformed(NO_OP, "bad op count");
  struct op *ops = xcalloc(n, sizeof *ops);
  for (uint32_t i = 0; i < n; i++) {
    struct op *o = &ops[i];
    if (rd32(&r, &o->code) < 0 || o->code == 0 || o->code > OP_LAST) malformed(i, "unknown opcode");
    const struct spec *s = &specs[o->code];
    if (rd_count(&r, &o->nints, 8) < 0 || o->nints < s->imin || o->nints > s->imax) malformed(i, "bad int count");
    o->ints = xcalloc(s->imax ? s->imax : 1, sizeof *o->ints);   /* missing ints read as 0 */
    for (uint32_t k = 0; k < o->nints; k++) {
      uint64_t v = 0;
      for (int b = 0; b < 8; b++) v |= (uint64_t)r.p[b] << (8 * b);
      o->ints[k] = (int64_t)v;
      r.p += 8;
      r.left -= 8;
    }
    if (rd_count(&r, &o->nstrs, 4) < 0 || o->nstrs != s->nstrs) malformed(i, "bad string count");
    o->strs = xcalloc(o->nstrs, sizeof *o->strs);
    for (uint32_t k = 0; k < o->nstrs; k++) {
      if (rd_str(&r, &o->strs[k]) < 0) malformed(i, "string runs past the end");
      if (!(s->binary >> k & 1) && strlen(o->strs[k].s) != o->strs[k].len) malformed(i, "NUL in a string");
    }
    if (rd_count(&r, &o->nlists, 4) < 0 || o->nlists != s->nlists) malformed(i, "bad list count");
    o->lists = xcalloc(o->nlists, sizeof *o->lists);
    for (uint32_t k = 0; k < o->nlists; k++) {
      struct list *l = &o->lists[k];
      if (rd_count(&r, &l->n, 4) < 0) malformed(i, "bad list length");
      l->v = xcalloc((size_t)l->n + 1, sizeof *l->v);
      for (uint32_t j = 0; j < l->n; j++) {
        struct str t;
        if (rd_str(&r, &t) < 0) malformed(i, "list string runs past the end");
        if (strlen(t.s) != t.len) malformed(i, "NUL in a list string");
        l->v[j] = t.s;
      }
    }
    const char *why = check_op(o);
    if (why) malformed(i, why);
    if (o->code == OP_SECCOMP_LISTENER) listener_planned = 1;
    if (o->code == OP_SECCOMP && o->ints[0] & SECCOMP_FILTER_FLAG_NEW_LISTENER && o->nints < 2 && !listener_planned)
      malformed(i, "a listener needs a tag or a SECCOMP_LISTENER op before");
    if ((o->code == OP_EXEC) != (i == n - 1)) malformed(i, "EXEC must be the last op, and only there");
  }
  if (r.left) malformed(NO_OP, "trailing bytes");
  *nops = n;
  *trace = (int)(flags & 1);
  return ops;
}

/* ---- paths inside the root -------------------------------------------- */

static void need_root(void) {
  if (root_fd < 0) fail(EBADF, "no OPEN_ROOT before this op", NULL);
}

/* O_PATH fd of `path` resolved inside the root; symlinks (also a final one)
 * and ".." stay inside it. EAGAIN means the kernel saw a concurrent rename or
 * mount during resolution: try again. */
static int open_in_root(const char *path) {
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  for (int i = 0; i < 64; i++) {
    int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN) return fd;
  }
  return -1;
}

/* Like open_in_root, creating what is missing when create != 0: directories
 * (0755) for the missing components, and for the last one a directory
 * (create=1) or an empty file (create=2, 0644). A dangling symlink on the way
 * is followed (inside the root) and what it names is created. Each round
 * creates one component and starts over from the root. */
static int resolve(const char *path, int create) {
  char buf[PATH_MAX], link[PATH_MAX], name[NAME_MAX + 1];
  int links = 0;
  if (strlen(path) >= sizeof buf) return errno = ENAMETOOLONG, -1;
  strcpy(buf, path);
  for (int round = 0; round < 4096; round++) {
    int fd = open_in_root(buf);
    if (fd >= 0 || errno != ENOENT || !create) return fd;
    /* Walk the components to the first missing one; parent = what precedes it. */
    int parent = open_in_root("/");
    if (parent < 0) return -1;
    size_t s = 0, e = 0;
    for (;;) {
      for (s = e; buf[s] == '/'; s++) {}
      if (!buf[s]) break;                        /* all exist now (a race): retry */
      for (e = s; buf[e] && buf[e] != '/'; e++) {}
      char c = buf[e];
      buf[e] = 0;
      fd = open_in_root(buf);
      buf[e] = c;
      if (fd >= 0) { close(parent); parent = fd; continue; }
      if (errno != ENOENT) { int err = errno; close(parent); return errno = err, -1; }
      break;
    }
    if (!buf[s]) { close(parent); continue; }
    if (e - s > NAME_MAX) { close(parent); return errno = ENAMETOOLONG, -1; }
    memcpy(name, buf + s, e - s);
    name[e - s] = 0;
    size_t t = e;
    while (buf[t] == '/') t++;
    int last = !buf[t], r;
    if (!last || create == 1) {
      r = mkdirat(parent, name, 0755);
    } else {
      r = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
      if (r >= 0) r = close(r);
    }
    if (r < 0 && errno == EEXIST) {
      /* It exists yet did not resolve: a dangling symlink. Splice its target
       * into the path (absolute: from the root; relative: from its directory). */
      ssize_t n = readlinkat(parent, name, link, sizeof link - 1);
      int err = errno;
      close(parent);
      if (n < 0) { if (err == EINVAL) continue; return errno = err, -1; }   /* EINVAL: not a link, raced */
      if (++links > 40) return errno = ELOOP, -1;
      link[n] = 0;
      size_t keep = link[0] == '/' ? 0 : s, rest = strlen(buf + e);
      if (keep + (size_t)n + rest >= sizeof buf) return errno = ENAMETOOLONG, -1;
      memmove(buf + keep + n, buf + e, rest + 1);
      memcpy(buf + keep, link, (size_t)n);
      continue;
    }
    int err = errno;
    close(parent);
    if (r < 0) return errno = err, -1;
  }
  return errno = ELOOP, -1;
}

/* Splits `path` into its parent (resolved in root, created) and last name. */
static int open_parent(const char *path, char *name) {
  char buf[PATH_MAX];
  size_t len = strlen(path);
  if (len >= sizeof buf) return errno = ENAMETOOLONG, -1;
  memcpy(buf, path, len + 1);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = 0;
  char *slash = strrchr(buf, '/');
  char *base = slash ? slash + 1 : buf;
  if (strlen(base) > NAME_MAX) return errno = ENAMETOOLONG, -1;
  if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) return errno = EINVAL, -1;
  strcpy(name, base);
  if (slash == buf) slash[1] = 0;        /* parent is "/" */
  else if (slash) *slash = 0;
  else strcpy(buf, "/");
  return resolve(buf, 1);
}

/* ---- ops ---------------------------------------------------------------- */

#define ST_KEEP (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME)

/* The mount flags a remount must keep: the ST_* bits above equal the MS_* ones. */
static unsigned long kept_flags(int fd, const char *path) {
  struct statvfs sv;
  if ((fd >= 0 ? fstatvfs(fd, &sv) : statvfs(path, &sv)) < 0) die("statvfs", path);
  return sv.f_flag & ST_KEEP;
}

#define PROC_MAGIC 0x9fa0            /* PROC_SUPER_MAGIC */
#define PROC_ROOT_INO 1
#define MS_NOT_NEW (MS_REMOUNT | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* Whether fd is on a procfs; with root set, whether it is the root of one. */
static int on_procfs(int fd, int *root) {
  struct statfs sf;
  struct stat st;
  if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_MAGIC) return 0;
  if (root) *root = fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
  return 1;
}

/* Whether the plain path is the root of a procfs. */
static int is_procfs_root(const char *path) {
  int root = 0, fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return 0;
  int proc = on_procfs(fd, &root);
  close(fd);
  return proc && root;
}

/* A new mount whose target, once resolved, lies in a procfs (the class of
 * runc's checkProcMount: a mount there could hide a masked file, cover an
 * LSM attribute or unmask what a read-only /proc/sys protects). On the root
 * of a procfs only a fresh procfs or a bind of a procfs root may go; inside
 * one, only targets the runtime vouched for (inroot=2: lxcfs-style files). */
static void check_proc_target(const struct op *o, int fd, unsigned long flags, const char *target) {
  int root = 0;
  if (flags & MS_NOT_NEW || !on_procfs(fd, &root)) return;
  if (root) {
    if (!strcmp(o->strs[2].s, "proc") || (flags & MS_BIND && is_procfs_root(o->strs[0].s))) return;
    fail(EPERM, "mount: only a procfs may be mounted on /proc, not", o->strs[2].len ? o->strs[2].s : o->strs[0].s);
  }
  if (o->ints[2] != 2) fail(EPERM, "mount: the target is inside /proc:", target);
}

static void op_mount(const struct op *o) {
  const char *target = o->strs[1].s;
  unsigned long flags = (unsigned long)o->ints[0];
  char proc[64];
  int fd = -1;
  if (o->ints[2]) {                   /* in root: mount on /proc/self/fd/N */
    need_root();
    fd = resolve(target, (int)o->ints[1]);
    if (fd < 0) die("openat2", target);
    check_proc_target(o, fd, flags, target);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  }
  if (o->ints[3]) flags |= kept_flags(fd, target);
#define OPT(i) (o->strs[i].len ? o->strs[i].s : NULL)
  if (mount(OPT(0), fd >= 0 ? proc : target, OPT(2), flags, OPT(3)) < 0) die("mount", target);
  if (fd >= 0) close(fd);
}

/* Copies the tree under directory fd src into directory fd dst: files,
 * directories, symlinks and device nodes, with owner and mode. */
static void copy_tree(int src, int dst, const char *what, int depth) {
  if (depth > 128) fail(ELOOP, "tmpcopyup: too deep", what);
  int dup_src = fcntl(src, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup_src < 0 ? NULL : fdopendir(dup_src);
  if (!d) die("tmpcopyup: opendir", what);
  for (struct dirent *e; (errno = 0, e = readdir(d));) {
    const char *name = e->d_name;
    struct stat st;
    if (!strcmp(name, ".") || !strcmp(name, "..")) continue;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) die("tmpcopyup: fstatat", name);
    mode_t perm = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      if (mkdirat(dst, name, 0700) < 0) die("tmpcopyup: mkdirat", name);
      int s2 = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int d2 = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s2 < 0 || d2 < 0) die("tmpcopyup: open", name);
      copy_tree(s2, d2, name, depth + 1);
      close(s2);
      close(d2);
    } else if (S_ISREG(st.st_mode)) {
      int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (in < 0 || out < 0) die("tmpcopyup: open", name);
      for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
          char buf[65536];
          while ((n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n) die("tmpcopyup: write", name);
          if (n < 0) die("tmpcopyup: read", name);
          break;
        }
        if (n < 0) die("tmpcopyup: copy_file_range", name);
        if (n == 0) break;
      }
      close(in);
      close(out);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(src, name, target, sizeof target - 1);
      if (n < 0) die("tmpcopyup: readlinkat", name);
      target[n] = 0;
      if (symlinkat(target, dst, name) < 0) die("tmpcopyup: symlinkat", name);
    } else {
      if (mknodat(dst, name, st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0) die("tmpcopyup: mknodat", name);
    }
    if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL) die("tmpcopyup: fchownat", name);
    if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, perm, 0) < 0) die("tmpcopyup: fchmodat", name);
  }
  if (errno) die("tmpcopyup: readdir", what);
  closedir(d);
}

/* TMPCOPYUP: a tmpfs mounted at target (in root) that starts with a copy of
 * what the directory held: the directory is opened before the mount hides it,
 * and copied into the new tmpfs through that fd. */
static void op_tmpcopyup(const struct op *o) {
  const char *target = o->strs[0].s;
  char proc[64];
  struct stat st;
  need_root();
  int path = resolve(target, 1);
  if (path < 0) die("openat2", target);
  if (on_procfs(path, NULL)) fail(EPERM, "tmpcopyup: the target is inside /proc:", target);
  int under = openat(path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (under < 0 || fstat(under, &st) < 0) die("open", target);
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", path);
  if (mount("tmpfs", proc, "tmpfs", (unsigned long)o->ints[0], o->strs[1].len ? o->strs[1].s : NULL) < 0) die("mount", target);
  close(path);
  int top_path = resolve(target, 0);
  int top = top_path < 0 ? -1 : openat(top_path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top < 0) die("open", target);
  copy_tree(under, top, target, 0);
  if (fchown(top, st.st_uid, st.st_gid) < 0 || fchmod(top, st.st_mode & 07777) < 0) die("tmpcopyup: chown", target);
  close(top_path);
  close(top);
  close(under);
}

/* mount_setattr(AT_RECURSIVE) on the mount at target: the "r*" mount options. */
static void op_mount_setattr(const struct op *o) {
  const char *target = o->strs[0].s;
  struct mount_attr attr = { .attr_set = (uint64_t)o->ints[0], .attr_clr = (uint64_t)o->ints[1] };
  int fd;
  if (o->ints[2]) {
    need_root();
    fd = resolve(target, 0);
  } else {
    fd = open(target, O_PATH | O_CLOEXEC);
  }
  if (fd < 0) die(o->ints[2] ? "openat2" : "open", target);
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) die("mount_setattr", target);
  close(fd);
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452          /* Linux 6.6, the same number on every architecture */
#endif

/* MKNOD: the node at path, whatever the image put there: a node of the same
 * type (and device number) is kept, anything else but a directory is removed
 * (a symlink itself, never what it names) and the node made afresh. The
 * mode is given without the umask, and owner and mode are set through an
 * O_PATH fd of the node, so a symlink swapped in meanwhile is never followed. */
static void op_mknod(const struct op *o) {
  const char *path = o->strs[0].s;
  char name[NAME_MAX + 1], self[64];
  struct stat st;
  need_root();
  int dir = open_parent(path, name);
  if (dir < 0) die("openat2", path);
  mode_t mode = (mode_t)o->ints[0];
  dev_t dev = S_ISCHR(mode) || S_ISBLK(mode) ? makedev((unsigned)o->ints[1], (unsigned)o->ints[2]) : 0;
  mode_t mask = umask(0);
  int r = mknodat(dir, name, mode, dev), err = errno;
  if (r < 0 && err == EEXIST && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      !((st.st_mode & S_IFMT) == (mode & S_IFMT) && st.st_rdev == dev)) {
    /* strict (a device of linux.devices): the spec wants an error, not a replacement */
    if (o->nints > 5 && o->ints[5]) { umask(mask); fail(EEXIST, "mknodat: a file that is not this device is in the way:", path); }
    if (S_ISDIR(st.st_mode)) err = EISDIR;
    else if ((r = unlinkat(dir, name, 0)) == 0) r = mknodat(dir, name, mode, dev);
    if (r < 0 && err != EISDIR) err = errno;
  } else if (r < 0 && err == EEXIST) {
    r = 0;                                       /* the same node: kept */
  }
  umask(mask);
  if (r < 0) fail(err, err == EISDIR ? "mknodat (a directory is in the way)" : "mknodat", path);
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die("openat", path);
  if (fstat(fd, &st) < 0) die("fstat", path);
  if ((st.st_mode & S_IFMT) != (mode & S_IFMT) || st.st_rdev != dev) fail(EEXIST, "mknodat (replaced meanwhile)", path);
  if (fchownat(fd, "", (uid_t)o->ints[3], (gid_t)o->ints[4], AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) die("fchownat", path);
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  if (syscall(SYS_fchmodat2, fd, "", mode & 07777, AT_EMPTY_PATH) < 0 && (errno != ENOSYS || chmod(self, mode & 07777) < 0))
    die("fchmodat", path);
  close(fd);
  close(dir);
}

/* SYMLINK and MKDIR: create `name` in its in-root parent. An existing
 * directory is fine for both; for SYMLINK anything else that is not already
 * this very link (a file, a device, another link) is removed and the link
 * made afresh, so /dev/ptmx and friends are always what the runtime says. */
static void op_create(const struct op *o) {
  const char *path = o->strs[o->code == OP_SYMLINK ? 1 : 0].s;
  char name[NAME_MAX + 1];
  need_root();
  int dir = open_parent(path, name);
  if (dir < 0) {
    if (errno == EINVAL && o->code == OP_MKDIR) return;          /* "/" (or "..") exists */
    die("openat2", path);
  }
  if (o->code == OP_MKDIR) {
    if (mkdirat(dir, name, (mode_t)o->ints[0]) < 0 && errno != EEXIST) die("mkdirat", path);
    close(dir);
    return;
  }
  const char *target = o->strs[0].s;
  for (int tries = 0; symlinkat(target, dir, name) < 0; tries++) {
    char cur[PATH_MAX];
    struct stat st;
    if (errno != EEXIST || tries == 8) die("symlinkat", path);
    ssize_t n = readlinkat(dir, name, cur, sizeof cur - 1);
    if (n >= 0 && (size_t)n == strlen(target) && !memcmp(cur, target, (size_t)n)) break;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) break;
    if (unlinkat(dir, name, 0) < 0 && errno != ENOENT) die("unlinkat", path);
  }
  close(dir);
}

static void op_mask(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    die("stat", path);
  }
  if (S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                          : mount("/dev/null", path, NULL, MS_BIND, NULL)) die("mount", path);
}

static void op_readonly(const char *path) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    die("mount", path);
  }
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(-1, path);
  if (mount(NULL, path, NULL, flags, NULL) < 0) die("mount", path);
}

static void op_wait_start(void) {
  if (fifo_fd < 0) fail(EBADF, "no OPEN_FIFO before WAIT_START", NULL);
  int fl = fcntl(fifo_fd, F_GETFL);
  if (fl < 0 || fcntl(fifo_fd, F_SETFL, fl & ~O_NONBLOCK) < 0) die("fcntl", "fifo");
  /* A fifo opened before any writer polls readable only once a writer wrote
   * (or came and went); a read before that would see EOF at once. */
  struct pollfd p = { .fd = fifo_fd, .events = POLLIN };
  while (poll(&p, 1, -1) < 0)
    if (errno != EINTR) die("poll", "fifo");
  /* `start` writes the container's state and closes: read it to EOF. */
  char *buf = malloc(MAX_STATE);
  if (!buf) fail(ENOMEM, "malloc", "fifo");
  size_t got = 0;
  for (;;) {
    ssize_t n = read(fifo_fd, buf + got, MAX_STATE - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("read", "fifo");
    if (n == 0 || (got += (size_t)n) == MAX_STATE) break;
  }
  if (got == 0) fail(EPIPE, "read", "fifo closed without a byte");
  memcpy(new_hook_state((uint32_t)got), buf, got);
  free(buf);
  close(fifo_fd);
  fifo_fd = -1;
}

/* execvp's search, with the container's PATH; the result waits for EXEC. */
static void op_resolve_exec(const struct op *o) {
  const char *file = o->strs[0].s, *path = o->strs[1].len ? o->strs[1].s : DEFAULT_PATH;
  size_t flen = strlen(file);
  int eacces = 0;
  if (!flen) fail(ENOENT, "execvp", "\"\"");
  if (strchr(file, '/')) {                        /* a path: no search, but it must be there */
    struct stat st;
    if (flen >= sizeof exec_path) fail(ENAMETOOLONG, "execvp", file);
    if (stat(file, &st) < 0) die("execvp", file);
    if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) < 0) fail(EACCES, "execvp", file);
    memcpy(exec_path, file, flen + 1);
    return;
  }
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    size_t dlen = (size_t)(end - p);
    char cand[PATH_MAX];
    if (dlen + 1 + flen < sizeof cand) {
      if (dlen) memcpy(cand, p, dlen);
      else cand[dlen++] = '.';                    /* empty element: current directory */
      cand[dlen] = '/';
      memcpy(cand + dlen + 1, file, flen + 1);
      struct stat st;
      if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
        if (faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) == 0) {
          memcpy(exec_path, cand, strlen(cand) + 1);
          return;
        }
        eacces = 1;
      } else if (errno == EACCES) {
        eacces = 1;
      }
    }
    if (!*end) break;
    p = end;
  }
  fail(eacces ? EACCES : ENOENT, "execvp", file);
}

/* SECCOMP_LISTENER: the seccomp agent's socket, connected now (before
 * pivot_root: the path is the host's), the start of the container process
 * state it will get, and this process's pid as the runtime sees it (the
 * host's /proc is still mounted). SECCOMP with NEW_LISTENER sends the rest. */
static int listener_sock = -1;
static const char *listener_prefix;
static char listener_pid[24];

static void op_seccomp_listener(const struct op *o) {
  const char *path = o->strs[0].s;
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int pathfd = -1;
  if (o->strs[0].len < sizeof sa.sun_path) {
    memcpy(sa.sun_path, path, o->strs[0].len + 1);
  } else {                       /* too long for sun_path: through an O_PATH fd */
    if ((pathfd = open(path, O_PATH | O_CLOEXEC)) < 0) die("open", path);
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d", pathfd);
  }
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket", path);
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect", path);
  if (pathfd >= 0) close(pathfd);
  ssize_t n = readlink("/proc/self", listener_pid, sizeof listener_pid - 1);
  if (n <= 0) die("readlink", "/proc/self");
  listener_pid[n] = 0;
  if (listener_sock >= 0) close(listener_sock);
  listener_sock = s;
  listener_prefix = o->strs[1].s;
}

/* The container process state for the agent: prefix, pid, the container's
 * state JSON (from WAIT_START or an ACK), with the listener fd as
 * SCM_RIGHTS on the first bytes; then the connection is closed. */
static void send_listener(int fd) {
  if (!hook_state) fail(EINVAL, "seccomp listener:", "no container state yet (WAIT_START comes first)");
  size_t plen = strlen(listener_prefix), cap = plen + 48 + hook_state_len;
  char *msg = malloc(cap);
  if (!msg) fail(ENOMEM, "malloc", "seccomp listener");
  int n = snprintf(msg, cap, "%s,\"pid\":%s,\"state\":", listener_prefix, listener_pid);
  if (n < 0 || (size_t)n + hook_state_len + 1 > cap) fail(EINVAL, "seccomp listener:", "state too long");
  memcpy(msg + n, hook_state, hook_state_len);
  size_t len = (size_t)n + hook_state_len;
  msg[len++] = '}';
  if (send_all(listener_sock, msg, len, fd) < 0) die("sendmsg", "seccomp listener");
  free(msg);
  close(listener_sock);
  listener_sock = -1;
}

/* SECCOMP: loads the filter, as late as the plan puts it. The system calls
 * made after it are few: with a listener, sendmsg and close; then execve.
 * The EXEC message is not sent when the runtime has gone (after `create`
 * returned), so no sendmsg on the control socket meets the filter then. */
static void op_seccomp(const struct op *o) {
  struct sock_fprog prog = { .len = (unsigned short)(o->strs[0].len / 8), .filter = (struct sock_filter *)o->strs[0].s };
  unsigned flags = (unsigned)o->ints[0];
  int listener = flags & SECCOMP_FILTER_FLAG_NEW_LISTENER;
  if (listener && listener_sock < 0 && o->nints < 2) fail(EINVAL, "seccomp listener:", "no SECCOMP_LISTENER op ran");
  struct pollfd p = { .fd = ctl, .events = POLLRDHUP };
  if (poll(&p, 1, 0) > 0 && p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) ctl_gone = 1;
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (fd < 0) die("seccomp", NULL);
  if (listener) {
    if (listener_sock >= 0) send_listener((int)fd);
    else send_u32(M_NOTIFY, (uint32_t)o->ints[1], (int)fd);
    close((int)fd);
  }
}

/* KEYRING: a new session keyring named strs[0] (joined when one of that name
 * exists), with the permission bits ints[0] added. No keyrings (ENOSYS): nothing. */
static void op_keyring(const struct op *o) {
  const char *name = o->strs[0].s;
  long id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (id < 0) {
    if (errno == ENOSYS) return;
    die("keyctl JOIN_SESSION_KEYRING", name);
  }
  if (!o->ints[0]) return;
  char desc[512];                          /* "type;uid;gid;perm;description" */
  long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof desc - 1);
  if (n < 0) die("keyctl DESCRIBE", name);
  desc[n < (long)sizeof desc ? n : (long)sizeof desc - 1] = 0;
  char *p = desc;
  for (int i = 0; i < 3 && p; i++) if ((p = strchr(p, ';'))) p++;
  if (!p) fail(EINVAL, "keyctl DESCRIBE: unexpected answer for", name);
  unsigned long perm = strtoul(p, NULL, 16) | (unsigned long)o->ints[0];
  if (syscall(SYS_keyctl, KEYCTL_SETPERM, id, perm) < 0) die("keyctl SETPERM", name);
}

/* SCHED_ATTR: sched_setattr(0, ...) with policy, flags, nice, priority,
 * runtime, deadline, period; the struct is declared here, glibc may lack it. */
struct rq_sched_attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

static void op_sched_attr(const struct op *o) {
  const int64_t *n = o->ints;
  struct rq_sched_attr a = {
    .size = sizeof a, .policy = (uint32_t)n[0], .flags = (uint64_t)n[1], .nice = (int32_t)n[2],
    .priority = (uint32_t)n[3], .runtime = (uint64_t)n[4], .deadline = (uint64_t)n[5], .period = (uint64_t)n[6],
  };
  char num[32];
  snprintf(num, sizeof num, "policy %u", a.policy);
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) die("sched_setattr", num);
}

/* RUN_HOOK: the state is written into a pipe (grown to hold it) before the
 * fork, so the hook reading it or not never blocks us. An exec failure comes
 * back through a close-on-exec pipe. The hook runs in its own process group,
 * killed whole on timeout. */
static void op_run_hook(const struct op *o) {
  const char *path = o->strs[0].s;
  struct str given = o->strs[1];
  if (!given.len && hook_state) given = (struct str){ hook_state, hook_state_len };
  const struct str *state = &given;
  int in[2], ep[2], st, err;
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) die("pipe2", NULL);
  /* A pipe holds at least one page even when the user's pipe quota is spent. */
  if (state->len > 4096 && fcntl(in[1], F_SETPIPE_SZ, (int)state->len) < 0) die("fcntl F_SETPIPE_SZ", path);
  for (uint32_t off = 0; off < state->len;) {
    ssize_t n = write(in[1], state->s + off, state->len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("write", "hook state");
    off += (uint32_t)n;
  }
  close(in[1]);
  pid_t pid = fork();
  if (pid < 0) die("fork", path);
  if (pid == 0) {
    setpgid(0, 0);
    if (in[0] == 0 ? fcntl(0, F_SETFD, 0) == 0 : dup2(in[0], 0) == 0) {
      syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC);    /* only stdio reaches the hook */
      execve(path, o->lists[0].v, o->lists[1].v);
    }
    err = errno;
    if (write(ep[1], &err, sizeof err) < 0) _exit(127);
    _exit(127);
  }
  setpgid(pid, pid);
  close(in[0]);
  close(ep[1]);
  ssize_t n;
  do n = read(ep[0], &err, sizeof err); while (n < 0 && errno == EINTR);
  close(ep[0]);
  if (n == sizeof err) {
    waitpid(pid, &st, 0);
    fail(err, "execve", path);
  }
  if (o->ints[0] > 0) {
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0) die("pidfd_open", path);
    uint64_t deadline = now_ns() + (uint64_t)o->ints[0] * 1000000000u;
    struct pollfd p = { .fd = pfd, .events = POLLIN };
    for (uint64_t t; (t = now_ns()) < deadline;) {
      int r = poll(&p, 1, (int)((deadline - t) / 1000000u) + 1);
      if (r > 0) break;
      if (r < 0 && errno != EINTR) die("poll", path);
    }
    close(pfd);
    if (waitpid(pid, &st, WNOHANG) == 0) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      fail(ETIMEDOUT, "hook timed out:", path);
    }
  } else {
    while (waitpid(pid, &st, 0) < 0)
      if (errno != EINTR) die("waitpid", path);
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
  char why[48];
  if (WIFEXITED(st)) snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(st));
  else snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(st));
  fail(ECHILD, why, path);
}

/* CONSOLE: a pty from /dev/ptmx as this process sees it (after pivot_root or
 * joining the container's mount namespace: the container's own devpts). The
 * master goes to the runtime over the socket at fd ints[0] and is closed here
 * with that socket; the slave gets the size rows x cols (0 x 0: unchanged),
 * is bind-mounted on strs[0] when given (created as an empty file if missing),
 * becomes fds 0, 1 and 2 and the controlling terminal (needs SETSID before). */
static void op_console(const struct op *o) {
  int sock = (int)o->ints[0];
  const char *console = o->strs[0].len ? o->strs[0].s : NULL;
  int unlock = 0;
  unsigned int ptn;
  char pts[32];
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) die("open", "/dev/ptmx");
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) die("ioctl TIOCSPTLCK", "/dev/ptmx");
  if (ioctl(master, TIOCGPTN, &ptn) < 0) die("ioctl TIOCGPTN", "/dev/ptmx");
  snprintf(pts, sizeof pts, "/dev/pts/%u", ptn);
  /* TIOCGPTPEER opens the peer without a path lookup (Linux 4.13). */
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0 && (errno == EINVAL || errno == ENOTTY)) slave = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) die("open pty peer", pts);
  if (o->ints[1] || o->ints[2]) {
    struct winsize ws = { .ws_row = (unsigned short)o->ints[1], .ws_col = (unsigned short)o->ints[2] };
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0) die("ioctl TIOCSWINSZ", pts);
  }
  if (console) {
    struct stat st;
    if (lstat(console, &st) < 0) {
      int fd;
      if (errno != ENOENT || (fd = open(console, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600)) < 0) die("create", console);
      close(fd);
    }
    if (mount(pts, console, NULL, MS_BIND, NULL) < 0) die("mount", console);
  }
  /* a short name as the data, as runc and crun send on a console socket */
  if (send_all(sock, "/dev/ptmx", strlen("/dev/ptmx"), master) < 0) die("sendmsg", "console socket");
  close(master);
  close(sock);
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) die("dup2", pts);
  if (slave > 2) close(slave);
  if (ioctl(0, TIOCSCTTY, 0) < 0) die("ioctl TIOCSCTTY", pts);
}

/* CHDIR, then make sure the directory is inside this process's root: the
 * kernel's getcwd says "(unreachable)..." for one outside it (an inherited
 * host directory fd used as the cwd, the class of CVE-2024-21626). */
static void op_chdir(const char *path) {
  char cwd[PATH_MAX];
  /* Resolved from "/" inside the root, and never through a /proc magic link
   * (/proc/self/fd/N, /proc/PID/cwd or root): fchdir to what was found. */
  struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
  if (root < 0) die("open", "/");
  for (int i = 0; i < 64 && (fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how)) < 0 && errno == EAGAIN; i++) {}
  if (fd < 0) fail(errno, errno == ELOOP ? "chdir (a /proc magic link or too many symlinks)" : "chdir", path);
  if (fchdir(fd) < 0) die("chdir", path);
  close(fd);
  close(root);
  if (syscall(SYS_getcwd, cwd, sizeof cwd) < 0) {
    if (errno == ERANGE || errno == ENAMETOOLONG) return;       /* deeper than PATH_MAX, and resolved in root */
    die("getcwd after chdir", path);
  }
  if (cwd[0] != '/') fail(EPERM, "the working directory is outside the container's root:", path);
}

static void run_op(const struct op *o) {
  const int64_t *n = o->ints;
  const char *s0 = o->nstrs ? o->strs[0].s : NULL;
  char num[32];
  int fd;
  switch (o->code) {
  case OP_SETNS:
    if ((fd = open(s0, O_RDONLY | O_CLOEXEC)) < 0) die("open", s0);
    if (setns(fd, (int)n[0]) < 0) die("setns", s0);
    close(fd);
    break;
  case OP_UNSHARE: if (unshare((int)n[0]) < 0) die("unshare", NULL); break;
  case OP_SYNC: sync_with_runtime((uint32_t)n[0]); break;
  case OP_NOTIFY: send_u32(M_NOTIFY, (uint32_t)n[0], -1); break;
  case OP_FORK: {
    /* The parent reports the child's pid, says so through a pipe and exits.
     * The child goes on only after that byte and then EOF (the parent has
     * exited), so nothing it sends can overtake PID on the shared socket. */
    int gate[2];
    char c;
    ssize_t got;
    if (pipe2(gate, O_CLOEXEC) < 0) die("pipe2", NULL);
    pid_t pid = fork();
    if (pid < 0) die("fork", NULL);
    if (pid > 0) {
      send_u32(M_PID, (uint32_t)pid, -1);
      if (write(gate[1], "p", 1) < 0) _exit(1);
      _exit(0);
    }
    close(gate[1]);
    do got = read(gate[0], &c, 1); while (got < 0 && errno == EINTR);
    if (got != 1) _exit(1);             /* the parent died before reporting us */
    do got = read(gate[0], &c, 1); while (got < 0 && errno == EINTR);
    close(gate[0]);
    break;
  }
  case OP_SETRESUID: if (setresuid((uid_t)n[0], (uid_t)n[1], (uid_t)n[2]) < 0) die("setresuid", NULL); break;
  case OP_SETRESGID: if (setresgid((gid_t)n[0], (gid_t)n[1], (gid_t)n[2]) < 0) die("setresgid", NULL); break;
  case OP_SETGROUPS: {
    gid_t *g = xcalloc(o->nints, sizeof *g);
    for (uint32_t i = 0; i < o->nints; i++) g[i] = (gid_t)n[i];
    if (setgroups(o->nints, g) < 0) die("setgroups", NULL);
    free(g);
    break;
  }
  case OP_OPEN_ROOT:
    if (root_fd >= 0) close(root_fd);
    if ((root_fd = open(s0, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) die("open", s0);
    break;
  case OP_MOUNT: op_mount(o); break;
  case OP_TMPCOPYUP: op_tmpcopyup(o); break;
  case OP_AFFINITY:
    /* sched_setaffinity(2) of this process; the fork inherits it. */
    if (sched_setaffinity(0, o->strs[0].len, (cpu_set_t *)o->strs[0].s) < 0) die("sched_setaffinity", NULL);
    break;
  case OP_MEMPOLICY: {
    /* set_mempolicy(mode | flags, nodemask, maxnode): inherited across fork and execve. */
    unsigned long maxnode = o->strs[0].len ? (unsigned long)o->strs[0].len * 8 + 1 : 0;
    if (syscall(SYS_set_mempolicy, (int)n[0], o->strs[0].len ? (unsigned long *)o->strs[0].s : NULL, maxnode) < 0)
      die("set_mempolicy", NULL);
    break;
  }
  case OP_MKNOD: op_mknod(o); break;
  case OP_SYMLINK: case OP_MKDIR: op_create(o); break;
  case OP_WRITE_FILE: {
    if ((fd = open(s0, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0) die("open", s0);
    /* A file under /proc (sysctls, oom_score_adj, LSM attributes) must be on a
     * real procfs, not a file some mount put there (CVE-2019-16884). */
    if (!strncmp(s0, "/proc/", 6) && !on_procfs(fd, NULL)) fail(EPERM, "write: not on a procfs:", s0);
    ssize_t w = write(fd, o->strs[1].s, o->strs[1].len);
    if (w < 0) die("write", s0);
    if ((size_t)w != o->strs[1].len) fail(EIO, "short write", s0);
    close(fd);
    break;
  }
  case OP_PIVOT_ROOT: {
    need_root();
    /* The old root is held by a directory fd across pivot_root so that "."
     * can name it afterwards: its whole tree (copies of the host's mounts,
     * possibly peers of the host's) is made a slave before it is detached,
     * so the detach cannot unmount anything on the host. The new root and
     * the container's mounts keep the propagation the config gave them. */
    int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0) die("open", "/");
    if (fchdir(root_fd) < 0) die("fchdir", "root");
    if (syscall(SYS_pivot_root, ".", ".") < 0) die("pivot_root", NULL);
    if (fchdir(old_root) < 0) die("fchdir", "old root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) die("mount", "old root MS_SLAVE|MS_REC");
    if (umount2(".", MNT_DETACH) < 0) die("umount2", "old root");
    close(old_root);
    if (chdir("/") < 0) die("chdir", "/");
    break;
  }
  case OP_CHROOT:
    need_root();
    if (fchdir(root_fd) < 0) die("fchdir", "root");
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) die("mount", "MS_MOVE");
    if (chroot(".") < 0) die("chroot", NULL);
    if (chdir("/") < 0) die("chdir", "/");
    break;
  case OP_MASK: op_mask(s0); break;
  case OP_READONLY: op_readonly(s0); break;
  case OP_SETHOSTNAME: if (sethostname(s0, o->strs[0].len) < 0) die("sethostname", s0); break;
  case OP_SETDOMAINNAME: if (setdomainname(s0, o->strs[0].len) < 0) die("setdomainname", s0); break;
  case OP_CHDIR: op_chdir(s0); break;
  case OP_SETRLIMIT: {
    struct rlimit rl = { (rlim_t)n[1], (rlim_t)n[2] };   /* -1 is RLIM_INFINITY */
    snprintf(num, sizeof num, "%d", (int)n[0]);
    if (prlimit(0, (int)n[0], &rl, NULL) < 0) die("prlimit", num);
    break;
  }
  case OP_PRCTL:
    snprintf(num, sizeof num, "%d", (int)n[0]);
    if (prctl((int)n[0], (unsigned long)n[1], (unsigned long)n[2], (unsigned long)n[3], (unsigned long)n[4]) < 0)
      die("prctl", num);
    break;
  case OP_CAPSET: {
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    for (int i = 0; i < 2; i++) {
      d[i].effective = (uint32_t)((uint64_t)n[0] >> (32 * i));
      d[i].permitted = (uint32_t)((uint64_t)n[1] >> (32 * i));
      d[i].inheritable = (uint32_t)((uint64_t)n[2] >> (32 * i));
    }
    if (syscall(SYS_capset, &h, d) < 0) die("capset", NULL);
    break;
  }
  case OP_AMBIENT:
    for (int c = 0; c < 64; c++) {
      if (!((uint64_t)n[0] >> c & 1)) continue;
      snprintf(num, sizeof num, "cap %d", c);
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0UL, 0UL) < 0) die("prctl PR_CAP_AMBIENT_RAISE", num);
    }
    break;
  case OP_UMASK: umask((mode_t)n[0]); break;
  case OP_OPEN_FIFO:
    if (fifo_fd >= 0) close(fifo_fd);
    if ((fifo_fd = open(s0, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) die("open", s0);
    break;
  case OP_WAIT_START: op_wait_start(); break;
  case OP_CLOSE_FROM:
    if (syscall(SYS_close_range, (unsigned)n[0], ~0u, CLOSE_RANGE_CLOEXEC) < 0) die("close_range", NULL);
    break;
  case OP_RESOLVE_EXEC: op_resolve_exec(o); break;
  case OP_EXEC:
    if (!exec_path[0]) fail(EINVAL, "execve", "(no RESOLVE_EXEC before EXEC)");
    send_msg(M_EXEC, NULL, 0, -1);      /* from here on, EOF means the exec happened */
    execve(exec_path, o->lists[0].v, o->lists[1].v);
    die("execve", exec_path);
  case OP_SECCOMP: op_seccomp(o); break;
  case OP_SETSID: if (setsid() < 0) die("setsid", NULL); break;
  case OP_RUN_HOOK: op_run_hook(o); break;
  case OP_MOUNT_SETATTR: op_mount_setattr(o); break;
  case OP_CONSOLE: op_console(o); break;
  case OP_SECCOMP_LISTENER: op_seccomp_listener(o); break;
  case OP_PERSONALITY:
    snprintf(num, sizeof num, "0x%x", (unsigned)n[0]);
    if (personality((unsigned long)n[0]) < 0) die("personality", num);
    break;
  case OP_IOPRIO:
    snprintf(num, sizeof num, "class %d level %d", (int)(n[2] >> 13), (int)(n[2] & 7));
    if (syscall(SYS_ioprio_set, (int)n[0], (int)n[1], (int)n[2]) < 0) die("ioprio_set", num);
    break;
  case OP_SCHED_ATTR: op_sched_attr(o); break;
  case OP_KEYRING: op_keyring(o); break;
  case OP_SETNS_FD:
    snprintf(num, sizeof num, "fd %d", (int)n[0]);
    if (setns((int)n[0], (int)n[1]) < 0) die("setns", num);
    close((int)n[0]);
    break;
  }
}

/* ---- never run as the host's binary (CVE-2019-5736) --------------------- */

/* While the helper sets up a container, waits in `created` or enters one for
 * `exec`, it is a process of that container: /proc/PID/exe of it must not
 * lead to a writable host file (nor must /proc/self/exe, which a container
 * program can execute as "#!/proc/self/exe"). So the helper runs from a
 * sealed memfd copy of itself: the first time through it copies its
 * executable into a memfd, seals it against every change and re-executes
 * itself from it with the same argv and environment; the copy sees the seals
 * and goes on. The copy lives as long as a process runs it. */
#define EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static void run_from_sealed_copy(char **argv) {
  extern char **environ;
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) fail_at(NO_OP, errno, "protect the helper binary: open", "/proc/self/exe");
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & EXE_SEALS) == EXE_SEALS) {
    close(self);
    prctl(PR_SET_NAME, (unsigned long)"rongqi-init", 0UL, 0UL, 0UL);   /* not the fd number execveat gave */
    return;
  }
  struct stat st;
  if (fstat(self, &st) < 0) fail_at(NO_OP, errno, "protect the helper binary: fstat", "/proc/self/exe");
  /* MFD_EXEC: executable even where vm.memfd_noexec makes memfds noexec by default (Linux 6.3). */
  int mem = (int)syscall(SYS_memfd_create, "rongqi-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mem < 0 && errno == EINVAL) mem = (int)syscall(SYS_memfd_create, "rongqi-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0) fail_at(NO_OP, errno, "protect the helper binary: memfd_create", NULL);
  for (off_t off = 0; off < st.st_size;) {
    ssize_t n = sendfile(mem, self, &off, (size_t)(st.st_size - off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_at(NO_OP, n < 0 ? errno : EIO, "protect the helper binary: copy", "/proc/self/exe");
  }
  close(self);
  if (fcntl(mem, F_ADD_SEALS, EXE_SEALS) < 0) fail_at(NO_OP, errno, "protect the helper binary: seal", NULL);
  syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
  fail_at(NO_OP, errno, "protect the helper binary: execveat", "memfd");
}

int main(int argc, char **argv) {
  /* The control socket moves out of the way of stdio and preserved fds. */
  char *end;
  long arg = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || *end || arg < 3 || arg > INT_MAX) return 2;      /* nobody to tell */
  ctl = (int)arg;                                   /* for an ERROR from the next line */
  run_from_sealed_copy(argv);
  if ((ctl = fcntl((int)arg, F_DUPFD_CLOEXEC, CTL_MIN_FD)) >= 0) close((int)arg);
  else if (fcntl((int)arg, F_SETFD, FD_CLOEXEC) == 0) ctl = (int)arg;   /* RLIMIT_NOFILE <= 1000 */
  else return 2;

  prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
  /* Default dispositions, nothing blocked: Node ignores SIGPIPE and SIGXFSZ.
   * glibc refuses its two internal signals; those are never ignored. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  uint8_t h[8];
  if (read_full(h, 8) < 0) _exit(1);                                   /* runtime gone */
  uint32_t len = get32(h), type = get32(h + 4);
  if (type != M_PLAN || len < 4 || len - 4 > PLAN_MAX) malformed(NO_OP, "first message is not a PLAN of a sane length");
  uint8_t *buf = xcalloc(len - 4, 1);
  if (read_full(buf, len - 4) < 0) _exit(1);
  uint32_t nops;
  int trace;
  struct op *ops = parse_plan(buf, len - 4, &nops, &trace);
  free(buf);

  for (uint32_t i = 0; i < nops; i++) {
    uint64_t t0 = trace ? now_ns() : 0;
    cur = i;
    run_op(&ops[i]);
    if (trace) {
      uint8_t p[20];
      put32(p, i);
      put64(p + 4, t0);
      put64(p + 12, now_ns());
      send_msg(M_STEP, p, 20, -1);
    }
  }
  return 1;   /* not reached: the plan ends in EXEC, which execs or fails */
}
