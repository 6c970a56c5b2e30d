/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options in the format IPv4 (RFC 791 3.1) and TCP (RFC 9293 3.2) share: one-byte end-of-list (0) and
 * no-operation (1), otherwise kind, length (counting both), data. Private to libpkt.
 */
#ifndef PKT_IPOPT_H
#define PKT_IPOPT_H

#include <pkt/proto.h>

/* What one option kind's data holds (TCP's mss, window scale, SACK, timestamps), and the lengths it may
 * have, kind and length bytes included: @len_min, then every @len_step (1 when 0) more up to @len_max
 * (@len_min when 0). A kind with no length rule has @len_min 0; a table ends with an entry that has
 * neither fields nor a rule. */
struct pkt_ipopt_kind {
        uint8_t kind;
        uint8_t n_fields;
        const struct pkt_field *fields;
        uint8_t len_min, len_max, len_step;
};

/* Element fields of every option: "type", "len" and "body" (pypacker's names); @names names the kinds. */
#define PKT_IPOPT_FIELDS(kind_names)                                                                         \
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = (kind_names) },                 \
        { .name = "len", .off = 8, .bits = 8, .type = PKT_FT_UINT },                                   \
        { .name = "body", .off = 16, .bits = 0, .type = PKT_FT_BYTES }
#define PKT_IPOPT_N_FIELDS 3

/* Iterates the options between header offsets @start and @end. A length below 2 or past @end makes a
 * malformed element, and one cut by the capture a truncated one; either ends the walk (so a zero
 * length cannot loop). A length outside its kind's rule flags the element PKT_ELEM_BAD_LEN, and the
 * walk goes on after it. */
int pkt_ipopt_next(const struct pkt_view *v, uint32_t start, uint32_t end, struct pkt_elem *e,
                   const struct pkt_ipopt_kind *kinds);

/* Encodes "nop", "eol", "mss(1460)", "ts(tsval=1,tsecr=0)", "7(body=hex)"... Returns its length. The
 * length byte leaves out @len_bias bytes: 0 in IPv4 and TCP, 2 (type and length) in IPv6 (RFC 8200
 * 4.2), so an IPv6 option holds up to 255 bytes of data. */
int pkt_ipopt_build(const struct pkt_name *names, const struct pkt_ipopt_kind *kinds, unsigned len_bias,
                    const char *text, uint8_t *out, size_t size);

#endif
