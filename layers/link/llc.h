/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what the layers that carry LLC write in their length/type field. */
#ifndef PKT_LLC_H
#define PKT_LLC_H

#include <stdint.h>

/* Jumbo LLC (draft-ietf-isis-ext-eth, tshark's "Jumbo LLC"): LLC behind an ethertype, for frames whose
 * payload an 802.3 length field cannot hold. */
#define LLC_ETHERTYPE_JUMBO 0x8870
#define LLC_LEN_MAX         1500u /* IEEE 802.3 3.2.6: larger values are ethertypes */

/* The length/type field of an Ethernet header or 802.1Q tag holding @current before an LLC layer of
 * @llc_len bytes: a Jumbo LLC type stays one, and so does a length unless the layer outgrew it. */
static inline uint32_t
llc_carrier_type(uint16_t current, uint32_t llc_len)
{
        if (current == LLC_ETHERTYPE_JUMBO || llc_len > LLC_LEN_MAX)
                return LLC_ETHERTYPE_JUMBO;
        return llc_len;
}

#endif
