/* SPDX-License-Identifier: BSD-3-Clause */
/* The built-in protocols, registered before main(). Private to libpkt. */
#ifndef PKT_BUILTIN_H
#define PKT_BUILTIN_H

#include <pkt/proto.h>

extern const struct pkt_proto *const pkt_builtins[];
extern const unsigned pkt_builtin_count;

#endif
