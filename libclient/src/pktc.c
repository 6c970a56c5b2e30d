/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpktclient's connection: the socket, the queue of calls to send, the NUL framing of what comes
 * back and the queue of complete replies. The blocking calls are the non-blocking ones plus
 * poll(2).
 */
#define _GNU_SOURCE 1 /* secure_getenv() */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

/* The most one pktc_process() round reads: 1 MiB. Why: a fast peer cannot keep one connection in
 * pktc_process() for ever and starve the rest of the caller's event loop; poll(2) is
 * level-triggered, so what is left is read on the next round. */
#define ROUND_READ_MAX (1024u * 1024)
/* The first receive buffer: most replies (a status, a built packet) fit; larger ones grow it. */
#define IN_INITIAL (64u * 1024)

static int
socket_path(const char *path, const char **ret)
{
        if (!path) {
                /* A set-uid program must not let its caller pick the socket. */
                path = secure_getenv(PKTC_SOCKET_ENV);
                if (!path || !path[0])
                        path = PKTC_SOCKET_DEFAULT;
        }
        if (!path[0])
                return -EINVAL;
        *ret = path;
        return 0;
}

int
pktc_connect(const char *path, struct pktc **ret)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct pktc *c;
        int fd, r;

        pktc_assert_return(ret, -EINVAL);
        r = socket_path(path, &path);
        if (r < 0)
                return r;
        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                r = -errno;
                free(c);
                return r;
        }
        /* A blocking connect: a non-blocking one on AF_UNIX fails with EAGAIN when the daemon's
         * backlog is full, where waiting for the daemon to accept is what a client wants. */
        do
                r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        while (r < 0 && errno == EINTR);
        if (r < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
                r = -errno;
                (void)close(fd);
                free(c);
                return r;
        }
        c->fd = fd;
        *ret = c;
        return 0;
}

void
pktc_reply_done(struct pktc_reply *r)
{
        if (!r)
                return;
        free(r->parameters);
        free(r->error);
        free(r->message);
        *r = (struct pktc_reply){};
}

static void
close_fds(const int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                (void)close(fds[i]);
}

struct pktc *
pktc_free(struct pktc *c)
{
        if (!c)
                return NULL;
        while (c->head) {
                struct pktc_node *n = c->head;
                c->head = n->next;
                pktc_reply_done(&n->reply);
                free(n);
        }
        if (c->fd >= 0)
                (void)close(c->fd);
        for (size_t i = 0; i < c->n_fd_calls; i++)
                close_fds(c->fd_calls[i].fds, c->fd_calls[i].n);
        free(c->out);
        free(c->in);
        free(c);
        return NULL;
}

/* Makes the connection unusable with @err (the first error wins) and returns it. */
static int
fail(struct pktc *c, int err)
{
        if (!c->err)
                c->err = err;
        return c->err;
}

/* Queues one call; @fds (@n_fds duplicates, taken on success) ride on its first byte. */
static int
queue_call(struct pktc *c, const char *method, const char *params_json, unsigned flags, int *fds,
           size_t n_fds)
{
        _cleanup_free_ char *frame = NULL;
        size_t len, unsent;
        int r;

        pktc_assert_return(c, -EINVAL);
        if (c->err)
                return c->err;
        r = pktc_call_format(method, params_json, flags, &frame, &len);
        if (r < 0)
                return r;
        if (n_fds > 0 && c->n_fd_calls >= PKTC_FD_CALLS_QUEUED_MAX)
                return -ENOBUFS;
        unsent = c->out_len - c->out_off;
        if (len > PKTC_CALL_MAX + 1 - unsent)
                return -ENOBUFS;
        /* Sent bytes are dropped before growing, so the buffer holds at most the unsent cap. */
        if (c->out_off > 0) {
                memmove(c->out, c->out + c->out_off, unsent);
                c->out_off = 0;
                c->out_len = unsent;
        }
        if (len > c->out_cap - c->out_len) {
                size_t cap = c->out_len + len;
                char *p;

                if (cap < c->out_cap * 2)
                        cap = c->out_cap * 2;
                p = realloc(c->out, cap);
                if (!p)
                        return -ENOMEM;
                c->out = p;
                c->out_cap = cap;
        }
        if (n_fds > 0) {
                struct pktc_fds *a = &c->fd_calls[c->n_fd_calls++];

                a->at = c->out_sent + (c->out_len - c->out_off);
                a->n = n_fds;
                memcpy(a->fds, fds, n_fds * sizeof(fds[0]));
        }
        memcpy(c->out + c->out_len, frame, len);
        c->out_len += len;
        if (!(flags & PKTC_CALL_ONEWAY))
                c->pending++;
        return 0;
}

int
pktc_call(struct pktc *c, const char *method, const char *params_json, unsigned flags)
{
        return queue_call(c, method, params_json, flags, NULL, 0);
}

