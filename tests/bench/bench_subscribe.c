/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_subscribe: packets/s that pktd delivers to one subscriber of io.pktd.Capture.Subscribe from
 * a passed file, in the `layers` form (or another with --output), measured at the subscriber.
 *
 * The call goes out with the file's descriptor on its first byte (SCM_RIGHTS, as libpktclient's
 * pktc_call_fds() sends it) and the replies are read straight off the socket and only counted
 * (NUL-terminated frames), so that the figure is pktd's and not a JSON parser's in the client
 * (libpktclient starts and checks pktd). The stream must end with totals whose packet count
 * equals the frames received (no loss) and, when --expect N is given, N. Then `pktctl read --json
 * FILE > /dev/null` is timed in the same run, and the ratio printed: the daemon path against the
 * same dissection and JSON written by one local process to /dev/null.
 *
 * pktd: the one at $PKTD_SOCKET, or the one built beside this (PKTD_BINARY_PATH, --pktd PATH)
 * started on a private socket and stopped at the end.
 *
 * Also printed: packets per CPU-second of pktd itself (from /proc/PID/stat, when this program
 * started pktd), the rate one core would give whatever else the machine runs.
 *
 * Usage: bench_subscribe [--pktd PATH] [--pktctl PATH] [--output FORM] [--expect N] FILE
 * (BENCH_ROUNDS rounds, default 3, median printed)
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "bench_pktd.h"

#ifndef PKTD_BINARY_PATH
#define PKTD_BINARY_PATH "pktd"
#endif
#ifndef PKTCTL_BINARY_PATH
#define PKTCTL_BINARY_PATH "pktctl"
#endif

/* The longest pause in a stream: longer means pktd is stuck, not slow. */
#define STALL_TIMEOUT_MS 20000
/* The last frames are kept to read the totals from. */
#define TAIL_MAX 4096

static double
now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

/* The subscriber's socket. libpktclient is not used for the stream itself: pktc_process() reads
 * and parses replies as it sends, and a JSON parser in the client would be the figure instead of
 * pktd. */
static int
sub_connect(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (strlen(path) >= sizeof(sa.sun_path)) {
                close(fd);
                return -ENAMETOOLONG;
        }
        strcpy(sa.sun_path, path);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int e = -errno;

                close(fd);
                return e;
        }
        return fd;
}

/* Sends the Subscribe call with @file_fd on its first byte, as pktc_call_fds() does. */
static int
sub_send(int sfd, const char *params, int file_fd)
{
        char frame[256];
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct cmsghdr *cm;
        int n = snprintf(frame, sizeof(frame),
                         "{\"method\":\"io.pktd.Capture.Subscribe\",\"parameters\":%s,"
                         "\"more\":true}",
                         params);

        if (n < 0 || (size_t)n >= sizeof(frame))
                return -EMSGSIZE;
        iov.iov_base = frame;
        iov.iov_len = (size_t)n + 1;
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &file_fd, sizeof(int));
        return sendmsg(sfd, &mh, MSG_NOSIGNAL) == (ssize_t)iov.iov_len ? 0 : -errno;
}

/* One subscription of @file. Returns packets/s, or < 0; the packet count in *@ret_packets. */
static double
run_once(const char *sock, const char *file, const char *output, unsigned long long *ret_packets)
{
        static char buf[1 << 20];
        char params[128], tail[TAIL_MAX];
        unsigned long long frames = 0, totals_packets = 0;
        size_t tail_len = 0;
        double t0, t1;
        const char *p;
        int fd, sfd, r;

        fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "bench_subscribe: %s: %s\n", file, strerror(errno));
                return -1;
        }
        sfd = sub_connect(sock);
        if (sfd < 0) {
                fprintf(stderr, "bench_subscribe: connect: %s\n", strerror(-sfd));
                close(fd);
                return -1;
        }
        snprintf(params, sizeof(params), "{\"fileDescriptor\":0,\"output\":\"%s\"}", output);
        t0 = now();
        r = sub_send(sfd, params, fd);
        close(fd);
        if (r < 0) {
                fprintf(stderr, "bench_subscribe: call: %s\n", strerror(-r));
                close(sfd);
                return -1;
        }
        for (;;) {
                struct pollfd pfd = { .fd = sfd, .events = POLLIN };
                ssize_t n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);

                if (n < 0 && errno == EAGAIN) {
                        if (poll(&pfd, 1, STALL_TIMEOUT_MS) <= 0) {
                                fprintf(stderr, "bench_subscribe: the stream stalled\n");
                                close(sfd);
                                return -1;
                        }
                        continue;
                }
                if (n <= 0)
                        break;
                for (const char *q = buf; (q = memchr(q, '\0', (size_t)(buf + n - q))); q++)
                        frames++;
                /* keep the last bytes: the totals frame is at the end */
                if ((size_t)n >= sizeof(tail)) {
                        memcpy(tail, buf + n - sizeof(tail), sizeof(tail));
                        tail_len = sizeof(tail);
                } else {
                        size_t keep = sizeof(tail) - (size_t)n;

                        if (keep > tail_len)
                                keep = tail_len;
                        memmove(tail, tail + tail_len - keep, keep);
                        memcpy(tail + keep, buf, (size_t)n);
                        tail_len = keep + (size_t)n;
                }
                if (tail_len && tail[tail_len - 1] == '\0' &&
                    memmem(tail, tail_len, "\"totals\"", 8))
                        break;
        }
        t1 = now();
        close(sfd);
        p = memmem(tail, tail_len, "\"totals\":{\"packets\":", 20);
        if (!p || tail_len == 0 || tail[tail_len - 1] != '\0') {
                fprintf(stderr, "bench_subscribe: the stream did not end with totals\n");
                return -1;
        }
        totals_packets = strtoull(p + 20, NULL, 10);
        /* frames = ack + packets + drops replies + totals; drops never come from a file */
        if (frames != totals_packets + 2) {
                fprintf(stderr, "bench_subscribe: %llu frames for %llu packets\n", frames,
                        totals_packets);
                return -1;
        }
        *ret_packets = totals_packets;
        return (double)totals_packets / (t1 - t0);
}

