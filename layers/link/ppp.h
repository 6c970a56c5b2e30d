/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what PPP (ppp.c) shares with its control and authentication protocols
 * (ppp_cp.c, ppp_auth.c). */
#ifndef PKT_LINK_PPP_H
#define PKT_LINK_PPP_H

#include <pkt/proto.h>

/* PPP's protocol numbers by name (RFC 1661, IANA), ending { 0, NULL }. */
extern const struct pkt_name pkt_ppp_proto_names[];

/*
 * The packet LCP, the network control protocols, PAP and CHAP share (RFC 1661 5): code, identifier,
 * length (of the whole packet), then data. Their field tables start with those three fields.
 */
#define PPP_PACKET_HDR_LEN 4
enum { PPP_F_CODE, PPP_F_ID, PPP_F_LEN };

/* The sub-layer a protocol's packets of @code have for a body, or PKT_PROTO_NONE. */
typedef unsigned (*ppp_body_fn)(unsigned proto, unsigned code);

/* Dissects the shared header: the data to the length is the payload, what follows the carrier's
 * padding; a length below the header's or past the carrier's bytes is malformed. Returns the
 * length. */
uint32_t ppp_packet_dissect(const struct pkt_view *v, struct pkt_dissect *d);

/* Refreshes layer @idx as built: the first code up to @max_code whose body is the layer above,
 * unless the code was set or already has that body; the length of header and body. */
int ppp_packet_update(struct pkt *p, unsigned idx, ppp_body_fn body_of, unsigned max_code);

/* Are layers @ri of @req and @pi of @rep packets of one protocol with the same identifier? Their
 * codes go to *@ret_req and *@ret_rep, for the protocol to say whether one answers the other. */
bool ppp_packet_codes(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi, uint8_t *ret_req,
                      uint8_t *ret_rep);

#endif