int
pktc_call_fds(struct pktc *c, const char *method, const char *params_json, unsigned flags,
              const int *fds, size_t n_fds)
{
        int dups[PKTC_CALL_FDS_MAX];
        int r;

        pktc_assert_return(c, -EINVAL);
        pktc_assert_return(fds || n_fds == 0, -EINVAL);
        pktc_assert_return(n_fds <= PKTC_CALL_FDS_MAX, -EINVAL);
        /* Duplicated now, so that the caller may close its own before the frame is sent (sending
         * waits for pktc_process()), and no later close or reuse of its number sends another. */
        for (size_t i = 0; i < n_fds; i++) {
                dups[i] = fds[i] < 0 ? -1 : fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
                if (dups[i] < 0) {
                        r = fds[i] < 0 ? -EBADF : -errno;
                        close_fds(dups, i);
                        return r;
                }
        }
        r = queue_call(c, method, params_json, flags, dups, n_fds);
        if (r < 0)
                close_fds(dups, n_fds);
        return r;
}

/* Sends what the socket takes now. Returns 0 (also when some is left) or the connection's error. */
static int
flush(struct pktc *c)
{
        while (c->out_off < c->out_len) {
                struct pktc_fds *a = c->n_fd_calls > 0 ? &c->fd_calls[0] : NULL;
                size_t len = c->out_len - c->out_off;
                ssize_t n;

                /* Bytes before the next frame with descriptors go alone, so that the descriptors
                 * ride on exactly that frame's first byte. */
                if (a && a->at > c->out_sent && a->at - c->out_sent < len)
                        len = (size_t)(a->at - c->out_sent);
                if (a && a->at == c->out_sent) {
                        union {
                                struct cmsghdr h;
                                char buf[CMSG_SPACE(sizeof(int) * PKTC_CALL_FDS_MAX)];
                        } u = {};
                        struct iovec iov = { .iov_base = c->out + c->out_off, .iov_len = len };
                        struct msghdr mh = {
                                .msg_iov = &iov,
                                .msg_iovlen = 1,
                                .msg_control = u.buf,
                                .msg_controllen = CMSG_SPACE(sizeof(int) * a->n),
                        };
                        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

                        cm->cmsg_level = SOL_SOCKET;
                        cm->cmsg_type = SCM_RIGHTS;
                        cm->cmsg_len = CMSG_LEN(sizeof(int) * a->n);
                        memcpy(CMSG_DATA(cm), a->fds, sizeof(int) * a->n);
                        n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (n > 0) {
                                /* At least one byte went: the descriptors went with it. */
                                close_fds(a->fds, a->n);
                                c->n_fd_calls--;
                                memmove(&c->fd_calls[0], &c->fd_calls[1],
                                        c->n_fd_calls * sizeof(c->fd_calls[0]));
                        }
                } else {
                        n = send(c->fd, c->out + c->out_off, len, MSG_NOSIGNAL | MSG_DONTWAIT);
                }
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return 0;
                        /* The replies that came before pktd went away are still read. */
                        c->write_failed = true;
                        return fail(c, errno == ECONNRESET ? -ECONNRESET : -EPIPE);
                }
                c->out_off += (size_t)n;
                c->out_sent += (uint64_t)n;
        }
        c->out_off = c->out_len = 0;
        return 0;
}

static int
enqueue(struct pktc *c, const char *frame, size_t len)
{
        struct pktc_node *n;
        int r;

        /* Anything pktd sends answers a call; a reply nobody asked for is not from pktd. */
        if (c->pending == 0)
                return fail(c, -EBADMSG);
        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        r = pktc_reply_parse(frame, len, &n->reply);
        if (r < 0) {
                free(n);
                return r == -ENOMEM ? r : fail(c, r);
        }
        if (!n->reply.continues)
                c->pending--;
        if (c->tail)
                c->tail->next = n;
        else
                c->head = n;
        c->tail = n;
        c->queued++;
        return 0;
}

/* Queues every complete frame in the receive buffer and drops them from it. */
static int
frame_replies(struct pktc *c)
{
        size_t start = 0;
        int r = 0;

        while (c->in_scanned < c->in_len) {
                char *nul = memchr(c->in + c->in_scanned, '\0', c->in_len - c->in_scanned);
                if (!nul) {
                        c->in_scanned = c->in_len;
                        break;
                }
                size_t end = (size_t)(nul - c->in);
                r = enqueue(c, c->in + start, end - start);
                if (r < 0)
                        break;
                start = end + 1;
                c->in_scanned = start;
        }
        if (start > 0) {
                memmove(c->in, c->in + start, c->in_len - start);
                c->in_len -= start;
                c->in_scanned -= start;
        }
        if (r == 0 && c->in_len > PKTC_REPLY_MAX)
                r = fail(c, -EMSGSIZE);
        return r;
}

