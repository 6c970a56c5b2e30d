/* SPDX-License-Identifier: BSD-3-Clause */
/* One client connection: NUL-framed input with a size cap and a completion deadline, replies in
 * call order, an output queue with a cap, an idle timeout.
 *
 * Calls are taken one frame at a time and answered before the next is read, so replies leave in
 * call order by construction; pipelining works because the input buffer keeps the frames that
 * follow. (Issue 5's streaming calls will make a call the connection's "head" that keeps writing
 * while later calls wait in the input buffer: the same order rule, nothing else changes here.)
 *
 * Input is always read, so a client's writes never block on us; a client that keeps calling but
 * does not read its replies is disconnected once its queued output passes outputBuffer (the issue's
 * rule: the daemon never grows without bound for a slow reader, and a stuck client frees its slot
 * at once instead of after the idle timeout). Memory per connection is bounded by outputBuffer +
 * frameSize.
 *
 * Bad input: a frame that is not JSON, not a call, or longer than frameSize is answered
 * (ProtocolError or LimitExceeded) and the connection is closed, as varlink does: after such a
 * frame nothing says the client and we still agree on the framing. A well-formed call with an
 * unknown method, bad parameters or no permission gets its error and the connection stays.
 *
 * A connection is freed only from its own event callbacks or by pktd teardown: code deeper down (a
 * Reload that revokes this very client, the output cap) calls conn_kill(), which activates the
 * timer so the free happens from the loop. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "pktd.h"

static void conn_arm_timer(struct pktd_conn *c);

size_t
pktd_conn_queued(const struct pktd_conn *c)
{
        return c->out ? evbuffer_get_length(c->out) : 0;
}

unsigned
pktd_conn_count_uid(const struct pktd *d, uid_t uid)
{
        unsigned n = 0;

        for (const struct pktd_conn *c = d->conns; c; c = c->next)
                if (c->uid == uid)
                        n++;
        return n;
}

struct pktd_conn *
pktd_conn_free(struct pktd_conn *c)
{
        struct pktd *d;

        if (!c)
                return NULL;
        d = c->d;
        if (c->ev_read)
                event_free(c->ev_read);
        if (c->ev_write)
                event_free(c->ev_write);
        if (c->ev_timer)
                event_free(c->ev_timer);
        if (c->in)
                evbuffer_free(c->in);
        if (c->out)
                evbuffer_free(c->out);
        if (c->fd >= 0)
                (void)close(c->fd);
        if (c->linked) {
                if (c->prev)
                        c->prev->next = c->next;
                else
                        d->conns = c->next;
                if (c->next)
                        c->next->prev = c->prev;
                d->n_conns--;
        }
        free(c);
        if (d->stopping && d->n_conns == 0)
                (void)event_base_loopbreak(d->base);
        return NULL;
}

/* Closes from anywhere: the free happens from the loop, never under a caller that still uses @c. */
static void
conn_kill(struct pktd_conn *c)
{
        if (c->dead)
                return;
        c->dead = true;
        (void)event_del(c->ev_read);
        (void)event_del(c->ev_write);
        c->reading = false;
        event_active(c->ev_timer, EV_TIMEOUT, 0);
}

/* Stops reading; closes once the queued output has left, or after PKTD_CLOSE_LINGER_SEC. */
static void
conn_close_after_output(struct pktd_conn *c)
{
        if (c->closing)
                return;
        c->closing = true;
        (void)event_del(c->ev_read);
        c->reading = false;
        if (pktd_conn_queued(c) == 0)
                conn_kill(c);
        else
                conn_arm_timer(c);
}

void
pktd_conn_shutdown(struct pktd_conn *c)
{
        conn_close_after_output(c);
}

void
pktd_conn_revoke(struct pktd_conn *c)
{
        conn_close_after_output(c);
}

static void
free_cb(const void *data, size_t len, void *arg)
{
        (void)len;
        (void)arg;
        free((void *)data);
}

