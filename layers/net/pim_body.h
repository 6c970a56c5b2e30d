/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to pim_body.c and pim_bsr.c: PIM's encoded addresses (RFC 7761 4.9.1), which both files'
 * bodies are built of. */
#ifndef PKT_NET_PIM_BODY_H
#define PKT_NET_PIM_BODY_H

#include <stdbool.h>

#include <pkt/proto.h>

/* Family and encoding type precede every encoded address; group and source ones add a flags byte and
 * a mask length. */
#define PIM_EA_UNI_PREFIX 2
#define PIM_EA_GRP_PREFIX 4
#define PIM_AF_IPV4       1
#define PIM_AF_IPV6       2

/* Why 12: more arguments than an encoded-address element takes, as the JSON writer gives it: a
 * bootstrap group range has 10 (af, enc_type, b, z, masklen, group, rp_count, frag_rp_count, rsvd,
 * rp_data). */
#define EA_ARGS_MAX 12

/* Why 128: the longest text of one address in a list (a join/prune source, a bootstrap RP), such as
 * "rp(addr=<IPv6, 39 chars>,holdtime=65535,priority=255,rsvd=ff)", is under 80 characters. */
#define EA_ITEM_TEXT_MAX 128

/* Every encoded-address element's fields, and an encoded group's kind fields by family. */
extern const struct pkt_field pkt_pim_ea_fields[2];
extern const struct pkt_field pkt_pim_group4_fields[4];
extern const struct pkt_field pkt_pim_group6_fields[4];
/* A kind pair as the calls below take it: the IPv4 table and its size, the IPv6 table and its size. */
#define PIM_KINDS(f4, f6) (f4), ARRAY_SIZE(f4), (f6), ARRAY_SIZE(f6)
#define PIM_GROUP_KINDS   PIM_KINDS(pkt_pim_group4_fields, pkt_pim_group6_fields)

/* The encoded-address element at @pos, @prefix bytes before its address and @extra after it, its kind
 * fields by family (@f4/@f6). Returns 1 (the end in @e->next), or 0 past the message. */
int pkt_pim_ea_elem(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t prefix,
                    uint32_t extra, const struct pkt_field *f4, uint8_t n4, const struct pkt_field *f6,
                    uint8_t n6);

/* Encodes an encoded-address element from @args (the address bare or by its field's name, af and
 * enc_type as JSON gives them); arguments named in @lists are the caller's. Returns its length. */
int pkt_pim_ea_encode(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size, uint32_t prefix,
                      const struct pkt_field *f4, unsigned n4, const struct pkt_field *f6, unsigned n6,
                      const char *const *lists);

/* The same from element text; @jp: a join/prune group with join= and prune= lists. */
int pkt_pim_ea_build(const char *text, uint8_t *out, size_t size, uint32_t prefix, const struct pkt_field *f4,
                     unsigned n4, const struct pkt_field *f6, unsigned n6, bool jp);

/* A body that is the whole message: walks every set once, flagging the layer at a damaged element. */
void pkt_pim_body_dissect(const struct pkt_view *v, struct pkt_dissect *d, const struct pkt_elem_set *sets,
                          unsigned n);

#endif
