/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what sock.c and sock_sr.c share. Never installed. */
#ifndef PKT_SOCK_INTERNAL_H
#define PKT_SOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <pkt/sock.h>

/* Now on @clock, in nanoseconds. */
uint64_t sock_now_ns(clockid_t clock);

/* One frame if one is queued, without waiting: its captured length (meta filled when @ret_meta is
 * not NULL), or -EAGAIN, or -errno. */
int sock_recv_one(struct pkt_sock *s, void *buf, size_t size, struct pkt_sock_meta *ret_meta);

/* Waits up to @timeout_ms (negative: no limit) for @events on @fd. Returns 1, 0 (timeout or a
 * signal), or -errno. */
int sock_wait_fd(int fd, short events, int timeout_ms);

/* Throws away what @s has queued (a bounded number of frames). */
void sock_drain(struct pkt_sock *s);

#endif
