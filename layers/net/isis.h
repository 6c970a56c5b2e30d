/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the IS-IS files: the PDU sub-layers (isis.c) read and build their TLVs with isis_tlv.c. */
#ifndef PKT_NET_ISIS_H
#define PKT_NET_ISIS_H

#include "internal.h"

/* Element sets: every PDU's TLVs first; then, one by one, the entries of the list TLVs the PDU
 * carries (sequence number PDUs: LSP entries; LSPs: IS and IP reachability). */
enum { SET_TLVS, SET_LSPS, SNP_SETS };
enum { SET_IS_REACH = 1, SET_IP_REACH, SET_IP6_REACH, SET_IS_REACH_NARROW, SET_IP_REACH_NARROW, LSP_SETS };

extern const struct pkt_elem_set isis_tlv_elems[1]; /* the hellos' */
extern const struct pkt_elem_set isis_lsp_elems[LSP_SETS];
extern const struct pkt_elem_set isis_snp_elems[SNP_SETS];

/* Where a PDU sub-layer's TLVs start: after its fixed fields (the protocol's min_hdr_len). */
uint32_t isis_tlvs_start(const struct pkt_view *v);

/* The damage flags of the TLVs of PDU sub-layer @v, and of the entries its sets list: a TLV or entry
 * that contradicts the PDU makes the layer malformed. */
uint16_t isis_elems_damage(const struct pkt_view *v);

/* The PDU sub-layers' elem_build: a TLV by its kind's fields, from "name(key=value,...)" text. */
int isis_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
                    size_t size, uint32_t *ret_at);

#endif
