/* SPDX-License-Identifier: BSD-3-Clause */
/* Calls that answer later or more than once (issue 5: Subscribe, Send replays, SendReceive).
 *
 * A handler that cannot answer at once calls pktd_call_async() and returns PKTD_CALL_ASYNC; the
 * call becomes its connection's head. Replies stay in call order: while a head is in progress,
 * later frames wait unparsed in the input buffer (at most PKTD_CALL_WAITING_MAX of them and
 * frameSize bytes: past that the head ends with LimitExceeded{"waitingCalls"} and the connection is
 * closed) and are taken once it ends. Input is still read, so closing the connection is noticed:
 * a full close (or any error on the socket, or the connection being closed by pktd for any reason)
 * cancels the head — its on_cancel function runs once, from the event loop, never from inside one
 * of the functions below — and then the call is freed. A half-close (shutdown(SHUT_WR)) is not a
 * cancel: the head runs to its end, the frames already sent are answered, then pktd closes.
 *
 * A head's replies are not subject to the "disconnect at outputBuffer" rule of ordinary replies:
 * its producer keeps the connection's queued output bounded itself, stopping above a high
 * watermark (pktd_call_queued()) and resuming when pktd_call_on_drain() says it fell below a low
 * one. outputBuffer still caps the queue: a reply that takes the queue past it closes the
 * connection (the call is then cancelled like any other).
 *
 * File descriptors passed with a call (SCM_RIGHTS with the frame's first byte; the only frame in
 * that sendmsg) belong to it: at most PKTD_CALL_FDS_MAX, taken by index with pktd_call_take_fd();
 * any not taken are closed when the call ends (or right after a handler that did not go async).
 * pktd never opens a path a client names. */
#ifndef PKTD_CALL_H
#define PKTD_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pktd_conn;
struct pktp_call;
struct pktp_error;

/* A handler's return value: the call was made async with pktd_call_async() and will end later. */
#define PKTD_CALL_ASYNC 1

/* File descriptors one call may carry: a capture file, a replay file, and room to spare. More is a
 * ProtocolError and the connection is closed (the kernel never hands us more than this many per
 * read: the control buffer is sized for it). */
#define PKTD_CALL_FDS_MAX 4

/* Frames that may wait behind a head (a client pipelining calls behind a stream). Each is at most
 * frameSize bytes and all of them together at most frameSize bytes too, so a waiting connection
 * holds at most one frame's worth of input. */
#define PKTD_CALL_WAITING_MAX 64

/* Frames carrying descriptors that may wait at once (each with at most PKTD_CALL_FDS_MAX): the
 * descriptors a connection holds before its calls take them stay bounded. */
#define PKTD_CONN_FD_FRAMES_MAX 4

struct pktd_call;

/* Makes @call (being handled on @c right now) asynchronous; the handler then returns
 * PKTD_CALL_ASYNC and answers later through the returned object. Returns NULL when out of memory
 * (the handler fails the call the usual way). Copies what it needs: @call is released when the
 * handler returns. */
struct pktd_call *pktd_call_async(struct pktd_conn *c, const struct pktp_call *call);

/* Queues one reply: {"parameters":@params[,"continues":true]}. @params is JSON object text (NULL:
 * {}), @len its length. continues=false ends the call (the object is freed, @a is invalid
 * afterwards, even on failure). continues=true needs a call made with more:true (-EPROTO
 * otherwise: nothing is sent). Replies of a oneway call are dropped. Returns 0, -ECANCELED (the
 * connection is closing: stop producing, on_cancel will run), -ENOBUFS (the queue passed
 * outputBuffer: the connection is being closed) or -ENOMEM. */
int pktd_call_reply(struct pktd_call *a, const char *params, size_t len, bool continues);

