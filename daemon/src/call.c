/* SPDX-License-Identifier: BSD-3-Clause */
/* Calls that answer later or more than once (call.h): their state, replies, cancel and drain. The
 * connection (conn.c) owns the socket and the queues; a call is its connection's head while it
 * runs and writes through it. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "call.h"
#include "conn.h"
#include "dispatch.h"
#include "pktd.h"

struct pktd_call {
        struct pktd_conn *c;
        const char *method; /* the method table's name (static storage) */
        unsigned roles;     /* the roles the method needs (any of them); 0: anyone */
        bool more, oneway;
        bool cancelling; /* on_cancel is running: replies are refused, the free is ours */
        bool last_word;  /* ... except one last reply (continues false): pktd is closing a
                          * connection that can still be written to (SIGTERM, revoked role) */
        void (*on_cancel)(void *ud);
        void *cancel_ud;
        void (*on_drain)(void *ud);
        void *drain_ud;
        size_t drain_low;
        struct event *ev_drain;
        int fds[PKTD_CALL_FDS_MAX];
        unsigned n_fds;
};

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_call *a = arg;
        void (*fn)(void *) = a->on_drain;

        (void)fd;
        (void)what;
        if (!fn || a->c->dead || a->c->closing || pktd_conn_queued(a->c) >= a->drain_low)
                return;
        a->on_drain = NULL;
        fn(a->drain_ud);
}

/* Frees @a and detaches it from its connection; the frames waiting behind it are taken from the
 * loop. */
static void
call_free(struct pktd_call *a)
{
        struct pktd_conn *c = a->c;

        pktd_close_fds(a->fds, &a->n_fds);
        if (a->ev_drain)
                event_free(a->ev_drain);
        if (c->head == a) {
                c->head = NULL;
                if (!c->dead && c->ev_resume)
                        event_active(c->ev_resume, EV_TIMEOUT, 0);
        }
        free(a);
}

void
pktd_call_cancel(struct pktd_call *a, bool last_word)
{
        void (*fn)(void *) = a->on_cancel;

        if (a->cancelling)
                return;
        a->cancelling = true;
        a->last_word = last_word && !a->c->dead;
        a->on_cancel = NULL;
        a->on_drain = NULL;
        if (fn)
                fn(a->cancel_ud);
        call_free(a);
}

struct pktd_call *
pktd_call_async(struct pktd_conn *c, const struct pktp_call *call)
{
        struct pktd_call *a;

        if (!c || !call || c->head)
                return NULL;
        a = calloc(1, sizeof(*a));
        if (!a)
                return NULL;
        a->c = c;
        a->method = call->desc ? call->desc->name : NULL;
        a->roles = call->desc ? call->desc->roles : 0;
        a->more = call->more;
        a->oneway = call->oneway;
        a->ev_drain = event_new(c->d->base, -1, 0, drain_cb, a);
        if (!a->ev_drain) {
                free(a);
                return NULL;
        }
        memcpy(a->fds, c->frame_fds, c->n_frame_fds * sizeof(int));
        a->n_fds = c->n_frame_fds;
        c->n_frame_fds = 0;
        c->head = a;
        return a;
}

/* Appends one reply frame to the output queue. */
static int
call_queue(struct pktd_call *a, const char *params, size_t len, bool continues)
{
        static const char head[] = "{\"parameters\":";
        static const char more[] = ",\"continues\":true}";
        struct pktd_conn *c = a->c;

        if (c->dead)
                return -ECANCELED;
        if (a->cancelling || c->closing) {
                /* one last reply when pktd closes a writable connection, nothing else */
                if (!(a->cancelling && a->last_word && !continues))
                        return -ECANCELED;
                a->last_word = false;
        }
        if (a->oneway)
                return 0;
        if (!params || !len) {
                params = "{}";
                len = 2;
        }
        if (evbuffer_add(c->out, head, sizeof(head) - 1) < 0 ||
            evbuffer_add(c->out, params, len) < 0 ||
            (continues ? evbuffer_add(c->out, more, sizeof(more)) /* with its NUL */
                       : evbuffer_add(c->out, "}", 2)) < 0) {
                pktd_conn_kill(c);
                return -ENOMEM;
        }
        if (pktd_conn_check_output(c) < 0)
                return -ENOBUFS;
        pktd_conn_want_write(c);
        return 0;
}

