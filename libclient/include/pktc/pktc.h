/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpktclient: talk to pktd over its Unix socket (varlink conventions: one JSON object and a NUL
 * per message, replies in call order, pipelining allowed).
 *
 * Two ways to use a connection, which may be mixed:
 *   blocking    pktc_call() queues a call, pktc_reply_read() sends what is queued and waits
 *               for the next reply; pktc_call_sync() does both for a call with one reply.
 *   event loop  poll pktc_get_fd() for pktc_get_events(), call pktc_process() when it is
 *               ready and take the replies it queued with pktc_reply_next().
 *
 * Parameters go in and come out as JSON text, so this header needs no JSON library. Errors are
 * negative errno values. A connection is not thread-safe: use it from one thread at a time. The
 * library starts no threads, installs no signal handlers (writes use MSG_NOSIGNAL, so a closed peer
 * is -EPIPE, never SIGPIPE) and prints nothing.
 *
 * Once a call fails with -EMSGSIZE (a reply over PKTC_REPLY_MAX), -EBADMSG (a reply that is not a
 * varlink reply), -ECONNRESET or -EPIPE, the connection is unusable: every later call returns the
 * same error, after any replies that were complete before it. Free it and connect again.
 */
#ifndef PKTC_PKTC_H
#define PKTC_PKTC_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where pktd listens unless told otherwise (systemd's pktd.socket, pktd --listen's default). */
#define PKTC_SOCKET_DEFAULT "/run/pktd/api.sock"
/* The environment variable naming another socket path. */
#define PKTC_SOCKET_ENV "PKTD_SOCKET"

/* The longest reply accepted, NUL excluded: 16 MiB. Why: twice pktd's default per-connection output
 * cap (8 MiB), so any reply the daemon will queue fits, while a broken or hostile peer cannot make
 * the client buffer without bound. A longer reply fails with -EMSGSIZE. */
#define PKTC_REPLY_MAX (16u * 1024 * 1024)
/* The longest call accepted by pktc_call(), NUL excluded, and the most call bytes queued unsent:
 * the same 16 MiB. pktd refuses frames over its frameSize limit (1 MiB by default) on its own. */
#define PKTC_CALL_MAX (16u * 1024 * 1024)
/* Complete replies queued at which pktc_process() stops reading (the read in progress may queue a
 * few more): 4096. Why: a peer streaming faster than the caller takes replies is held back by the
 * socket (back-pressure), not by our memory. */
#define PKTC_QUEUE_MAX 4096u

/* One connection to pktd. Opaque. */
struct pktc;

/* Connects to pktd's socket at @path; NULL means $PKTD_SOCKET when set and not empty (ignored in a
 * set-uid/set-gid process), else PKTC_SOCKET_DEFAULT. The socket is close-on-exec; the connect
 * itself blocks until the daemon's kernel backlog takes it, later I/O never blocks outside
 * pktc_reply_read() and pktc_call_sync(). On success stores a new connection in *@ret (free it with
 * pktc_free()). Returns 0, -EINVAL (@ret NULL, @path empty), -ENAMETOOLONG (the path does not fit a
 * sockaddr_un), -ENOMEM, or connect(2)'s error: -ENOENT (no socket there), -ECONNREFUSED (nobody
 * listening), -EACCES (no permission on the socket: pktd is not for this user). */
int pktc_connect(const char *path, struct pktc **ret);

/* Closes the connection and frees it with everything queued; unsent calls are dropped and pktd
 * cancels what it was doing for them. NULL is a no-op. Returns NULL. */
struct pktc *pktc_free(struct pktc *c);

/* pktc_call() flags. MORE asks for a stream of replies (pktd answers ExpectedMore to methods that
 * need it when it is missing); ONEWAY asks for no reply at all. Not both. */
enum pktc_call_flags {
        PKTC_CALL_MORE = 1u << 0,
        PKTC_CALL_ONEWAY = 1u << 1,
};

/* Queues a call of @method (qualified: "io.pktd.Packet.Build") with @params_json, the text of one
 * JSON object ("{\"spec\":\"ip()\"}"), or NULL for none. The text is checked and sent as given (not
 * re-encoded, so what pktd sees is what the caller wrote). Nothing is sent yet: pktc_reply_read(),
 * pktc_call_sync() or pktc_process() send it. A call without ONEWAY gets one reply, or with MORE
 * replies until one has continues false. Returns 0, -EINVAL (@c or @method NULL or empty, @method
 * holding a control character, unknown flags or both, @params_json not exactly one JSON object),
 * -EMSGSIZE (the call is over PKTC_CALL_MAX), -ENOBUFS (over PKTC_CALL_MAX unsent bytes are
 * queued already), -ENOMEM, or the error that made the connection unusable. */
int pktc_call(struct pktc *c, const char *method, const char *params_json, unsigned flags);

/* The most file descriptors one call may carry: 4, pktd's own per-call limit (a call with more is
 * refused there). Why so few: a method takes one or two (a capture file to replay or dissect); each
 * is a descriptor held open in a privileged daemon on the caller's behalf. */
