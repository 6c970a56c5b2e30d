/* SPDX-License-Identifier: BSD-3-Clause */
/* Listening sockets: one we create at --listen PATH, or the ones systemd passes. Accepting applies
 * the policy before a single byte is read: a peer without a role is closed at once, and connection
 * limits are answered with a LimitExceeded frame and a close. */
#define _GNU_SOURCE
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <pktp/buf.h>
#include <pktp/error.h>

#include "conf.h"
#include "conn.h"
#include "log.h"
#include "pktd.h"

/* Accepts per wake-up of one listener: a connect flood cannot starve the connections served. */
#define ACCEPT_BURST 32
/* Pause after EMFILE/ENFILE: the backlog would wake us again at once, forever, otherwise. */
#define ACCEPT_PAUSE_MSEC 100
/* The listen() backlog; the kernel caps it at net.core.somaxconn. */
#define LISTEN_BACKLOG 256
/* Descriptors kept beside the connections: stdio, the event loop's own, listeners, netlink and
 * capture handles to come. */
#define PKTD_FD_RESERVE 64
/* An error frame at accept is a few hundred bytes. */
#define REFUSE_FRAME_MAX 1024

static struct pktd_listener *
listener_free(struct pktd_listener *l)
{
        struct stat st;

        if (!l)
                return NULL;
        if (l->ev)
                event_free(l->ev);
        if (l->fd >= 0)
                (void)close(l->fd);
        /* Remove the socket file only if it is still the one we made. */
        if (l->path && lstat(l->path, &st) == 0 && st.st_dev == l->dev && st.st_ino == l->ino)
                (void)unlink(l->path);
        free(l->path);
        free(l);
        return NULL;
}

void
pktd_listeners_free(struct pktd *d)
{
        while (d->listeners) {
                struct pktd_listener *l = d->listeners;

                d->listeners = l->next;
                listener_free(l);
        }
}

static void
refuse_with_limit(int fd, const char *limit, const char *message)
{
        struct pktp_error err;
        struct pktp_buf b;

        pktp_buf_init(&b, REFUSE_FRAME_MAX);
        (void)pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, limit, "%s", message);
        /* Best effort, never blocking: a fresh socket's send buffer is empty, so this fits. */
        if (pktp_error_write(&b, &err) == 0)
                (void)send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
        pktp_buf_done(&b);
}

static void
accept_one(struct pktd *d, int fd)
{
        const struct pktd_limits *lim = &d->conf->limits;
        struct pktd_peer peer;
        unsigned roles = 0;
        int r;

        r = pktd_policy_check(d->conf, fd, &peer, &roles);
        if (r < 0) {
                pktd_log(LOG_WARNING, "could not read a peer's credentials: %s", strerror(-r));
                (void)close(fd);
                return;
        }
        if (roles == 0) {
                pktd_log_refused(peer.uid, peer.gid, peer.pid, "no role");
                (void)close(fd);
                return;
        }
        if (d->n_conns >= lim->connections) {
                pktd_log_refused(peer.uid, peer.gid, peer.pid, "connections limit reached");
                refuse_with_limit(fd, "connections", "too many connections to pktd");
                (void)close(fd);
                return;
        }
        if (pktd_conn_count_uid(d, peer.uid) >= lim->connections_per_uid) {
                pktd_log_refused(peer.uid, peer.gid, peer.pid, "connectionsPerUid limit reached");
                refuse_with_limit(fd, "connectionsPerUid", "too many connections from this user");
                (void)close(fd);
                return;
        }
        r = pktd_conn_new(d, fd, peer.uid, peer.gid, peer.pid, roles);
        if (r < 0)
                pktd_log(LOG_WARNING, "could not set up a connection for uid %u: %s",
                         (unsigned)peer.uid, strerror(-r));
}

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_listener *l = arg;

        (void)fd;
        (void)what;
        if (!l->d->stopping)
                (void)event_add(l->ev, NULL);
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
        struct pktd_listener *l = arg;
        struct pktd *d = l->d;

        (void)what;
        for (unsigned i = 0; i < ACCEPT_BURST && !d->stopping; i++) {
                int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (fd >= 0) {
                        if (l->starved)
                                pktd_log(LOG_NOTICE, "accepting connections again");
                        l->starved = false;
                        accept_one(d, fd);
                        continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                    errno == ECONNABORTED)
                        return;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                        struct timeval tv = { 0, ACCEPT_PAUSE_MSEC * 1000 };

                        /* Once per episode: the retry every 100 ms must not flood the log. */
                        if (!l->starved)
                                pktd_log(LOG_WARNING,
                                         "accept: %s; retrying every %d ms (lower [limits] "
                                         "connections or raise LimitNOFILE)",
                                         strerror(errno), ACCEPT_PAUSE_MSEC);
                        l->starved = true;
                        (void)event_del(l->ev);
                        (void)event_base_once(d->base, -1, EV_TIMEOUT, resume_cb, l, &tv);
                        return;
                }
                pktd_log(LOG_WARNING, "accept: %s", strerror(errno));
                return;
        }
}

