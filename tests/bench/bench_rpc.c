/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_rpc: round trips per second through pktd, over libpktclient.
 *
 *   Build    {"spec":"ip(dst=192.0.2.2)/icmp(type=8)/echo(id=N,seq=M)"}  -> 28 bytes + their dissection
 *   Dissect  {"data":"<those 28 bytes>","first":"ip"}                     -> the dissection
 *
 * each measured over one connection (call, wait for the reply, next call) and over CONNS connections
 * driven by one poll loop with one call in flight per connection. Every reply is checked (no error,
 * the expected length or layer), so a fast wrong answer cannot count.
 *
 * It talks to the pktd at $PKTD_SOCKET when that is set; otherwise it starts the pktd built beside it
 * (PKTD_BINARY_PATH, or --pktd PATH) on a socket in a temporary directory, with a config that lets
 * this user in, and stops it (SIGTERM) at the end.
 *
 * Usage: bench_rpc [--pktd PATH] [--seconds S] [--conns N]   (BENCH_ROUNDS rounds, median printed)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "bench_pktd.h"

#ifndef PKTD_BINARY_PATH
#define PKTD_BINARY_PATH "pktd"
#endif

/* Connections of the parallel measurement: the issue asks for 8. Why a bound: one pollfd array. */
#define CONNS_MAX 64
/* Longest single reply wait: a reply this late means pktd is stuck, not slow. */
#define REPLY_TIMEOUT_MS 10000

enum op { OP_BUILD, OP_DISSECT };

static char data_b64[64]; /* the built packet, base64, for Dissect */

