/*
 * pkload: the sink and the load generator of bench/run, in one small C program so that neither
 * limits a tunnel doing 1 GB/s on loopback. bench/run builds it with gcc into a temporary folder.
 *
 * Protocol (client -> sink), first byte chooses:
 *   'e'            the sink echoes this byte, then everything else, until EOF
 *   'U' <u64 len>  the sink reads len bytes, then answers one byte 'k'
 *   'D' <u64 len>  the sink writes len bytes, then shuts its output
 *
 * Commands (each prints one JSON object on stdout):
 *   pkload serve PORT                     sink on 127.0.0.1:PORT, one thread per connection
 *   pkload up|down PORT BYTES STREAMS     BYTES in total over STREAMS parallel connections
 *   pkload seq PORT COUNT                 COUNT times: connect, 1-byte echo, close
 *   pkload idle PORT COUNT HOLD_MS PID    open COUNT echo connections, hold, read PID's VmRSS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static int port;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "pkload: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  return fd;
}

/* ---- sink ---- */

static void drain_to_eof(int fd) {
  char b[4096];
  while (read(fd, b, sizeof b) > 0) {
  }
}

static void *serve_one(void *arg) {
  int fd = (int)(intptr_t)arg;
  char mode;
  uint64_t len;
  static char zeros[CHUNK];
  if (read_all(fd, &mode, 1) < 0) goto out;
  if (mode == 'e') {
    char b[4096];
    ssize_t n;
    if (write_all(fd, &mode, 1) < 0) goto out;
    while ((n = read(fd, b, sizeof b)) > 0) {
      if (write_all(fd, b, (size_t)n) < 0) break;
    }
  } else if (mode == 'U') {
    char *b = malloc(CHUNK);
    if (read_all(fd, &len, 8) == 0) {
      while (len > 0) {
        ssize_t n = read(fd, b, len < CHUNK ? len : CHUNK);
        if (n <= 0) break;
        len -= (uint64_t)n;
      }
      if (len == 0 && write_all(fd, "k", 1) == 0) drain_to_eof(fd);
    }
    free(b);
  } else if (mode == 'D') {
    if (read_all(fd, &len, 8) == 0) {
      while (len > 0) {
        size_t n = len < CHUNK ? len : CHUNK;
        if (write_all(fd, zeros, n) < 0) break;
        len -= n;
      }
      shutdown(fd, SHUT_WR);
      drain_to_eof(fd);
    }
  }
out:
  close(fd);
  return NULL;
}

static int serve(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(s, 4096) < 0) die("listen");
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 128 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  printf("{\"ready\": %d}\n", port);
  fflush(stdout);
  for (;;) {
    int fd = accept(s, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      die("accept");
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t;
    if (pthread_create(&t, &attr, serve_one, (void *)(intptr_t)fd) != 0) close(fd);
  }
  return 0;
}

/* ---- bulk transfer ---- */

struct stream {
  char mode;
  uint64_t len;
  int ok;
  uint64_t got; /* bytes received (download) or acknowledged (upload) */
};

static void *run_stream(void *arg) {
  struct stream *s = arg;
  int fd = dial();
  char hdr[9];
  hdr[0] = s->mode;
  memcpy(hdr + 1, &s->len, 8);
  char *b = calloc(1, CHUNK);
  if (write_all(fd, hdr, 9) < 0) goto out;
  if (s->mode == 'U') {
    uint64_t left = s->len;
    while (left > 0) {
      size_t n = left < CHUNK ? left : CHUNK;
      if (write_all(fd, b, n) < 0) goto out;
      left -= n;
    }
    char k;
    s->ok = read_all(fd, &k, 1) == 0 && k == 'k';
    s->got = s->ok ? s->len : 0;
  } else {
    uint64_t got = 0;
    ssize_t n;
    while ((n = read(fd, b, CHUNK)) > 0) got += (uint64_t)n;
    s->got = got;
    s->ok = got == s->len;
  }
out:
  free(b);
  close(fd);
  return NULL;
}