/* Writes what the socket takes now; arms the write event for the rest. */
static void
conn_flush(struct pktd_conn *c)
{
        while (pktd_conn_queued(c) > 0) {
                int n = evbuffer_write(c->out, c->fd);

                if (n > 0) {
                        c->activity_usec = pktd_now_usec();
                        continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                        break;
                /* EPIPE, ECONNRESET: the client went away (killed mid-reply); cancel everything. */
                conn_kill(c);
                return;
        }
        if (pktd_conn_queued(c) > 0)
                (void)event_add(c->ev_write, NULL);
        else {
                (void)event_del(c->ev_write);
                if (c->closing)
                        conn_kill(c);
        }
}

/* Moves a finished frame (@b, NUL included) to the output queue without copying it. */
static void
conn_queue(struct pktd_conn *c, struct pktp_buf *b)
{
        const struct pktd_limits *lim = &c->d->conf->limits;

        if (b->err || !b->data) {
                pktp_buf_done(b);
                return;
        }
        if (evbuffer_add_reference(c->out, b->data, b->len, free_cb, NULL) < 0) {
                pktp_buf_done(b);
                conn_kill(c);
                return;
        }
        b->data = NULL;
        pktp_buf_done(b);
        if (pktd_conn_queued(c) > lim->output_buffer) {
                pktd_log(LOG_WARNING,
                         "client %llu (uid %u) disconnected: %zu bytes of replies "
                         "unread, above outputBuffer (%zu)",
                         (unsigned long long)c->id, (unsigned)c->uid, pktd_conn_queued(c),
                         lim->output_buffer);
                conn_kill(c);
        }
}

static void
conn_reply_error(struct pktd_conn *c, const struct pktp_error *err)
{
        struct pktp_buf b;

        /* An error frame is small; its text fields are bounded by struct pktp_error. */
        pktp_buf_init(&b, 4096);
        (void)pktp_error_write(&b, err); /* the frame and its NUL */
        conn_queue(c, &b);
}

static void
handle_frame(struct pktd_conn *c, const char *frame, size_t len)
{
        /* A value, not a pointer into the config: the call may be a Reload that replaces it. */
        size_t out_max = c->d->conf->limits.output_buffer;
        struct pktp_error err = { 0 };
        struct pktp_call call = { 0 };
        struct pktp_buf params, reply;
        int r;

        r = pktp_call_parse(frame, len, &call, &err);
        if (r < 0) {
                pktd_dispatch_invalid(c->d, c, frame, len, &err);
                conn_reply_error(c, &err);
                /* Not JSON, not a call or too big: the framing can no longer be trusted. */
                if (err.id == PKTP_ERR_PROTOCOL_ERROR || err.id == PKTP_ERR_LIMIT_EXCEEDED)
                        conn_close_after_output(c);
                return;
        }
        c->calls++;
        /* A reply can never be larger than what the connection may queue. */
        pktp_buf_init(&params, out_max);
        r = pktd_dispatch(c->d, c, &call, &params, &err);
        if (!call.oneway) {
                if (r >= 0 && params.err == -EMSGSIZE)
                        r = pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                           "the reply is larger than the output buffer");
                else if (r >= 0 && params.err)
                        r = pktp_error_set(&err, PKTP_ERR_INTERNAL, NULL,
                                           "out of memory writing the reply");
                if (r >= 0) {
                        pktp_buf_init(&reply, out_max);
                        (void)pktp_reply_write(&reply, params.data, params.len, false);
                        if (reply.err) {
                                pktp_buf_done(&reply);
                                (void)pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, "outputBuffer",
                                                     "the reply is larger than the output buffer");
                                conn_reply_error(c, &err);
                        } else
                                conn_queue(c, &reply); /* the frame and its NUL */
                } else
                        conn_reply_error(c, &err);
        }
        pktp_buf_done(&params);
        pktp_call_done(&call);
}

static void
frame_too_big(struct pktd_conn *c)
{
        struct pktp_error err;

        (void)pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, "frameSize",
                             "a message is longer than %zu bytes", c->d->conf->limits.frame_size);
        conn_reply_error(c, &err);
        conn_close_after_output(c);
}

/* Takes every complete frame from the input, while the client keeps up with the replies. */
static void
conn_process(struct pktd_conn *c)
{
        size_t frame_max = c->d->conf->limits.frame_size;

        while (!c->closing && !c->dead) {
                size_t len = evbuffer_get_length(c->in);
                struct evbuffer_ptr pos;
                unsigned char *data;

                if (len == 0) {
                        c->frame_start_usec = 0;
                        break;
                }
                if (evbuffer_ptr_set(c->in, &pos, c->scanned, EVBUFFER_PTR_SET) < 0)
                        break;
                pos = evbuffer_search(c->in, "", 1, &pos);
                if (pos.pos < 0) {
                        /* Incomplete: remember how far we looked, so a trickled frame costs
                         * O(n) in all, and start its deadline. */
                        c->scanned = len;
                        if (len > frame_max) {
                                frame_too_big(c);
                                return;
                        }
                        if (c->frame_start_usec == 0) {
                                c->frame_start_usec = pktd_now_usec();
                                conn_arm_timer(c);
                        }
                        break;
                }
                if ((size_t)pos.pos > frame_max) {
                        frame_too_big(c);
                        return;
                }
                data = evbuffer_pullup(c->in, pos.pos + 1);
                if (!data) {
                        conn_kill(c);
                        return;
                }
                handle_frame(c, (const char *)data, (size_t)pos.pos);
                (void)evbuffer_drain(c->in, (size_t)pos.pos + 1);
                c->scanned = 0;
                c->frame_start_usec = 0;
        }
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_conn *c = arg;
        int n;

        (void)what;
        n = evbuffer_read(c->in, fd, PKTD_READ_CHUNK);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
        if (n <= 0) {
                /* EOF: the client is done sending (maybe only half-closed, waiting for replies);
                 * answer the complete calls already read, flush, close. An error: just close. */
                if (n == 0) {
                        conn_process(c);
                        conn_flush(c);
                        conn_close_after_output(c);
                } else
                        conn_kill(c);
                return;
        }
        c->activity_usec = pktd_now_usec();
        conn_process(c);
        conn_flush(c);
        if (c->dead)
                pktd_conn_free(c);
}

