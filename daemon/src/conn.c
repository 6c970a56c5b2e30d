/* SPDX-License-Identifier: BSD-3-Clause */
/* One client connection: NUL-framed input with a size cap and a completion deadline, replies in
 * call order, an output queue with a cap, an idle timeout.
 *
 * Calls are taken one frame at a time and answered before the next is taken, so replies leave in
 * call order by construction; pipelining works because the input buffer keeps the frames that
 * follow. A call that answers later or more than once (call.h) becomes the connection's head: it
 * keeps writing while later calls wait unparsed in the input buffer (bounded), and input is still
 * read so that closing cancels it.
 *
 * Input is read with recvmsg() so that clients can pass file descriptors (SCM_RIGHTS,
 * MSG_CMSG_CLOEXEC); see conn_recv() for how a set of descriptors finds its frame.
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
 * Reload that revokes this very client, the output cap) calls pktd_conn_kill(), which activates the
 * timer so the free happens from the loop. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <pktp/buf.h>
#include <pktp/error.h>
#include <pktp/message.h>

#include "call.h"
#include "conf.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "pktd.h"

static void conn_arm_timer(struct pktd_conn *c);

void
pktd_close_fds(int *fds, unsigned *n)
{
        for (unsigned i = 0; i < *n; i++)
                if (fds[i] >= 0) {
                        (void)close(fds[i]);
                        fds[i] = -1;
                }
        *n = 0;
}

size_t
pktd_conn_queued(const struct pktd_conn *c)
{
        return c->out ? evbuffer_get_length(c->out) : 0;
}

bool
pktd_conn_head_revoked(const struct pktd_conn *c)
{
        return c->head && !pktd_call_role_held(c->head, c->roles);
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
        /* Measured before the buffers go: what this client made us hold. */
        bool was_big = (c->in ? evbuffer_get_length(c->in) : 0) +
                               (c->out ? evbuffer_get_length(c->out) : 0) >=
                       PKTD_TRIM_AFTER;

        if (c->head)
                pktd_call_cancel(c->head, false);
        pktd_close_fds(c->frame_fds, &c->n_frame_fds);
        for (size_t i = 0; i < ARRAY_SIZE(c->fd_frames); i++)
                pktd_close_fds(c->fd_frames[i].fds, &c->fd_frames[i].n);
        if (c->ev_resume)
                event_free(c->ev_resume);
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
        if (was_big)
                /* glibc keeps freed heap pages for reuse; a client that vanished with megabytes
                 * queued would leave pktd that much larger for good. Hand them back now. */
                (void)malloc_trim(0);
        if (d->stopping && d->n_conns == 0)
                (void)event_base_loopbreak(d->base);
        return NULL;
}

/* Closes from anywhere: the free happens from the loop, never under a caller that still uses @c. */
void
pktd_conn_kill(struct pktd_conn *c)
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
        if (c->head) {
                /* cancelled from the loop, never under whoever closes us */
                event_active(c->ev_resume, EV_TIMEOUT, 0);
                conn_arm_timer(c);
        } else if (pktd_conn_queued(c) == 0)
                pktd_conn_kill(c);
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
                pktd_conn_kill(c);
                return;
        }
        if (pktd_conn_queued(c) > 0) {
                if (!c->write_armed && event_add(c->ev_write, NULL) == 0)
                        c->write_armed = true;
        } else {
                (void)event_del(c->ev_write);
                c->write_armed = false;
                if (c->closing && !c->head)
                        pktd_conn_kill(c);
        }
        if (c->head)
                pktd_call_output_drained(c->head);
}

/* Output was queued outside a flush: let the loop write it. */
void
pktd_conn_want_write(struct pktd_conn *c)
{
        if (!c->write_armed && !c->dead && event_add(c->ev_write, NULL) == 0)
                c->write_armed = true;
}