static int
cmp_double(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

static void
make_params(enum op op, unsigned long n, char *buf, size_t size)
{
        if (op == OP_BUILD)
                snprintf(buf, size, "{\"spec\":\"ip(dst=192.0.2.2)/icmp(type=8)/echo(id=%lu,seq=%lu)\"}",
                         n & 0xffff, (n >> 16) & 0xffff);
        else
                snprintf(buf, size, "{\"data\":\"%s\",\"first\":\"ip\"}", data_b64);
}

static const char *
method_of(enum op op)
{
        return op == OP_BUILD ? "io.pktd.Packet.Build" : "io.pktd.Packet.Dissect";
}

/* Whether @r is a correct answer to @op: no error, and the part of the answer that proves the work. */
static bool
reply_ok(enum op op, const struct pktc_reply *r)
{
        if (r->error) {
                fprintf(stderr, "bench_rpc: %s failed: %s: %s\n", method_of(op), r->error,
                        r->message ? r->message : "");
                return false;
        }
        if (op == OP_BUILD)
                return strstr(r->parameters, "\"length\":28") != NULL;
        return strstr(r->parameters, "\"layer\":\"echo\"") != NULL;
}

/* Copies Build's "data" (base64, JSON-escaped "\/" undone) into data_b64. */
static int
take_data(const char *params)
{
        const char *p = strstr(params, "\"data\":\"");
        size_t n = 0;

        if (!p)
                return -EBADMSG;
        for (p += 8; *p && *p != '"'; p++) {
                if (*p == '\\')
                        continue;
                if (n + 1 >= sizeof(data_b64))
                        return -EMSGSIZE;
                data_b64[n++] = *p;
        }
        data_b64[n] = '\0';
        return *p == '"' ? 0 : -EBADMSG;
}

/* Sequential round trips on one connection for @seconds. Returns calls/s, or a negative value. */
static double
run_sequential(const char *sock, enum op op, double seconds)
{
        struct pktc *c = NULL;
        char params[256];
        unsigned long n = 0;
        double t0, t;
        int r;

        r = pktc_connect(sock, &c);
        if (r < 0) {
                fprintf(stderr, "bench_rpc: connect %s: %s\n", sock, strerror(-r));
                return -1;
        }
        t0 = bench_pktd_now();
        do {
                struct pktc_reply rep = { 0 };
                bool ok;

                make_params(op, n, params, sizeof(params));
                r = pktc_call_sync(c, method_of(op), params, &rep);
                if (r < 0) {
                        fprintf(stderr, "bench_rpc: %s: %s\n", method_of(op), strerror(-r));
                        pktc_free(c);
                        return -1;
                }
                ok = reply_ok(op, &rep);
                pktc_reply_done(&rep);
                if (!ok) {
                        pktc_free(c);
                        return -1;
                }
                n++;
                t = bench_pktd_now();
        } while (t - t0 < seconds);
        pktc_free(c);
        return (double) n / (t - t0);
}

static int
queue_call(struct pktc *c, enum op op, unsigned long n)
{
        char params[256];

        make_params(op, n, params, sizeof(params));
        return pktc_call(c, method_of(op), params, 0);
}

/* @nconns connections, one call in flight on each, one poll loop, for @seconds. calls/s or < 0. */
static double
run_parallel(const char *sock, enum op op, unsigned nconns, double seconds)
{
        struct pktc *c[CONNS_MAX] = { NULL };
        struct pollfd pfd[CONNS_MAX];
        unsigned long n = 0, inflight = 0;
        double t0, t, rate = -1;
        bool stopping = false;
        unsigned i;
        int r;

        for (i = 0; i < nconns; i++) {
                r = pktc_connect(sock, &c[i]);
                if (r < 0) {
                        fprintf(stderr, "bench_rpc: connect %s: %s\n", sock, strerror(-r));
                        goto out;
                }
        }
        t0 = bench_pktd_now();
        for (i = 0; i < nconns; i++) {
                if (queue_call(c[i], op, n + i) < 0)
                        goto out;
                inflight++;
        }
        while (inflight > 0) {
                for (i = 0; i < nconns; i++) {
                        pfd[i].fd = pktc_get_fd(c[i]);
                        pfd[i].events = pktc_get_events(c[i]);
                        pfd[i].revents = 0;
                }
                r = poll(pfd, nconns, REPLY_TIMEOUT_MS);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        fprintf(stderr, "bench_rpc: no reply within %d ms\n", REPLY_TIMEOUT_MS);
                        goto out;
                }
                for (i = 0; i < nconns; i++) {
                        struct pktc_reply rep = { 0 };
                        bool ok;

                        if (!pfd[i].revents)
                                continue;
                        r = pktc_process(c[i]);
                        if (r < 0) {
                                fprintf(stderr, "bench_rpc: connection %u: %s\n", i, strerror(-r));
                                goto out;
                        }
                        while (pktc_reply_next(c[i], &rep) == 0) {
                                ok = reply_ok(op, &rep);
                                pktc_reply_done(&rep);
                                if (!ok)
                                        goto out;
                                n++;
                                inflight--;
                                if (!stopping && bench_pktd_now() - t0 >= seconds)
                                        stopping = true;
                                if (!stopping) {
                                        if (queue_call(c[i], op, n + nconns) < 0)
                                                goto out;
                                        inflight++;
                                }
                        }
                }
        }
        t = bench_pktd_now();
        rate = (double) n / (t - t0);
out:
        for (i = 0; i < nconns; i++)
                pktc_free(c[i]);
        return rate;
}

static int
prepare_data(const char *sock)
{
        struct pktc *c = NULL;
        struct pktc_reply rep = { 0 };
        int r;

        r = pktc_connect(sock, &c);
        if (r < 0)
                return r;
        r = pktc_call_sync(c, "io.pktd.Packet.Build",
                           "{\"spec\":\"ip(dst=192.0.2.2)/icmp(type=8)/echo(id=1,seq=1)\"}", &rep);
        if (r == 0)
                r = rep.error ? -EBADMSG : take_data(rep.parameters);
        pktc_reply_done(&rep);
        pktc_free(c);
        return r;
}

