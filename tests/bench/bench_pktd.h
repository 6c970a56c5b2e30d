/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pktd started for a benchmark that talks to the daemon (bench_rpc, bench_subscribe): on a socket
 * in a temporary directory of its own, with a configuration that makes the calling user admin and
 * capture, and stopped at the end.
 */
#ifndef PKTD_BENCH_PKTD_H
#define PKTD_BENCH_PKTD_H

#include <sys/types.h>

struct bench_pktd {
        pid_t pid; /* 0: not running */
        char dir[64];
        char sock[128];
        char conf[128];
};

/*
 * Starts @binary on /tmp/bench-@tag-XXXXXX/api.sock with that configuration plus @extra (more INI
 * lines, or NULL), its stdin and stderr on /dev/null (pktd logs every connection: kept off the
 * figures), with --allow-root when run as root, and waits up to 10 s until it answers GetStatus.
 * Returns 0, -ECHILD (it exited), -ETIMEDOUT or -errno. Call bench_pktd_stop() either way.
 */
int bench_pktd_start(struct bench_pktd *d, const char *binary, const char *tag, const char *extra);

/* SIGTERM, then SIGKILL after 5 s; removes the socket, the configuration and the directory. */
void bench_pktd_stop(struct bench_pktd *d);

/* Seconds on the monotonic clock. */
double bench_pktd_now(void);

#endif