/* Moves a finished frame (@b, NUL included) to the output queue without copying it. */
void
pktd_conn_queue(struct pktd_conn *c, struct pktp_buf *b)
{
        if (b->err || !b->data) {
                pktp_buf_done(b);
                return;
        }
        if (evbuffer_add_reference(c->out, b->data, b->len, free_cb, NULL) < 0) {
                pktp_buf_done(b);
                pktd_conn_kill(c);
                return;
        }
        b->data = NULL;
        pktp_buf_done(b);
        (void)pktd_conn_check_output(c);
}

int
pktd_conn_check_output(struct pktd_conn *c)
{
        const struct pktd_limits *lim = &c->d->conf->limits;

        if (pktd_conn_queued(c) <= lim->output_buffer)
                return 0;
        pktd_log(LOG_WARNING,
                 "client %llu (uid %u) disconnected: %zu bytes of replies unread, above "
                 "outputBuffer (%zu)",
                 (unsigned long long)c->id, (unsigned)c->uid, pktd_conn_queued(c),
                 lim->output_buffer);
        pktd_conn_kill(c);
        return -ENOBUFS;
}

static void
conn_reply_error(struct pktd_conn *c, const struct pktp_error *err)
{
        struct pktp_buf b;

        /* An error frame is small; its text fields are bounded by struct pktp_error. */
        pktp_buf_init(&b, 4096);
        (void)pktp_error_write(&b, err); /* the frame and its NUL */
        pktd_conn_queue(c, &b);
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
        if (r == PKTD_CALL_ASYNC) {
                /* The head answers later (or already ended from inside its handler). */
                pktp_buf_done(&params);
                pktp_call_done(&call);
                return;
        }
        if (c->head) {
                /* Went async, then answered the usual way after all: the return value wins. */
                pktd_call_drop(c->head);
        }
        if (r > 0)
                r = 0;
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
                                pktd_conn_queue(c, &reply); /* the frame and its NUL */
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

/* Moves the descriptors that came with frame number @frame to c->frame_fds. */
static void
take_frame_fds(struct pktd_conn *c, uint64_t frame)
{
        pktd_close_fds(c->frame_fds, &c->n_frame_fds);
        for (size_t i = 0; i < ARRAY_SIZE(c->fd_frames); i++) {
                struct pktd_conn_fds *s = &c->fd_frames[i];

                if (s->n == 0 || s->frame != frame)
                        continue;
                memcpy(c->frame_fds, s->fds, s->n * sizeof(int));
                c->n_frame_fds = s->n;
                s->n = 0;
                return;
        }
}

/* Takes every complete frame from the input, one at a time, until a call goes async. */
static void
conn_process(struct pktd_conn *c)
{
        size_t frame_max = c->d->conf->limits.frame_size;

        while (!c->closing && !c->dead && !c->head) {
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
                        pktd_conn_kill(c);
                        return;
                }
                take_frame_fds(c, c->frames_taken++);
                handle_frame(c, (const char *)data, (size_t)pos.pos);
                /* Descriptors the handler did not hand to an async call are closed now. */
                pktd_close_fds(c->frame_fds, &c->n_frame_fds);
                (void)evbuffer_drain(c->in, (size_t)pos.pos + 1);
                c->scanned = 0;
                c->frame_start_usec = 0;
        }
}

/* Attaches @n descriptors to frame number @frame. Returns 0, or -EPROTO with @fds closed. */
static int
park_fds(struct pktd_conn *c, uint64_t frame, int *fds, unsigned n)
{
        struct pktd_conn_fds *slot = NULL;

        for (size_t i = 0; i < ARRAY_SIZE(c->fd_frames); i++) {
                struct pktd_conn_fds *s = &c->fd_frames[i];

                if (s->n && s->frame == frame) {
                        slot = s;
                        break;
                }
                if (!s->n && !slot)
                        slot = s;
        }
        if (!slot || slot->n + n > PKTD_CALL_FDS_MAX) {
                pktd_close_fds(fds, &n);
                return -EPROTO;
        }
        if (!slot->n)
                slot->frame = frame;
        memcpy(slot->fds + slot->n, fds, n * sizeof(int));
        slot->n += n;
        return 0;
}