static double
median_of(double *v, unsigned n)
{
        qsort(v, n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* CPU seconds (user + system) @pid has used, from /proc/PID/stat; < 0 when unknown. */
static double
cpu_seconds(pid_t pid)
{
        unsigned long ut, st;
        char path[64], buf[1024], *p;
        ssize_t n;
        int fd;

        if (pid <= 0)
                return -1;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof(buf) - 1);
        (void) close(fd);
        if (n <= 0)
                return -1;
        buf[n] = '\0';
        /* The command name may hold spaces and parentheses: fields count from the last ')'. */
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
                return -1;
        return (double) (ut + st) / (double) sysconf(_SC_CLK_TCK);
}

static int
bench_all(const char *sock, pid_t pktd, double seconds, unsigned nconns, unsigned rounds)
{
        static const struct {
                const char *name;
                enum op op;
                bool parallel;
        } runs[] = {
                { "Build, 1 connection", OP_BUILD, false },
                { "Dissect, 1 connection", OP_DISSECT, false },
                { "Build, N connections", OP_BUILD, true },
                { "Dissect, N connections", OP_DISSECT, true },
        };
        double v[4][32], cpu[4] = { 0 }, calls[4] = { 0 };

        for (unsigned k = 0; k < rounds; k++) {
                /* Each round takes every measurement once, so load changes hit all of them alike. */
                for (unsigned i = 0; i < 4; i++) {
                        double c0 = cpu_seconds(pktd), t0 = bench_pktd_now(), rate;

                        rate = runs[i].parallel ? run_parallel(sock, runs[i].op, nconns, seconds)
                                                : run_sequential(sock, runs[i].op, seconds);
                        if (rate < 0)
                                return -1;
                        v[i][k] = rate;
                        cpu[i] += cpu_seconds(pktd) - c0;
                        calls[i] += rate * (bench_pktd_now() - t0);
                }
        }
        for (unsigned i = 0; i < 4; i++) {
                char name[64];
                double m = median_of(v[i], rounds);

                if (runs[i].parallel)
                        snprintf(name, sizeof(name), "%s, %u connections",
                                 runs[i].op == OP_BUILD ? "Build" : "Dissect", nconns);
                else
                        snprintf(name, sizeof(name), "%s", runs[i].name);
                printf("%-28s %8.0f calls/s  (median of %u x %.1f s)", name, m, rounds, seconds);
                /* pktd's own CPU per call (clock ticks over all rounds): what the daemon costs, apart
                 * from this client's share of the machine. */
                if (pktd > 0)
                        printf("  pktd CPU %.1f us/call", cpu[i] / calls[i] * 1e6);
                printf("\n");
        }
        return 0;
}

int
main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "pktd", required_argument, NULL, 'p' },
                { "seconds", required_argument, NULL, 's' },
                { "conns", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *binary = PKTD_BINARY_PATH, *sock = getenv("PKTD_SOCKET"), *s;
        struct bench_pktd d = { .pid = 0 };
        double seconds = 1.0;
        unsigned nconns = 8, rounds = 3;
        int o, r;

        while ((o = getopt_long(argc, argv, "p:s:c:h", opts, NULL)) >= 0) {
                switch (o) {
                case 'p':
                        binary = optarg;
                        break;
                case 's':
                        seconds = strtod(optarg, NULL);
                        break;
                case 'c':
                        nconns = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                default:
                        fprintf(stderr, "Usage: %s [--pktd PATH] [--seconds S] [--conns N]\n"
                                        "Talks to $PKTD_SOCKET when set, else starts PATH (default %s).\n"
                                        "BENCH_ROUNDS rounds (default 3), the median is printed.\n",
                                argv[0], PKTD_BINARY_PATH);
                        return o == 'h' ? 0 : 2;
                }
        }
        s = getenv("BENCH_ROUNDS");
        if (s && *s)
                rounds = (unsigned) strtoul(s, NULL, 10);
        if (rounds < 1 || rounds > 32 || nconns < 1 || nconns > CONNS_MAX || !(seconds > 0)) {
                fprintf(stderr, "bench_rpc: rounds 1..32, conns 1..%d, seconds > 0\n", CONNS_MAX);
                return 2;
        }
        if (!sock || !*sock) {
                /* Enough connections for the parallel measurement. */
                r = bench_pktd_start(&d, binary, "rpc",
                                     "[limits]\nconnections = 256\nconnectionsPerUid = 128\n");
                if (r < 0) {
                        fprintf(stderr, "bench_rpc: could not start %s: %s\n", binary, strerror(-r));
                        bench_pktd_stop(&d);
                        return 1;
                }
                sock = d.sock;
                printf("bench_rpc: started %s on %s\n", binary, sock);
        } else {
                printf("bench_rpc: using the pktd at %s\n", sock);
        }
        r = prepare_data(sock);
        if (r < 0) {
                fprintf(stderr, "bench_rpc: Build of the test packet failed: %s\n", strerror(-r));
                bench_pktd_stop(&d);
                return 1;
        }
        r = bench_all(sock, d.pid, seconds, nconns, rounds);
        bench_pktd_stop(&d);
        return r < 0 ? 1 : 0;
}
