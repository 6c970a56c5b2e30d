/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to bgp.c and bgp_update.c. */
#ifndef PKT_APP_BGP_H
#define PKT_APP_BGP_H

#include <pkt/proto.h>

#define BGP_HDR_LEN 19
#define BGP_F_TYPE 2 /* the header's Type, third of its fields */

enum {
        BGP_OPEN,
        BGP_PARAMS,
        BGP_CAPABILITIES,
        BGP_UPDATE,
        BGP_WROUTES,
        BGP_PATHLEN, /* the path attributes' length, after the withdrawn routes */
        BGP_PATHATTRS,
        BGP_ASPATH,
        BGP_ANNCROUTES,
        BGP_NOTIFICATION,
        BGP_ROUTEREFRESH,
        BGP_SETS,
};

extern const struct pkt_elem_set pkt_bgp_elems[BGP_SETS];

/* Does a message header (marker, Length >= 19) start at @off? */
bool pkt_bgp_is_message(const struct pkt_view *v, uint32_t off);

/* Does the body of the complete message of @len bytes hold together? */
bool pkt_bgp_body_is_valid(const struct pkt_view *v, uint32_t len);

int pkt_bgp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                       uint8_t *out, size_t size, uint32_t *ret_at);
/* Grows the length an element built by pkt_bgp_elem_build() went under; the message's type follows
 * the element's set unless it was set. */
int pkt_bgp_elem_added(struct pkt *p, unsigned idx, unsigned set);

#endif
