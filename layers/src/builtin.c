/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list of built-in protocols. Each lives in its own file under layers/<group>/ and exports one
 * descriptor (ICMP and ICMPv6 also export their per-type sub-headers, as pypacker does).
 */
#include "builtin.h"

/* One line per group; keep each line to its group. */
#define PROTOS(X)                                                                                       \
        X(raw)                                                                                          \
        LINK_PROTOS(X)                                                                                  \
        NET_PROTOS(X)                                                                                   \
        ICMP_PROTOS(X)                                                                                  \
        TRANSPORT_PROTOS(X)                                                                             \
        APP_PROTOS(X)

#define LINK_PROTOS(X) X(ethernet)
#define NET_PROTOS(X) X(ip)
#define ICMP_PROTOS(X)
#define TRANSPORT_PROTOS(X) X(udp)
#define APP_PROTOS(X)

#define DECLARE(n) extern const struct pkt_proto pkt_proto_##n;
PROTOS(DECLARE)

#define ENTRY(n) &pkt_proto_##n,
const struct pkt_proto *const pkt_builtins[] = { PROTOS(ENTRY) };
const unsigned pkt_builtin_count = sizeof(pkt_builtins) / sizeof(pkt_builtins[0]);