int
pktd_call_reply(struct pktd_call *a, const char *params, size_t len, bool continues)
{
        int r;

        if (!a)
                return -EINVAL;
        if (continues && !a->more)
                return -EPROTO;
        r = call_queue(a, params, len, continues);
        if (!continues && !a->cancelling) {
                /* Ended by its owner: no on_cancel, even when the connection is closing. */
                call_free(a);
        }
        return r;
}

int
pktd_call_reply_ref(struct pktd_call *a, const void *frames, size_t len,
                    void (*release)(const void *frames, size_t len, void *ud), void *ud)
{
        struct pktd_conn *c;

        if (!a || !frames || !release) {
                if (release)
                        release(frames, len, ud);
                return -EINVAL;
        }
        c = a->c;
        if (!a->more) {
                release(frames, len, ud);
                return -EPROTO;
        }
        if (a->cancelling || c->dead || c->closing) {
                release(frames, len, ud);
                return -ECANCELED;
        }
        if (a->oneway) {
                release(frames, len, ud);
                return 0;
        }
        if (len < PKTD_CALL_REF_MIN) {
                int r = evbuffer_add(c->out, frames, len);

                release(frames, len, ud);
                if (r < 0) {
                        pktd_conn_kill(c);
                        return -ENOMEM;
                }
        } else if (evbuffer_add_reference(c->out, frames, len, release, ud) < 0) {
                release(frames, len, ud);
                pktd_conn_kill(c);
                return -ENOMEM;
        }
        if (pktd_conn_check_output(c) < 0)
                return -ENOBUFS;
        pktd_conn_want_write(c);
        return 0;
}

int
pktd_call_error(struct pktd_call *a, const struct pktp_error *err)
{
        struct pktd_conn *c;
        struct pktp_buf b;
        int r = 0;

        if (!a || !err)
                return -EINVAL;
        c = a->c;
        if (a->cancelling)
                return -ECANCELED;
        pktd_dispatch_count_error(c->d, a->method);
        if (c->dead || c->closing)
                r = -ECANCELED;
        else if (!a->oneway) {
                pktp_buf_init(&b, 4096);
                (void)pktp_error_write(&b, err);
                pktd_conn_queue(c, &b);
                pktd_conn_want_write(c);
        }
        call_free(a);
        return r;
}

bool
pktd_call_wants_more(const struct pktd_call *a)
{
        return a && a->more;
}

void
pktd_call_on_cancel(struct pktd_call *a, void (*fn)(void *ud), void *ud)
{
        if (!a || a->cancelling)
                return;
        a->on_cancel = fn;
        a->cancel_ud = ud;
}

size_t
pktd_call_queued(const struct pktd_call *a)
{
        return a ? pktd_conn_queued(a->c) : 0;
}

void
pktd_call_on_drain(struct pktd_call *a, size_t low, void (*fn)(void *ud), void *ud)
{
        if (!a || a->cancelling)
                return;
        a->on_drain = fn;
        a->drain_ud = ud;
        a->drain_low = low;
        if (fn && pktd_conn_queued(a->c) < low)
                event_active(a->ev_drain, EV_TIMEOUT, 0);
}

int
pktd_call_take_fd(struct pktd_call *a, unsigned index)
{
        struct stat st;
        int fd;

        if (!a || index >= a->n_fds || a->fds[index] < 0)
                return -EBADF;
        fd = a->fds[index];
        if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))
                return -EINVAL;
        a->fds[index] = -1;
        return fd;
}

unsigned
pktd_call_n_fds(const struct pktd_call *a)
{
        return a ? a->n_fds : 0;
}

uid_t
pktd_call_uid(const struct pktd_call *a)
{
        return a->c->uid;
}

unsigned
pktd_call_roles(const struct pktd_call *a)
{
        return a->c->roles;
}

struct pktd_conn *
pktd_call_conn(const struct pktd_call *a)
{
        return a->c;
}

void
pktd_call_drop(struct pktd_call *a)
{
        a->on_cancel = NULL;
        pktd_call_cancel(a, false);
}

bool
pktd_call_role_held(const struct pktd_call *a, unsigned roles)
{
        return !a->roles || (roles & a->roles);
}

void
pktd_call_output_drained(struct pktd_call *a)
{
        if (a->on_drain && pktd_conn_queued(a->c) < a->drain_low)
                event_active(a->ev_drain, EV_TIMEOUT, 0);
}