static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_conn *c = arg;

        (void)fd;
        (void)what;
        conn_flush(c);
        if (c->dead)
                pktd_conn_free(c);
}

static uint64_t
conn_deadline(const struct pktd_conn *c)
{
        uint64_t idle = c->activity_usec + (uint64_t)c->d->conf->limits.idle_timeout_sec * 1000000u;
        uint64_t t = idle;

        if (c->frame_start_usec) {
                uint64_t f = c->frame_start_usec + (uint64_t)PKTD_FRAME_DEADLINE_SEC * 1000000u;

                if (f < t)
                        t = f;
        }
        if (c->closing) {
                uint64_t l = c->closing_usec + (uint64_t)PKTD_CLOSE_LINGER_SEC * 1000000u;

                if (l < t)
                        t = l;
        }
        return t;
}

static void
conn_arm_timer(struct pktd_conn *c)
{
        uint64_t now = pktd_now_usec(), t;
        struct timeval tv;

        if (c->closing && c->closing_usec == 0)
                c->closing_usec = now;
        t = conn_deadline(c);
        t = t > now ? t - now : 0;
        tv.tv_sec = (time_t)(t / 1000000u);
        tv.tv_usec = (suseconds_t)(t % 1000000u);
        (void)event_add(c->ev_timer, &tv);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_conn *c = arg;
        uint64_t now = pktd_now_usec();

        (void)fd;
        (void)what;
        if (c->dead) {
                pktd_conn_free(c);
                return;
        }
        if (now >= conn_deadline(c)) {
                if (c->closing)
                        pktd_log(LOG_INFO, "client %llu: replies not read within %d s of closing",
                                 (unsigned long long)c->id, PKTD_CLOSE_LINGER_SEC);
                else if (c->frame_start_usec &&
                         now >= c->frame_start_usec + (uint64_t)PKTD_FRAME_DEADLINE_SEC * 1000000u)
                        pktd_log(LOG_INFO,
                                 "client %llu: a message did not end within %d s; closing",
                                 (unsigned long long)c->id, PKTD_FRAME_DEADLINE_SEC);
                else
                        pktd_log(LOG_INFO, "client %llu: idle for %u s; closing",
                                 (unsigned long long)c->id, c->d->conf->limits.idle_timeout_sec);
                pktd_conn_free(c);
                return;
        }
        conn_arm_timer(c);
}

int
pktd_conn_new(struct pktd *d, int fd, uid_t uid, gid_t gid, pid_t pid, unsigned roles)
{
        struct pktd_conn *c = calloc(1, sizeof(*c));

        if (!c) {
                (void)close(fd);
                return -ENOMEM;
        }
        c->d = d;
        c->fd = fd;
        c->uid = uid;
        c->gid = gid;
        c->pid = pid;
        c->roles = roles;
        c->id = ++d->next_conn_id;
        c->connected_usec = c->activity_usec = pktd_now_usec();
        c->in = evbuffer_new();
        c->out = evbuffer_new();
        c->ev_read = event_new(d->base, fd, EV_READ | EV_PERSIST, read_cb, c);
        c->ev_write = event_new(d->base, fd, EV_WRITE | EV_PERSIST, write_cb, c);
        c->ev_timer = event_new(d->base, -1, 0, timer_cb, c);
        if (!c->in || !c->out || !c->ev_read || !c->ev_write || !c->ev_timer) {
                pktd_conn_free(c);
                return -ENOMEM;
        }
        if (event_add(c->ev_read, NULL) < 0) {
                pktd_conn_free(c);
                return -EIO;
        }
        c->reading = true;
        c->next = d->conns;
        if (d->conns)
                d->conns->prev = c;
        d->conns = c;
        d->n_conns++;
        c->linked = true;
        conn_arm_timer(c);
        return 0;
}
