/* SPDX-License-Identifier: BSD-3-Clause */
/* A pktd started for a benchmark: see bench_pktd.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pktc/pktc.h>

#include "bench_pktd.h"

/* Seconds pktd gets to start listening: a loaded 2-CPU machine under a sanitizer needs a few. */
#define START_TIMEOUT_MS 10000

double
bench_pktd_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_config(const char *path, const char *extra)
{
        FILE *f = fopen(path, "we");

        if (!f)
                return -errno;
        fprintf(f, "[roles]\nadmin = user:%u\ncapture = user:%u\n", (unsigned)geteuid(),
                (unsigned)geteuid());
        fprintf(f, "[daemon]\nallowRoot = yes\n");
        if (extra)
                fputs(extra, f);
        return fclose(f) != 0 ? -errno : 0;
}

/* Does the pktd at @sock answer GetStatus? */
static bool
answers(const char *sock)
{
        struct pktc *c = NULL;
        struct pktc_reply rep = { 0 };
        bool ok;

        if (pktc_connect(sock, &c) < 0)
                return false;
        ok = pktc_call_sync(c, "io.pktd.Daemon.GetStatus", NULL, &rep) == 0 && !rep.error;
        pktc_reply_done(&rep);
        pktc_free(c);
        return ok;
}

int
bench_pktd_start(struct bench_pktd *d, const char *binary, const char *tag, const char *extra)
{
        double t0;
        int r;

        snprintf(d->dir, sizeof(d->dir), "/tmp/bench-%s-XXXXXX", tag);
        if (!mkdtemp(d->dir)) {
                d->dir[0] = '\0';
                return -errno;
        }
        snprintf(d->sock, sizeof(d->sock), "%s/api.sock", d->dir);
        snprintf(d->conf, sizeof(d->conf), "%s/pktd.conf", d->dir);
        r = write_config(d->conf, extra);
        if (r < 0)
                return r;
        d->pid = fork();
        if (d->pid < 0) {
                d->pid = 0;
                return -errno;
        }
        if (d->pid == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                if (null >= 0) {
                        (void)dup2(null, STDIN_FILENO);
                        (void)dup2(null, STDERR_FILENO);
                }
                if (geteuid() == 0)
                        execl(binary, "pktd", "--listen", d->sock, "--config", d->conf,
                              "--allow-root", (char *)NULL);
                else
                        execl(binary, "pktd", "--listen", d->sock, "--config", d->conf,
                              (char *)NULL);
                _exit(127);
        }
        t0 = bench_pktd_now();
        while ((bench_pktd_now() - t0) * 1000 < START_TIMEOUT_MS) {
                int status;

                if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
                        d->pid = 0;
                        fprintf(stderr, "bench-%s: %s exited at start (status %d)\n", tag, binary,
                                status);
                        return -ECHILD;
                }
                if (answers(d->sock))
                        return 0;
                usleep(20 * 1000);
        }
        return -ETIMEDOUT;
}

void
bench_pktd_stop(struct bench_pktd *d)
{
        int status;

        if (d->pid > 0) {
                (void)kill(d->pid, SIGTERM);
                for (int i = 0; i < 100 && d->pid > 0; i++) {
                        if (waitpid(d->pid, &status, WNOHANG) == d->pid)
                                d->pid = 0;
                        else
                                usleep(50 * 1000);
                }
                if (d->pid > 0) {
                        (void)kill(d->pid, SIGKILL);
                        (void)waitpid(d->pid, &status, 0);
                        d->pid = 0;
                }
        }
        if (d->dir[0]) {
                (void)unlink(d->sock);
                (void)unlink(d->conf);
                (void)rmdir(d->dir);
        }
}