#define PKTC_CALL_FDS_MAX 4u
/* The most calls with descriptors queued unsent at once: 16. Why: each holds up to
 * PKTC_CALL_FDS_MAX duplicated descriptors of the caller's process until it is sent; a caller
 * queuing without sending runs into -ENOBUFS rather than its descriptor limit. */
#define PKTC_FD_CALLS_QUEUED_MAX 16u

/* pktc_call() that also passes the @n_fds file descriptors at @fds to pktd (SCM_RIGHTS on the
 * frame's first byte, in one sendmsg(2)); the method's parameters name them by index in @fds
 * ("fileDescriptor": 0). They are duplicated (close-on-exec) at once: the caller keeps its own and
 * may close them as soon as this returns; the duplicates are closed once sent or when the
 * connection is freed. pktd receives its own copies and never a path. @n_fds 0 is pktc_call().
 * Returns what pktc_call() returns, and -EINVAL (@fds NULL with @n_fds > 0, @n_fds over
 * PKTC_CALL_FDS_MAX), -EBADF (one of them is not an open descriptor), -EMFILE (no descriptor left
 * to duplicate into), -ENOBUFS (PKTC_FD_CALLS_QUEUED_MAX such calls wait to be sent already). */
int pktc_call_fds(struct pktc *c, const char *method, const char *params_json, unsigned flags,
                  const int *fds, size_t n_fds);

/* One reply. Every string is malloc'd and belongs to the struct; pktc_reply_done() frees them. */
struct pktc_reply {
        /* The reply's "parameters" as JSON text, "{}" when it had none; never NULL. A reply in
         * pktd's own shape ({"parameters":{...}} and optionally ,"continues":true, nothing else)
         * keeps the text as pktd sent it, after a strict RFC 8259 check; any other is parsed and
         * written back compact. Either way one JSON object: parse it, do not compare text. */
        char *parameters;
        /* The qualified error name ("org.varlink.service.InvalidParameter") or NULL for success. */
        char *error;
        /* For an error, its parameters' "message" when it has one, else NULL. */
        char *message;
        /* More replies to the same call follow (a streaming call's reply before the last). */
        bool continues;
};

/* Frees what @r holds and zeroes it. NULL and a zeroed reply are fine; so is calling it twice. */
void pktc_reply_done(struct pktc_reply *r);

/* Sends every queued call, then waits for the next reply, at most @timeout_ms milliseconds
 * (negative: no limit; 0: only what is ready now). A reply carrying an error is still a reply: it
 * returns 0 and sets @ret->error. On success fills *@ret (release it with pktc_reply_done()); on
 * failure leaves it untouched. Signals do not cut the wait short (EINTR is retried on the same
 * deadline). Returns 0, -EINVAL, -ENOMSG (no reply is due: every call was answered or was oneway;
 * queued oneway calls are sent first), -ETIMEDOUT (nothing arrived in time, the connection stays
 * usable), -ENOMEM, or the error that made the connection unusable: -ECONNRESET (pktd closed it,
 * also in the middle of a reply), -EPIPE, -EMSGSIZE, -EBADMSG. */
int pktc_reply_read(struct pktc *c, int timeout_ms, struct pktc_reply *ret);

/* pktc_call() without flags, then pktc_reply_read() with no time limit: the whole round trip for
 * a method with one reply. Fails with -EBUSY when replies to earlier calls are still due (take them
 * first, or this reply would be theirs). Returns what those two return. */
int pktc_call_sync(struct pktc *c, const char *method, const char *params_json,
                   struct pktc_reply *ret);

/* The connection's socket, to poll; owned by @c (do not close it, read or write it). -EINVAL for
 * NULL. */
int pktc_get_fd(const struct pktc *c);

/* The poll(2) events to wait for: POLLIN while a reply is due and the reply queue has room, |
 * POLLOUT while calls are waiting to be sent. 0 when there is nothing to wait for or @c is NULL. */
short pktc_get_events(const struct pktc *c);

/* One non-blocking round of I/O: sends what the socket takes, reads what has arrived, and queues
 * each complete reply. Call it when the fd is ready (calling it when it is not is harmless; so is
 * calling it on POLLHUP/POLLERR, which poll(2) reports even for no events: with no reply due it
 * finds the hang-up and returns -ECONNRESET).
 * Returns the number of replies queued (>0: take them with pktc_reply_next()), 0, or the error that
 * made the connection unusable (only once every reply complete before it has been queued and
 * taken: replies are never lost to a later error), -EINVAL, -ENOMEM. */
int pktc_process(struct pktc *c);

/* Takes the oldest queued reply into *@ret (release it with pktc_reply_done()). Reads nothing.
 * Returns 0, -EINVAL, -EAGAIN (none is queued yet), or once the queue is empty, the error that
 * made the connection unusable. */
int pktc_reply_next(struct pktc *c, struct pktc_reply *ret);

#ifdef __cplusplus
}
#endif

#endif