static int
listener_add(struct pktd *d, int fd, const char *path)
{
        struct pktd_listener *l = calloc(1, sizeof(*l));
        struct stat st;

        if (!l)
                return -ENOMEM;
        l->d = d;
        l->fd = fd;
        if (path) {
                l->path = strdup(path);
                if (!l->path || lstat(path, &st) < 0) {
                        l->fd = -1; /* the caller closes @fd on failure */
                        listener_free(l);
                        return -ENOMEM;
                }
                l->dev = st.st_dev;
                l->ino = st.st_ino;
        }
        l->ev = event_new(d->base, fd, EV_READ | EV_PERSIST, accept_cb, l);
        if (!l->ev) {
                l->fd = -1;
                listener_free(l);
                return -ENOMEM;
        }
        l->next = d->listeners;
        d->listeners = l;
        return 0;
}

int
pktd_listener_bind(struct pktd *d, const char *path, gid_t group)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -1;
        struct stat st;
        mode_t old;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path)) {
                pktd_log(LOG_ERR, "--listen: the path is longer than %zu bytes",
                         sizeof(sa.sun_path) - 1);
                return -ENAMETOOLONG;
        }
        memcpy(sa.sun_path, path, strlen(path) + 1);

        /* A stale socket from an earlier run is replaced; anything else at the path is left alone.
         */
        if (lstat(path, &st) == 0) {
                if (!S_ISSOCK(st.st_mode)) {
                        pktd_log(LOG_ERR, "--listen %s: exists and is not a socket", path);
                        return -EEXIST;
                }
                if (unlink(path) < 0) {
                        r = -errno;
                        pktd_log(LOG_ERR, "--listen %s: cannot remove the stale socket: %s", path,
                                 strerror(-r));
                        return r;
                }
        }

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        /* Created 0660 from the start (no window where it is wider); pktd checks every peer anyway.
         */
        old = umask(0117);
        r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        if (r < 0)
                r = -errno;
        umask(old);
        if (r < 0) {
                pktd_log(LOG_ERR, "--listen %s: bind: %s", path, strerror(-r));
                return r;
        }
        if (group != (gid_t)-1 && lchown(path, (uid_t)-1, group) < 0)
                pktd_log(LOG_WARNING, "--listen %s: cannot give the socket to group %u: %s", path,
                         (unsigned)group, strerror(errno));
        if (listen(fd, LISTEN_BACKLOG) < 0) {
                r = -errno;
                (void)unlink(path);
                pktd_log(LOG_ERR, "--listen %s: listen: %s", path, strerror(-r));
                return r;
        }
        r = listener_add(d, fd, path);
        if (r < 0) {
                (void)unlink(path);
                return r;
        }
        fd = -1;
        pktd_log(LOG_INFO, "listening on %s", path);
        return 0;
}

int
pktd_listener_from_systemd(struct pktd *d)
{
        int n = sd_listen_fds(1), r;

        if (n <= 0)
                return n;
        for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
                int fl;

                if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
                        pktd_log(LOG_ERR,
                                 "systemd passed fd %d, which is not a listening Unix stream "
                                 "socket",
                                 fd);
                        return -EINVAL;
                }
                fl = fcntl(fd, F_GETFL);
                if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
                    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                        return -errno;
                r = listener_add(d, fd, NULL);
                if (r < 0)
                        return r;
        }
        pktd_log(LOG_INFO, "listening on %d socket%s from systemd", n, n == 1 ? "" : "s");
        return n;
}

int
pktd_listeners_start(struct pktd *d)
{
        for (struct pktd_listener *l = d->listeners; l; l = l->next)
                if (event_add(l->ev, NULL) < 0)
                        return -EIO;
        return 0;
}

void
pktd_listeners_stop(struct pktd *d)
{
        for (struct pktd_listener *l = d->listeners; l; l = l->next)
                (void)event_del(l->ev);
}

/* Each connection is one fd, beside what the loop, the listeners, netlink and (later) capture
 * handles need. pktd does not raise its own limit (that is the unit's LimitNOFILE=, or the caller's
 * ulimit, to decide); it says when the limit cannot hold the configured connections. */
void
pktd_fd_limit_check(const struct pktd_conf *conf)
{
        rlim_t want = (rlim_t)conf->limits.connections + PKTD_FD_RESERVE;
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
                return;
        pktd_log(
                LOG_WARNING,
                "RLIMIT_NOFILE is %llu, below connections (%u) + %d: connections beyond it wait in "
                "the listen backlog",
                (unsigned long long)rl.rlim_cur, conf->limits.connections, PKTD_FD_RESERVE);
}
