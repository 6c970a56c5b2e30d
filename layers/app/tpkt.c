/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TPKT: ISO transport services on top of TCP (RFC 1006 6; RDP uses it on port 3389, RFC 2126 for
 * TCP/IPv6 too).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      vrsn     |    reserved   |          packet length        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       TPDU (ISO 8073, see cotp.c)            ...
 *
 * The length counts the whole packet, these four bytes included. Version 3 is the only one; anything
 * else on these ports (RDP fast-path output) is not TPKT and its bytes stay raw payload.
 */
#include "internal.h"

#define TPKT_HDR_LEN 4
#define TPKT_VERSION 3

/* clang-format off */
static const struct pkt_field tpkt_fields[] = {
        { .name = "v",    .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .def = TPKT_VERSION },
        { .name = "rsvd", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = TPKT_HDR_LEN },
};
/* clang-format on */

enum { F_V, F_RSVD, F_LEN };

static void
tpkt_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t len = (uint16_t)(v->b[2] << 8 | v->b[3]);

        if (v->b[0] != TPKT_VERSION)
                return;
        /* RFC 1006: the smallest TPDU is 3 bytes; a length that covers not even the header lies. */
        if (len < TPKT_HDR_LEN) {
                d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->payload_len = len - TPKT_HDR_LEN;
        if (len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
        if (len > TPKT_HDR_LEN)
                d->next = PKT_PROTO_COTP;
}

static int
tpkt_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        return pkt_auto_set(p, idx, F_LEN, l->wire_len > 0xffff ? 0xffff : l->wire_len);
}

static const struct pkt_key tpkt_carriers[] = {
        { PKT_KEY_TCP_PORT, 102 },
        { PKT_KEY_TCP_PORT, 3389 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_tpkt = {
        .name = "tpkt",
        .summary = "ISO transport over TCP (RFC 1006)",
        .id = PKT_PROTO_TPKT,
        .min_hdr_len = TPKT_HDR_LEN,
        .fields = tpkt_fields,
        .n_fields = ARRAY_SIZE(tpkt_fields),
        .carriers = tpkt_carriers,
        .dissect = tpkt_dissect,
        .update = tpkt_update,
};
