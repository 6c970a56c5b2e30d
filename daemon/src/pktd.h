/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd's shared types: the daemon object every module hangs off, and small private helpers. */
#ifndef PKTD_H
#define PKTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "pktd-macro.h"

struct event;
struct event_base;
struct pktd_conf;
struct pktd_conn;
struct pktd_listener;

/* The method table is small and fixed (dispatch.c); counters live in an array indexed by its row.
 */
#define PKTD_METHODS_MAX 32

struct pktd_method_stats {
        uint64_t calls;
        uint64_t errors;
};

struct pktd {
        struct event_base *base;
        struct pktd_conf *conf; /* in force; a reload replaces it whole */
        const char *conf_path;  /* --config, or the default */
        bool conf_path_given;   /* a missing named file is an error, a missing default is not */
        bool allow_root;        /* --allow-root */

        struct pktd_listener *listeners; /* singly linked */
        struct pktd_conn *conns;         /* doubly linked, newest first */
        unsigned n_conns;
        uint64_t next_conn_id;

        uint64_t start_usec; /* CLOCK_MONOTONIC at start-up, for uptimeNs */
        bool stopping;       /* SIGTERM/SIGINT seen: accept nothing, drain, exit */

        struct pktd_method_stats stats[PKTD_METHODS_MAX];

        struct event *sig_term, *sig_int, *sig_hup;
        struct event *watchdog; /* NULL unless systemd asked for pings */
        struct event *drain;    /* bounds the time SIGTERM waits for queued replies */
        uint64_t watchdog_usec;
};

/* CLOCK_MONOTONIC in microseconds. */
uint64_t pktd_now_usec(void);

/* policy.c: who the peer of a connected Unix socket is, and which roles (enum pktp_role bits) the
 * config gives it. Admin implies capture and inject. The supplementary groups come from
 * SO_PEERGROUPS (the peer's groups at connect time), at most PKTD_PEER_GROUPS_MAX of them. */
#define PKTD_PEER_GROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */
struct pktd_peer {
        uid_t uid;
        gid_t gid;
        pid_t pid;
};
int pktd_policy_peer(int fd, struct pktd_peer *ret_peer, gid_t **ret_groups, size_t *ret_n_groups);
unsigned pktd_policy_roles(const struct pktd_conf *conf, uid_t uid, gid_t gid, const gid_t *groups,
                           size_t n_groups);
/* Both of the above: reads the peer of @fd and returns its roles (0: none) in @ret_roles. */
int pktd_policy_check(const struct pktd_conf *conf, int fd, struct pktd_peer *ret_peer,
                      unsigned *ret_roles);

/* caps.c: when running as root, switches to @user keeping only CAP_NET_RAW (see caps.c for the
 * steps), unless root is allowed; when not root, checks that we do not hold more than CAP_NET_RAW
 * unless allowed. Logs what it did or why it refuses. Returns 0 or a negative errno. */
int pktd_caps_drop(const char *user, bool allow_root);
/* The user a root pktd drops to, looked up; why it cannot be is logged. Returns 0, -ENOENT or
 * -errno. */
int pktd_caps_user(const char *user, uid_t *ret_uid, gid_t *ret_gid);
/* Looks @name up in the user database. Returns 0, -ENOENT (no such user) or another -errno. */
int pktd_user_lookup(const char *name, uid_t *ret_uid, gid_t *ret_gid);

/* notify.c: systemd glue. All are no-ops without systemd. */
void pktd_notify_ready(struct pktd *d);
void pktd_notify_reloading(void);
void pktd_notify_stopping(void);
void pktd_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Arms the watchdog timer when systemd asked for pings (WATCHDOG_USEC). Returns 0 or -errno. */
int pktd_notify_watchdog_start(struct pktd *d);

/* listener.c */
struct pktd_listener {
        struct pktd_listener *next;
        struct pktd *d;
        int fd;
        struct event *ev;
        char *path; /* the socket we created (NULL: passed by systemd), unlinked at exit */
        dev_t dev;  /* the inode we created, so we never unlink someone else's socket */
        ino_t ino;
        bool starved; /* out of fds: said once, quiet until an accept works again */
};
/* Creates the socket at @path (0660, a stale socket file replaced; anything else there is an
 * error). */
int pktd_listener_bind(struct pktd *d, const char *path, gid_t group);
/* Takes sockets passed by systemd (sd_listen_fds). Returns how many (0: none), or -errno. */
int pktd_listener_from_systemd(struct pktd *d);
/* Starts accepting on every listener. */
int pktd_listeners_start(struct pktd *d);
/* Warns when RLIMIT_NOFILE cannot hold @conf's connections. */
void pktd_fd_limit_check(const struct pktd_conf *conf);
/* Stops accepting (SIGTERM) without closing. */
void pktd_listeners_stop(struct pktd *d);
void pktd_listeners_free(struct pktd *d);

/* m_daemon.c: logs the names in @c that did not resolve. */
void pktd_conf_log_warnings(const struct pktd_conf *c, const char *path);
/* m_daemon.c: reloads the config (SIGHUP, Daemon.Reload). On failure the old one stays and @err
 * says why. Re-evaluates every connection's roles; a connection left without a role is closed. */
struct pktd_conf_error;
int pktd_reload(struct pktd *d, struct pktd_conf_error *err);

#endif