/* Room to receive into: the buffer grows up to one maximal reply and its NUL. */
static int
in_reserve(struct pktc *c)
{
        size_t cap;
        char *p;

        if (c->in_len < c->in_cap)
                return 0;
        if (c->in_cap >= (size_t)PKTC_REPLY_MAX + 1)
                return fail(c, -EMSGSIZE);
        cap = c->in_cap ? c->in_cap * 2 : IN_INITIAL;
        if (cap > (size_t)PKTC_REPLY_MAX + 1)
                cap = (size_t)PKTC_REPLY_MAX + 1;
        p = realloc(c->in, cap);
        if (!p)
                return -ENOMEM;
        c->in = p;
        c->in_cap = cap;
        return 0;
}

/* With no reply due, pktd has nothing to send: a hang-up is found here (an event loop polling for
 * no events still gets POLLHUP, and must learn the connection is gone rather than spin), and bytes
 * are a reply nobody asked for. */
static int
peek_idle(struct pktc *c)
{
        char b;
        ssize_t n;

        do
                n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n == 0)
                return fail(c, -ECONNRESET);
        if (n > 0)
                return fail(c, -EBADMSG);
        if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
        return fail(c, errno == ECONNRESET ? -ECONNRESET : -errno);
}

/* Reads what has arrived, at most ROUND_READ_MAX, while replies are due and the queue has room. */
static int
receive(struct pktc *c)
{
        size_t total = 0;
        int r;

        if (c->err && !c->write_failed)
                return c->err;
        if (c->pending == 0)
                return peek_idle(c);
        while (c->pending > 0 && c->queued < PKTC_QUEUE_MAX && total < ROUND_READ_MAX) {
                r = in_reserve(c);
                if (r < 0)
                        return r;
                ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return 0;
                        return fail(c, errno == ECONNRESET ? -ECONNRESET : -errno);
                }
                if (n == 0)
                        /* pktd closed the connection with a reply due (also when it stopped in
                         * the middle of one). */
                        return fail(c, -ECONNRESET);
                c->in_len += (size_t)n;
                total += (size_t)n;
                r = frame_replies(c);
                if (r < 0)
                        return r;
        }
        return 0;
}

int
pktc_process(struct pktc *c)
{
        int r;

        pktc_assert_return(c, -EINVAL);
        r = c->err ? 0 : flush(c);
        if (r == 0 || c->write_failed)
                r = receive(c);
        if (r == -ENOMEM)
                return r;
        if (c->queued > 0)
                return c->queued > INT_MAX ? INT_MAX : (int)c->queued;
        return c->err;
}

int
pktc_reply_next(struct pktc *c, struct pktc_reply *ret)
{
        struct pktc_node *n;

        pktc_assert_return(c, -EINVAL);
        pktc_assert_return(ret, -EINVAL);
        n = c->head;
        if (!n)
                return c->err ? c->err : -EAGAIN;
        c->head = n->next;
        if (!c->head)
                c->tail = NULL;
        c->queued--;
        *ret = n->reply;
        free(n);
        return 0;
}

int
pktc_get_fd(const struct pktc *c)
{
        pktc_assert_return(c, -EINVAL);
        return c->fd;
}

short
pktc_get_events(const struct pktc *c)
{
        short ev = 0;

        if (!c || c->err)
                return 0;
        if (c->pending > 0 && c->queued < PKTC_QUEUE_MAX)
                ev |= POLLIN;
        if (c->out_off < c->out_len)
                ev |= POLLOUT;
        return ev;
}

static uint64_t
now_ms(void)
{
        struct timespec ts;

        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
pktc_reply_read(struct pktc *c, int timeout_ms, struct pktc_reply *ret)
{
        uint64_t deadline = timeout_ms >= 0 ? now_ms() + (uint64_t)timeout_ms : UINT64_MAX;
        int r;

        pktc_assert_return(c, -EINVAL);
        pktc_assert_return(ret, -EINVAL);
        for (;;) {
                r = pktc_process(c);
                if (r > 0)
                        return pktc_reply_next(c, ret);
                if (r < 0)
                        return r;
                short ev = pktc_get_events(c);
                if (!ev)
                        /* Nothing to send and no reply due. */
                        return -ENOMSG;

                int wait = -1;
                if (deadline != UINT64_MAX) {
                        uint64_t now = now_ms();
                        if (now >= deadline)
                                return -ETIMEDOUT;
                        wait = deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
                }
                struct pollfd pfd = { .fd = c->fd, .events = ev };
                r = poll(&pfd, 1, wait);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r == 0)
                        return -ETIMEDOUT;
                /* Ready, hung up or interrupted: the next round finds out which. */
        }
}

int
pktc_call_sync(struct pktc *c, const char *method, const char *params_json, struct pktc_reply *ret)
{
        int r;

        pktc_assert_return(c, -EINVAL);
        pktc_assert_return(ret, -EINVAL);
        if (c->pending > 0 || c->queued > 0)
                return -EBUSY;
        r = pktc_call(c, method, params_json, 0);
        if (r < 0)
                return r;
        return pktc_reply_read(c, -1, ret);
}
