/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what sock.c and sock_sr.c share. Never installed. */
#ifndef PKT_SOCK_INTERNAL_H
#define PKT_SOCK_INTERNAL_H

#include <stdint.h>
#include <time.h>

/* Now on @clock, in nanoseconds. */
uint64_t sock_now_ns(clockid_t clock);

#endif