/* Below this many bytes pktd_call_reply_ref() copies instead of referencing: a producer's block
 * that went out a quarter full would otherwise hold its whole size for a few frames, and the queue
 * is counted in frame bytes, so memory could exceed the watermarks many times over (a live capture
 * flushing a 64 KiB block per wake-up with one small packet in it). Referenced blocks are at least
 * half full: the memory they hold is at most twice what is queued. */
#define PKTD_CALL_REF_MIN (32 * 1024)

/* Queues @len bytes at @frames: one or more complete replies the caller framed itself, each
 * {"parameters":{...},"continues":true} and its NUL, for a producer that batches many small
 * replies into its own blocks. From PKTD_CALL_REF_MIN bytes up they are queued by reference (no
 * copy, no allocation here); below, copied. @release(@frames, @len, @ud) runs once they have been
 * written or copied, or the connection is freed — possibly after the call has ended, possibly
 * before this returns, and at once when this fails. Needs more:true (-EPROTO). Returns as
 * pktd_call_reply(). */
int pktd_call_reply_ref(struct pktd_call *a, const void *frames, size_t len,
                        void (*release)(const void *frames, size_t len, void *ud), void *ud);

/* Ends the call with the error @err (counted against the method in GetStatus). @a is invalid
 * afterwards. Returns 0 or a negative errno as pktd_call_reply(). */
int pktd_call_error(struct pktd_call *a, const struct pktp_error *err);

/* The client asked for more replies (more:true). */
bool pktd_call_wants_more(const struct pktd_call *a);

/* Runs @fn(@ud) once when the call is cancelled (the connection closed or is closing); the call is
 * freed right after @fn returns, so @fn frees the owner's state and must not touch @a again. Not
 * run for a call that ended with a reply or an error. Inside @fn, pktd_call_reply() with
 * continues=false is accepted once when pktd itself is closing a connection it can still write to
 * (SIGTERM, a revoked role: a last word such as totals) and refused (-ECANCELED) otherwise. */
void pktd_call_on_cancel(struct pktd_call *a, void (*fn)(void *ud), void *ud);

/* Bytes queued on the call's connection and not yet written to the client. */
size_t pktd_call_queued(const struct pktd_call *a);

/* Runs @fn(@ud) once, from the event loop, when the queued output is below @low (at once, on the
 * next loop pass, if it already is). A new registration replaces the previous one; @fn NULL
 * clears it. */
void pktd_call_on_drain(struct pktd_call *a, size_t low, void (*fn)(void *ud), void *ud);

/* Takes file descriptor number @index passed with the call: the caller owns it from now on.
 * Returns the fd; -EBADF when there is no such descriptor (or it was taken already); -EINVAL when
 * it is neither a regular file nor a pipe (the caller answers InvalidParameter "fileDescriptor";
 * the fd stays with the call and is closed when it ends). */
int pktd_call_take_fd(struct pktd_call *a, unsigned index);

/* The number of descriptors passed with the call (taken or not). */
unsigned pktd_call_n_fds(const struct pktd_call *a);

/* The caller's uid and roles (enum pktp_role bits), and its connection. */
uid_t pktd_call_uid(const struct pktd_call *a);
unsigned pktd_call_roles(const struct pktd_call *a);
struct pktd_conn *pktd_call_conn(const struct pktd_call *a);

/* ---- for conn.c: the connection's side of its head call ---- */

/* Cancels @a: runs its on_cancel once, then frees it. @last_word: pktd is closing a connection it
 * can still write to, so on_cancel may send one final reply. */
void pktd_call_cancel(struct pktd_call *a, bool last_word);
/* Frees @a without running its on_cancel: its handler went async, then returned an answer after
 * all, and that answer wins. */
void pktd_call_drop(struct pktd_call *a);
/* Whether a peer holding @roles may still run @a (false when a reload took its method's role). */
bool pktd_call_role_held(const struct pktd_call *a, unsigned roles);
/* The connection's queued output fell: runs @a's drain callback from the loop if it is below its
 * low watermark. */
void pktd_call_output_drained(struct pktd_call *a);

#endif
