/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP Authentication Header (RFC 4302), after IPv4 or IPv6.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Header   |  Payload Len  |          RESERVED             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Security Parameters Index (SPI)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Sequence Number Field                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Integrity Check Value-ICV (variable)           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Payload Len counts 4-byte words minus 2 (RFC 4302 2.2): the header is (len + 2) * 4 bytes.
 */
#include <string.h>

#include "internal.h"

#define AH_HDR_LEN   12
#define AH_NXT_NONE  59
#define AH_ALIGN_IP4 4 /* RFC 4302 2.6: the ICV pads the header to 32 bits after IPv4 */
#define AH_ALIGN_IP6 8 /* ... and to 64 bits after IPv6 */

extern const struct pkt_name pkt_ip_proto_names[]; /* ipv4.c */

/* clang-format off */
static const struct pkt_field ah_fields[] = {
        { .name = "nxt",  .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = AH_NXT_NONE },
        { .name = "len",  .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = AH_HDR_LEN / 4 - 2 },
        { .name = "rsvd", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "spi",  .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "seq",  .off = 64, .bits = 32, .type = PKT_FT_UINT },
        { .name = "icv",  .off = 96, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_NXT, F_LEN, F_RSVD, F_SPI, F_SEQ, F_ICV };

static void
ah_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = ((uint32_t)v->b[1] + 2) * 4;
        d->next = (uint16_t)pkt_key_lookup(PKT_KEY_IP_PROTO, v->b[0]);
        /* RFC 4302 2.2: the fixed fields alone make 12 bytes (len 1). Some stacks send len 0;
         * tshark, like them, then takes 8 bytes and goes on to the next header, so we do too,
         * flagged. */
        if (d->hdr_len < AH_HDR_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* The header must end on the alignment of the IP version it follows (RFC 4302 2.6). */
static uint32_t
ah_align(struct pkt *p, unsigned idx)
{
        int ip4 = pkt_layer_below(p, idx, PKT_PROTO_IP),
            ip6 = pkt_layer_below(p, idx, PKT_PROTO_IP6);

        return ip6 > ip4 ? AH_ALIGN_IP6 : AH_ALIGN_IP4;
}

static int
ah_update(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[AH_ALIGN_IP6];
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t align = ah_align(p, idx), key;
        int r;

        if (l->hdr_len % align && !(l->set_mask & (UINT64_C(1) << F_LEN)) &&
            (r = pkt_layer_splice(p, idx, l->hdr_len, 0, zeros, align - l->hdr_len % align)) < 0)
                return r;
        if ((r = pkt_auto_set(p, idx, F_LEN, MIN(MAX(l->hdr_len / 4, 2u) - 2, 255u))) < 0)
                return r;
        if (idx + 1u < p->n_layers &&
            pkt_carrier_key(p->layers[idx + 1].proto, PKT_KEY_IP_PROTO, &key) == 0)
                return pkt_auto_set(p, idx, F_NXT, key);
        return 0;
}

static const struct pkt_key ah_carriers[] = {
        { PKT_KEY_IP_PROTO, 51 },
        PKT_KEY_END,
};

static const char *const ah_aliases[] = { "ip6ahheader", NULL };

const struct pkt_proto pkt_proto_ah = {
        .name = "ah",
        .aliases = ah_aliases,
        .summary = "IP Authentication Header (RFC 4302)",
        .id = PKT_PROTO_AH,
        .min_hdr_len = AH_HDR_LEN,
        .fields = ah_fields,
        .n_fields = ARRAY_SIZE(ah_fields),
        .carriers = ah_carriers,
        .dissect = ah_dissect,
        .update = ah_update,
};
