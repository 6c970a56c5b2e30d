/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: what HSRP's two versions (hsrp.c, hsrp2.c) share: their ports, and how to tell them apart. */
#ifndef PKT_HSRP_H
#define PKT_HSRP_H

#include "internal.h"

extern const struct pkt_key pkt_hsrp_carriers[];

/* Do the @len bytes at @b start a version 2 message: a TLV header of a known type and its length,
 * where a version 0 header has its version, 0? (hsrp2.c) */
bool pkt_hsrp2_starts(const uint8_t *b, uint32_t len);

#endif