/* CPU seconds (user + system) process @pid has used, or -1. */
static double
cpu_seconds(pid_t pid)
{
        char path[64], buf[1024], *p;
        unsigned long long ut, st;
        FILE *f;
        size_t n;

        if (pid <= 0)
                return -1;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return -1;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        p = strrchr(buf, ')'); /* the command name may hold spaces */
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
                         &st) != 2)
                return -1;
        return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Seconds `pktctl read --json FILE > /dev/null` takes. */
static double
time_pktctl(const char *pktctl, const char *file)
{
        double t0 = now();
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

                if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
                        _exit(127);
                execl(pktctl, "pktctl", "read", "--json", file, (char *)NULL);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return -1;
        return now() - t0;
}

int
main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "pktd", required_argument, NULL, 'd' },
                { "pktctl", required_argument, NULL, 'c' },
                { "output", required_argument, NULL, 'o' },
                { "expect", required_argument, NULL, 'e' },
                { NULL, 0, NULL, 0 },
        };
        const char *pktd = PKTD_BINARY_PATH, *pktctl = PKTCTL_BINARY_PATH, *output = "layers";
        const char *sock = getenv("PKTD_SOCKET"), *env = getenv("BENCH_ROUNDS");
        unsigned long long expect = 0, packets = 0;
        int rounds = env ? atoi(env) : 3, opt, rc = 1;
        double rates[16], ratios[16], cpu_rates[16], secs, cpu0;
        struct bench_pktd d = { 0 };

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        pktd = optarg;
                        break;
                case 'c':
                        pktctl = optarg;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'e':
                        expect = strtoull(optarg, NULL, 10);
                        break;
                default:
                        return 2;
                }
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "usage: bench_subscribe [--pktd PATH] [--pktctl PATH] "
                                "[--output FORM] [--expect N] FILE\n");
                return 2;
        }
        if (rounds < 1 || rounds > 16)
                rounds = 3;
        signal(SIGPIPE, SIG_IGN);
        if (!sock || !*sock) {
                int r = bench_pktd_start(&d, pktd, "sub", NULL);

                if (r < 0) {
                        fprintf(stderr, "bench_subscribe: starting %s: %s\n", pktd, strerror(-r));
                        bench_pktd_stop(&d);
                        return 1;
                }
                sock = d.sock;
        }
        for (int i = 0; i < rounds; i++) {
                cpu0 = cpu_seconds(d.pid);
                rates[i] = run_once(sock, argv[optind], output, &packets);
                if (rates[i] < 0)
                        goto out;
                /* pktd's own CPU time: the rate "on one core", whatever else the machine runs */
                cpu_rates[i] = cpu0 >= 0 && cpu_seconds(d.pid) > cpu0
                                       ? (double)packets / (cpu_seconds(d.pid) - cpu0)
                                       : 0;
                if (expect && packets != expect) {
                        fprintf(stderr, "bench_subscribe: %llu packets, expected %llu\n", packets,
                                expect);
                        goto out;
                }
                secs = time_pktctl(pktctl, argv[optind]);
                ratios[i] = secs > 0 ? rates[i] / ((double)packets / secs) : 0;
                printf("round %d: %.0f packets/s (%llu packets, %s), %.0f per pktd CPU-second, "
                       "pktctl read --json %.0f packets/s, ratio %.2f\n",
                       i + 1, rates[i], packets, output, cpu_rates[i],
                       secs > 0 ? (double)packets / secs : 0, ratios[i]);
        }
        qsort(rates, (size_t)rounds, sizeof(double), cmp_double);
        qsort(ratios, (size_t)rounds, sizeof(double), cmp_double);
        qsort(cpu_rates, (size_t)rounds, sizeof(double), cmp_double);
        printf("subscribe %s: %.0f packets/s (median of %d), %.0f packets per pktd CPU-second, "
               "%.2fx pktctl read --json\n",
               output, rates[rounds / 2], rounds, cpu_rates[rounds / 2], ratios[rounds / 2]);
        rc = 0;
out:
        bench_pktd_stop(&d);
        return rc;
}
