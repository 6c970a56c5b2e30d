/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what PPP (ppp.c) shares with its control protocols (ppp_cp.c). */
#ifndef PKT_LINK_PPP_H
#define PKT_LINK_PPP_H

#include <pkt/proto.h>

/* PPP's protocol numbers by name (RFC 1661, IANA), ending { 0, NULL }. */
extern const struct pkt_name pkt_ppp_proto_names[];

#endif
