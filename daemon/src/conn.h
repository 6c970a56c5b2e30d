/* SPDX-License-Identifier: BSD-3-Clause */
/* One client connection: its peer credentials and roles, its framing buffers and its timers. */
#ifndef PKTD_CONN_H
#define PKTD_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

struct evbuffer;
struct event;
struct pktd;

/* A frame that has started must end within this time: a client trickling one byte at a time cannot
 * hold a connection slot and a growing buffer open indefinitely (the 30 s). */
#define PKTD_FRAME_DEADLINE_SEC 30

/* After a ProtocolError or LimitExceeded reply the connection is closed; the reply gets this long
 * to leave, so a client that does not read cannot keep the connection half-closed. */
#define PKTD_CLOSE_LINGER_SEC 2

/* A connection freed while holding at least this much buffered (a client killed with replies
 * queued) makes pktd return freed heap to the kernel (malloc_trim): rare, and cheap at that size. */
#define PKTD_TRIM_AFTER (256 * 1024)

/* One read() takes at most this much: one busy client cannot starve the others in a loop pass. */
#define PKTD_READ_CHUNK (64 * 1024)

struct pktd_conn {
        struct pktd *d;
        struct pktd_conn *prev, *next; /* d->conns */
        uint64_t id;                   /* ListClients' id: increasing, never reused while running */
        int fd;

        /* The peer as the kernel saw it at connect (SO_PEERCRED), and the roles the policy gave it.
         */
        uid_t uid;
        gid_t gid;
        pid_t pid;
        unsigned roles; /* enum pktp_role bits */

        uint64_t connected_usec;
        uint64_t calls;

        struct evbuffer *in, *out;
        size_t scanned;            /* bytes of @in already searched for the NUL */
        uint64_t frame_start_usec; /* 0: no partial frame pending */
        uint64_t activity_usec;    /* last byte read or written, for the idle timeout */

        struct event *ev_read, *ev_write, *ev_timer;
        bool reading;          /* ev_read is armed */
        bool closing;          /* flush what is queued, then close */
        uint64_t closing_usec; /* when closing began, for PKTD_CLOSE_LINGER_SEC */
        bool dead;             /* to be freed from the loop (conn_kill) */
        bool linked;           /* in d->conns */

        /* Issue 5: the call in progress (call.h). While set, later frames wait in @in. */
        struct pktd_call *head;
        struct event *ev_resume; /* from the loop: cancel or finish the head, take waiting frames */
        bool rd_eof;             /* the client half-closed: answer what was sent, then close */
        bool write_armed;        /* ev_write is added */

        /* Descriptors received and not yet given to their call. Frames are numbered by the
         * order their bytes arrive: frames_in NULs have been read so far, frames_taken frames
         * handled; a set belongs to the frame whose number it carries. */
        uint64_t frames_in, frames_taken;
        struct pktd_conn_fds {
                uint64_t frame;
                int fds[PKTD_CALL_FDS_MAX];
                unsigned n; /* 0: a free slot */
        } fd_frames[PKTD_CONN_FD_FRAMES_MAX];
        int frame_fds[PKTD_CALL_FDS_MAX]; /* the frame being handled: pktd_call_async() takes them */
        unsigned n_frame_fds;
};

/* Takes @fd (an accepted, non-blocking, close-on-exec socket with a peer that has @roles) and
 * starts serving it. On failure @fd is closed. Returns 0 or a negative errno. */
int pktd_conn_new(struct pktd *d, int fd, uid_t uid, gid_t gid, pid_t pid, unsigned roles);
/* Closes and frees @c, unlinking it from its daemon. Accepts NULL; returns NULL. */
struct pktd_conn *pktd_conn_free(struct pktd_conn *c);
/* Bytes queued for the client and not yet written. */
size_t pktd_conn_queued(const struct pktd_conn *c);
/* SIGTERM: stop reading, close as soon as queued output is written. */
void pktd_conn_shutdown(struct pktd_conn *c);
/* The config changed and this client has no role left: close it once queued replies are out. */
void pktd_conn_revoke(struct pktd_conn *c);
/* Whether @c's streaming call in progress (if any) needs a role that @c->roles no longer holds. */
bool pktd_conn_head_revoked(const struct pktd_conn *c);
/* Number of open connections of @uid. */
unsigned pktd_conn_count_uid(const struct pktd *d, uid_t uid);

/* ---- for call.c: how a call writes through its connection ---- */

struct pktp_buf;

/* Closes @c from anywhere: the free happens from the loop, never under a caller that still uses it. */
void pktd_conn_kill(struct pktd_conn *c);
/* Output was queued outside a flush: lets the loop write it. */
void pktd_conn_want_write(struct pktd_conn *c);
/* Moves a finished frame (@b, NUL included) to the output queue without copying it; @b is emptied. */
void pktd_conn_queue(struct pktd_conn *c, struct pktp_buf *b);
/* When the queued output is over outputBuffer: logs it, closes @c and returns -ENOBUFS; else 0. */
int pktd_conn_check_output(struct pktd_conn *c);
/* Closes the @n descriptors at @fds and sets @n to 0. */
void pktd_close_fds(int *fds, unsigned *n);

#endif