/* One recvmsg() of at most PKTD_READ_CHUNK bytes into @c->in, with any descriptors that came along.
 *
 * Which frame do descriptors belong to? The client sends them with the first byte of the frame
 * (one frame per sendmsg()). The kernel attaches them to the first skb of that sendmsg and ends a
 * read right after an skb that carried descriptors, so the frame they belong to is the one being
 * received at the end of this read: the frame that holds its last byte. Frames are numbered by
 * counting NULs. Returns the bytes read (0: EOF) or a negative errno; -EPROTO: the descriptors
 * broke a limit (more than PKTD_CALL_FDS_MAX with one call, the kernel truncated them, too many
 * frames with descriptors waiting): ProtocolError, every received descriptor closed. */
static ssize_t
conn_recv(struct pktd_conn *c)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * PKTD_CALL_FDS_MAX)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov[2];
        struct msghdr mh = { 0 };
        int fds[PKTD_CALL_FDS_MAX];
        unsigned n_fds = 0;
        bool excess = false;
        size_t room = PKTD_READ_CHUNK, left, nuls = 0;
        unsigned char last = 1;
        int nv, used = 0;
        ssize_t n;

        nv = evbuffer_reserve_space(c->in, PKTD_READ_CHUNK, iov, 2);
        if (nv <= 0)
                return -ENOMEM;
        for (int i = 0; i < nv; i++) {
                if (iov[i].iov_len > room)
                        iov[i].iov_len = room;
                room -= iov[i].iov_len;
                if (iov[i].iov_len)
                        used = i + 1;
        }
        mh.msg_iov = iov;
        mh.msg_iovlen = (size_t)used;
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0) {
                int e = errno;

                (void)evbuffer_commit_space(c->in, iov, 0);
                return -e;
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                size_t k;

                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int fd;

                        memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                        if (n_fds < PKTD_CALL_FDS_MAX)
                                fds[n_fds++] = fd;
                        else {
                                (void)close(fd);
                                excess = true;
                        }
                }
        }
        if (mh.msg_flags & MSG_CTRUNC)
                excess = true;

        left = (size_t)n;
        for (int i = 0; i < used; i++) {
                size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
                const unsigned char *p = iov[i].iov_base;

                iov[i].iov_len = k;
                left -= k;
                for (const unsigned char *q = p; (q = memchr(q, '\0', (size_t)(p + k - q))); q++)
                        nuls++;
                if (k)
                        last = p[k - 1];
        }
        (void)evbuffer_commit_space(c->in, iov, used);
        if (n > 0 && last == '\0')
                nuls--; /* the frame ending right here is the one the descriptors came with */
        if (excess || (n_fds && n == 0)) {
                pktd_close_fds(fds, &n_fds);
                return -EPROTO;
        }
        if (n_fds && park_fds(c, c->frames_in + nuls, fds, n_fds) < 0)
                return -EPROTO;
        c->frames_in += nuls + (n > 0 && last == '\0');
        return n;
}

/* The peer closed its end (not merely shut down its writing side): POLLHUP on a Unix stream
 * socket means both directions are shut. */
