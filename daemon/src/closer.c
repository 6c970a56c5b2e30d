/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker that makes packet sockets' last close off the event loop; see closer.h. */
#include "closer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include <pkt/sock.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int queue[PKTD_CLOSER_QUEUE_MAX];
static unsigned head, n_queued;
static bool started, failed, stopping;
static pthread_t worker;

static void *
run(void *ud)
{
        (void)ud;
        (void)pthread_mutex_lock(&lock);
        for (;;) {
                int fd;

                while (n_queued == 0 && !stopping)
                        (void)pthread_cond_wait(&wake, &lock);
                if (n_queued == 0)
                        break;
                fd = queue[head];
                head = (head + 1) % PKTD_CLOSER_QUEUE_MAX;
                n_queued--;
                (void)pthread_mutex_unlock(&lock);
                (void)close(fd);
                (void)pthread_mutex_lock(&lock);
        }
        (void)pthread_mutex_unlock(&lock);
        return NULL;
}

/* With @lock held. */
static bool
ensure_started(void)
{
        if (started)
                return true;
        if (failed || stopping)
                return false;
        if (pthread_create(&worker, NULL, run, NULL) != 0) {
                failed = true;
                return false;
        }
        started = true;
        return true;
}

void
pktd_closer_close(int fd)
{
        bool queued = false;

        if (fd < 0)
                return;
        (void)pthread_mutex_lock(&lock);
        if (n_queued < PKTD_CLOSER_QUEUE_MAX && ensure_started()) {
                queue[(head + n_queued) % PKTD_CLOSER_QUEUE_MAX] = fd;
                n_queued++;
                queued = true;
                (void)pthread_cond_signal(&wake);
        }
        (void)pthread_mutex_unlock(&lock);
        if (!queued)
                (void)close(fd);
}

struct pkt_sock *
pktd_sock_release(struct pkt_sock *s)
{
        int rfd, sfd, d1 = -1, d2 = -1;

        if (!s)
                return NULL;
        rfd = pkt_sock_fd(s);
        sfd = pkt_sock_send_fd(s);
        if (rfd >= 0)
                d1 = fcntl(rfd, F_DUPFD_CLOEXEC, 0);
        if (sfd >= 0 && sfd != rfd)
                d2 = fcntl(sfd, F_DUPFD_CLOEXEC, 0);
        /* Out of descriptors: pkt_sock_free() then makes the last close itself (slow, correct). */
        pkt_sock_free(s);
        pktd_closer_close(d1);
        pktd_closer_close(d2);
        return NULL;
}

void
pktd_closer_stop(void)
{
        bool join;

        (void)pthread_mutex_lock(&lock);
        stopping = true;
        join = started;
        (void)pthread_cond_signal(&wake);
        (void)pthread_mutex_unlock(&lock);
        if (join)
                (void)pthread_join(worker, NULL);
        (void)pthread_mutex_lock(&lock);
        started = false;
        (void)pthread_mutex_unlock(&lock);
}
