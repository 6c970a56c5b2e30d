/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: elements with a 16-bit type and a 16-bit length (PPPoE tags, DTP TLVs, DHCPv6
 * options), or with an 8-bit type and length (HSRP version 2 TLVs, IS-IS TLVs, PPP options). */
#ifndef PKT_TLV16_H
#define PKT_TLV16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pkt/proto.h>

/*
 * Iterates type-length-value elements from @start to @end (bounded by what was captured). The length
 * counts the 4-byte type and length too when @len_has_hdr. An element cut by the capture is truncated;
 * one running past @end or shorter than its own header is malformed; either ends the walk.
 */
int pkt_tlv16_next(const struct pkt_view *v, uint32_t start, uint32_t end, bool len_has_hdr,
                   struct pkt_elem *e);

/* As pkt_tlv16_next(), for elements with a 1-byte type and a 1-byte length (of the value, or of the
 * whole element when @len_has_hdr: PPP's configuration options). */
int pkt_tlv8_next(const struct pkt_view *v, uint32_t start, uint32_t end, bool len_has_hdr,
                  struct pkt_elem *e);

/*
 * Encodes element text "name", "name(value)" or "name(type=N,len=N,value=V)" into @out: the type from
 * @names (case-insensitive) or a number, the value quoted text or hex, the length computed unless given.
 * Returns the element length, -EINVAL, -ENOENT (unknown argument) or -EMSGSIZE.
 */
int pkt_tlv16_build(const struct pkt_name *names, bool len_has_hdr, const char *text, uint8_t *out, size_t size);

#endif