static int bulk(char mode, uint64_t bytes, int streams) {
  pthread_t t[streams];
  struct stream s[streams];
  double t0 = now();
  for (int i = 0; i < streams; i++) {
    s[i] = (struct stream){mode, bytes / streams, 0, 0};
    pthread_create(&t[i], NULL, run_stream, &s[i]);
  }
  int ok = 1, failed = 0;
  uint64_t got = 0;
  for (int i = 0; i < streams; i++) {
    pthread_join(t[i], NULL);
    ok &= s[i].ok;
    failed += !s[i].ok;
    got += s[i].got;
  }
  double secs = now() - t0;
  uint64_t moved = (bytes / streams) * streams;
  printf("{\"ok\": %s, \"bytes\": %llu, \"received\": %llu, \"failed_streams\": %d, \"seconds\": %.6f, "
         "\"mb_per_s\": %.2f}\n",
         ok ? "true" : "false", (unsigned long long)moved, (unsigned long long)got, failed, secs, moved / secs / 1e6);
  return ok ? 0 : 1;
}

/* ---- sequential short connections ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int seq(int count) {
  double *lat = malloc(sizeof(double) * count);
  int failed = 0;
  double t0 = now();
  for (int i = 0; i < count; i++) {
    double s = now();
    int fd = dial();
    char c = 'e';
    if (write_all(fd, &c, 1) < 0 || read_all(fd, &c, 1) < 0 || c != 'e') failed++;
    close(fd);
    lat[i] = now() - s;
  }
  double total = now() - t0;
  const char *dump = getenv("PKLOAD_SEQ_DUMP"); /* every latency in order, for a closer look */
  if (dump) {
    FILE *f = fopen(dump, "w");
    for (int i = 0; f && i < count; i++) fprintf(f, "%.1f\n", lat[i] * 1e6);
    if (f) fclose(f);
  }
  qsort(lat, count, sizeof(double), cmp_double);
  int p99 = (int)(0.99 * count + 0.5) - 1;
  if (p99 < 0) p99 = 0;
  printf("{\"ok\": %s, \"count\": %d, \"failed\": %d, \"median_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f, "
         "\"conn_per_s\": %.1f}\n",
         failed ? "false" : "true", count, failed, lat[count / 2] * 1e6, lat[p99] * 1e6, lat[count - 1] * 1e6,
         count / total);
  free(lat);
  return failed ? 1 : 0;
}

/* ---- idle connections ---- */

static long rss_kib(int pid) {
  char path[64], line[256];
  long kib = -1;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  }
  fclose(f);
  return kib;
}

static int idle(int count, int hold_ms, int pid) {
  int *fds = malloc(sizeof(int) * count);
  int failed = 0;
  long before = rss_kib(pid);
  double t0 = now();
  for (int i = 0; i < count; i++) {
    fds[i] = dial();
    char c = 'e';
    if (write_all(fds[i], &c, 1) < 0 || read_all(fds[i], &c, 1) < 0) failed++;
  }
  double opened = now() - t0;
  usleep(hold_ms * 1000);
  long after = rss_kib(pid);
  for (int i = 0; i < count; i++) close(fds[i]);
  printf("{\"ok\": %s, \"count\": %d, \"failed\": %d, \"open_seconds\": %.3f, \"rss_before_kib\": %ld, "
         "\"rss_after_kib\": %ld, \"kib_per_conn\": %.2f}\n",
         failed ? "false" : "true", count, failed, opened, before, after, (after - before) / (double)count);
  free(fds);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 3) {
    fprintf(stderr, "usage: pkload serve|up|down|seq|idle PORT ...\n");
    return 2;
  }
  port = atoi(argv[2]);
  const char *cmd = argv[1];
  if (!strcmp(cmd, "serve")) return serve();
  if ((!strcmp(cmd, "up") || !strcmp(cmd, "down")) && argc == 5)
    return bulk(cmd[0] == 'u' ? 'U' : 'D', strtoull(argv[3], NULL, 10), atoi(argv[4]));
  if (!strcmp(cmd, "seq") && argc == 4) return seq(atoi(argv[3]));
  if (!strcmp(cmd, "idle") && argc == 6) return idle(atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
  fprintf(stderr, "pkload: bad arguments for %s\n", cmd);
  return 2;
}
