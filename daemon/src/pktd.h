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

struct event;
struct event_base;
struct pktd_conf;
struct pktd_conn;
struct pktd_listener;

#ifndef _cleanup_
#define _cleanup_(f) __attribute__((cleanup(f)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static inline void *
pktd_take_ptr_(void **pp)
{
        void *p = *pp;
        *pp = NULL;
        return p;
}
#ifndef TAKE_PTR
#define TAKE_PTR(p) ((__typeof__(p))pktd_take_ptr_((void **)&(p)))
#endif

static inline void
pktd_freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_pktd_free_ _cleanup_(pktd_freep)

static inline void
pktd_closep(int *fd)
{
        if (*fd >= 0)
                (void)close(*fd);
}
#define _cleanup_pktd_close_ _cleanup_(pktd_closep)

/* The method table is small and fixed (dispatch.c); counters live in an array indexed by its row. */
#define PKTD_METHODS_MAX 32

struct pktd_method_stats {
        uint64_t calls;
        uint64_t errors;
};

struct pktd {
        struct event_base *base;
        struct pktd_conf *conf;          /* in force; a reload replaces it whole */
        const char *conf_path;           /* --config, or the default */
        bool conf_path_given;            /* a missing named file is an error, a missing default is not */
        bool allow_root;                 /* --allow-root */

        struct pktd_listener *listeners; /* singly linked */
        struct pktd_conn *conns;         /* doubly linked, newest first */
        unsigned n_conns;
        uint64_t next_conn_id;

        uint64_t start_usec;             /* CLOCK_MONOTONIC at start-up, for uptimeNs */
        bool stopping;                   /* SIGTERM/SIGINT seen: accept nothing, drain, exit */

        struct pktd_method_stats stats[PKTD_METHODS_MAX];

        struct event *sig_term, *sig_int, *sig_hup;
        struct event *watchdog;          /* NULL unless systemd asked for pings */
        struct event *drain;             /* bounds the time SIGTERM waits for queued replies */
        uint64_t watchdog_usec;
};

/* CLOCK_MONOTONIC in microseconds. */
uint64_t pktd_now_usec(void);

#endif