static bool
peer_gone(const struct pktd_conn *c)
{
        struct pollfd p = { .fd = c->fd, .events = POLLIN };

        return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/* A client pipelined more behind a head than we keep: the head ends with LimitExceeded and the
 * connection is closed (the head's owner is cancelled first). */
static void
waiting_overflow(struct pktd_conn *c)
{
        struct pktp_error err;

        pktd_log(LOG_INFO, "client %llu (uid %u): more than %d calls or %zu bytes waiting behind a "
                 "streaming call; closing", (unsigned long long)c->id, (unsigned)c->uid,
                 PKTD_CALL_WAITING_MAX, c->d->conf->limits.frame_size);
        pktd_call_cancel(c->head, false);
        (void)pktp_error_set(&err, PKTP_ERR_LIMIT_EXCEEDED, "waitingCalls",
                             "more than %d calls waiting behind a streaming call",
                             PKTD_CALL_WAITING_MAX);
        conn_reply_error(c, &err);
        conn_close_after_output(c);
}

/* The client half-closed or closed. */
static void
conn_eof(struct pktd_conn *c)
{
        (void)event_del(c->ev_read);
        c->reading = false;
        c->rd_eof = true;
        if (c->head) {
                if (peer_gone(c))
                        pktd_conn_kill(c); /* cancels the head */
                else
                        conn_arm_timer(c); /* watch for the full close once a second */
                return;
        }
        /* Answer the complete calls already read, flush, close (unless one went async). */
        conn_process(c);
        conn_flush(c);
        if (!c->head)
                conn_close_after_output(c);
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_conn *c = arg;
        ssize_t n;

        (void)fd;
        (void)what;
        n = conn_recv(c);
        if (n == -EAGAIN || n == -EWOULDBLOCK || n == -EINTR)
                return;
        if (n == -EPROTO) {
                struct pktp_error err;

                if (c->head)
                        pktd_call_cancel(c->head, false);
                (void)pktp_error_set(&err, PKTP_ERR_PROTOCOL_ERROR, NULL,
                                     "at most %d file descriptors with one call, and with at most "
                                     "%d calls at a time", PKTD_CALL_FDS_MAX,
                                     PKTD_CONN_FD_FRAMES_MAX);
                conn_reply_error(c, &err);
                conn_close_after_output(c);
                conn_flush(c);
        } else if (n == 0)
                conn_eof(c);
        else if (n < 0)
                pktd_conn_kill(c);
        else {
                c->activity_usec = pktd_now_usec();
                if (c->head) {
                        if (c->frames_in - c->frames_taken > PKTD_CALL_WAITING_MAX ||
                            evbuffer_get_length(c->in) > c->d->conf->limits.frame_size)
                                waiting_overflow(c);
                } else
                        conn_process(c);
                conn_flush(c);
        }
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

/* How often a half-closed connection with a call in progress is checked for a full close. */
#define PKTD_HUP_POLL_USEC 1000000u

static uint64_t
conn_deadline(const struct pktd_conn *c)
{
        uint64_t idle = c->activity_usec + (uint64_t)c->d->conf->limits.idle_timeout_sec * 1000000u;
        uint64_t t = idle;

        /* A stream may be quiet for long (a capture that matches nothing): no idle timeout while
         * a call is in progress. Closing is noticed by reading (EOF, POLLHUP) and writing. */
        if (c->head && !c->closing)
                t = UINT64_MAX;
        if (c->head && c->rd_eof) {
                uint64_t h = pktd_now_usec() + PKTD_HUP_POLL_USEC;

                if (h < t)
                        t = h;
        }

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
        if (t > 3600u * 1000000u)
                t = 3600u * 1000000u; /* re-checked then; keeps the timeval sane */
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
        if (c->head && c->rd_eof && peer_gone(c)) {
                pktd_conn_free(c); /* cancels the head */
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

/* From the loop: cancel the head of a closing connection, or take the frames that waited for a head
 * that ended. */
static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
        struct pktd_conn *c = arg;

        (void)fd;
        (void)what;
        if (c->dead) {
                pktd_conn_free(c);
                return;
        }
        if (c->closing) {
                /* SIGTERM or a revoked role: the head may say its last word (totals) */
                if (c->head)
                        pktd_call_cancel(c->head, true);
                conn_flush(c);
        } else if (!c->head) {
                conn_process(c);
                conn_flush(c);
                if (c->rd_eof && !c->head)
                        conn_close_after_output(c);
                else
                        conn_arm_timer(c);
        }
        if (c->dead)
                pktd_conn_free(c);
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
        c->ev_resume = event_new(d->base, -1, 0, resume_cb, c);
        if (!c->in || !c->out || !c->ev_read || !c->ev_write || !c->ev_timer || !c->ev_resume) {
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
