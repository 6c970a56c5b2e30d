/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OSPF version 2 (RFC 2328 A.3) and version 3 (RFC 5340 A.3).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Version #   |     Type      |         Packet length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          Router ID                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Area ID                             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |             AuType            |  v3: Instance ID, 0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Authentication (8 bytes)                |  v2 only
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * pypacker's OSPF is the version 2 header; a version 3 header is 16 bytes, so `auth` does not exist
 * there and `atype` is the instance ID and its reserved byte. The version 2 bodies (hello, database
 * description, LS request, LS update, LS acknowledgement) of both versions are sub-layers in
 * ospf_body.c, chosen by the version and the type.
 *
 * Checksum (RFC 2328 D.4.3): the Internet checksum of the packet (`len` bytes) less the 64-bit
 * authentication field; with cryptographic authentication (AuType 2) it is not computed and stays 0,
 * and the message digest follows the packet, outside `len`. Version 3 sums the IPv6 pseudo-header
 * too (RFC 5340 A.3.1).
 */
#include "internal.h"

#define OSPF_V2_HDR_LEN 24
#define OSPF_V3_HDR_LEN 16
#define OSPF_AUTH_OFF   16
#define OSPF_AUTH_LEN   8
#define OSPF_AUTH_CRYPT 2
#define IP_PROTO_OSPF   89

/* clang-format off */
static const struct pkt_name ospf_type_names[] = {
        { 1, "HELLO" }, { 2, "DB_DESCRIPTION" }, { 3, "LS_REQUEST" }, { 4, "LS_UPDATE" }, { 5, "LS_ACK" },
        { 0, NULL },
};

static const struct pkt_name ospf_atype_names[] = {
        { 0, "NONE" }, { 1, "SIMPLE" }, { 2, "CRYPTOGRAPHIC" }, { 0, NULL },
};

static const struct pkt_field ospf_fields[] = {
        { .name = "v",      .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .def = 2 },
        { .name = "type",   .off = 8,   .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = ospf_type_names, .def = 1 },
        /* The header's own length until computed: a header alone holds together (and selects its body). */
        { .name = "len",    .off = 16,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = OSPF_V2_HDR_LEN },
        { .name = "router", .off = 32,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "area",   .off = 64,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "sum",    .off = 96,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX },
        { .name = "atype",  .off = 112, .bits = 16, .type = PKT_FT_ENUM, .names = ospf_atype_names },
        { .name = "auth",   .off = 128, .bits = 64, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_V, F_TYPE, F_LEN, F_ROUTER, F_AREA, F_SUM, F_ATYPE, F_AUTH };

/* The body sub-layer of each version and type (RFC 2328 A.3.2-A.3.6, RFC 5340 A.3.2-A.3.6). */
#define OSPF_TYPES 6
static const uint16_t ospf_bodies[][OSPF_TYPES] = {
        [2] = { [1] = PKT_PROTO_OSPF_HELLO, [2] = PKT_PROTO_OSPF_DBDESC, [3] = PKT_PROTO_OSPF_LSR,
                [4] = PKT_PROTO_OSPF_LSU, [5] = PKT_PROTO_OSPF_LSACK },
        [3] = { [1] = PKT_PROTO_OSPF6_HELLO, [2] = PKT_PROTO_OSPF6_DBDESC, [3] = PKT_PROTO_OSPF6_LSR,
                [4] = PKT_PROTO_OSPF6_LSU, [5] = PKT_PROTO_OSPF6_LSACK },
};

static void
ospf_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = (uint32_t)(v->b[2] << 8 | v->b[3]);
        uint8_t type = v->b[1];

        d->hdr_len = v->b[0] == 3 ? OSPF_V3_HDR_LEN : OSPF_V2_HDR_LEN;
        if (len < d->hdr_len) {
                d->flags |= PKT_LAYER_MALFORMED;
                d->payload_len = 0;
                return;
        }
        /* What follows `len` is the cryptographic digest (RFC 2328 D.4.3), not the body's. */
        d->payload_len = len - d->hdr_len;
        if (len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
        if ((v->b[0] == 2 || v->b[0] == 3) && type < OSPF_TYPES)
                d->next = ospf_bodies[v->b[0]][type];
}

static int
ospf_update_type(struct pkt *p, unsigned idx)
{
        const uint8_t *h = p->data + p->layers[idx].off;

        if (idx + 1u >= p->n_layers)
                return 0;
        unsigned sub = p->layers[idx + 1].proto;
        for (unsigned v = 2; v <= 3; v++)
                for (unsigned t = 1; t < OSPF_TYPES; t++)
                        if (ospf_bodies[v][t] == sub && h[1] != t)
                                return pkt_auto_set(p, idx, F_TYPE, t);
        return 0;
}

static int
ospf_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint8_t *h = pkt_layer_bytes_mut(p, idx);
        uint32_t sum = 0, len;
        int r;

        if ((r = ospf_update_type(p, idx)) < 0)
                return r;
        /* A header built as version 3 is 16 bytes (RFC 5340 A.3.1): version 2's authentication, which
         * a new header starts with, goes. */
        if ((p->flags & PKT_F_OWNED) && h[0] == 3 && l->hdr_len == OSPF_V2_HDR_LEN &&
            !(l->set_mask & (UINT64_C(1) << F_AUTH))) {
                if ((r = pkt_layer_splice(p, idx, OSPF_V3_HDR_LEN, OSPF_AUTH_LEN, NULL, 0)) < 0)
                        return r;
                l = &p->layers[idx];
                h = pkt_layer_bytes_mut(p, idx);
        }
        if (pkt_is_rebuilt(p) &&
            (r = pkt_auto_set(p, idx, F_LEN, MIN(l->wire_len, 0xffffu))) < 0)
                return r;
        if (l->set_mask & (UINT64_C(1) << F_SUM))
                return 0;
        len = MIN((uint32_t)(h[2] << 8 | h[3]), l->len);
        h[12] = h[13] = 0;
        if (h[0] == 3) {
                if (pkt_csum_pseudo(p, idx, IP_PROTO_OSPF, len, &sum) < 0)
                        return 0;
        } else if (l->hdr_len >= OSPF_V2_HDR_LEN && (h[14] << 8 | h[15]) == OSPF_AUTH_CRYPT) {
                return 0; /* stays 0 */
        } else if (l->hdr_len >= OSPF_V2_HDR_LEN && len >= OSPF_V2_HDR_LEN) {
                sum = pkt_csum_add(pkt_csum_add(0, h, OSPF_AUTH_OFF), h + OSPF_V2_HDR_LEN,
                                   len - OSPF_V2_HDR_LEN);
                goto out;
        }
        sum = pkt_csum_add(sum, h, len);
out:;
        uint16_t c = pkt_csum_fold(sum);
        h[12] = (uint8_t)(c >> 8);
        h[13] = (uint8_t)c;
        return 0;
}

static const struct pkt_key ospf_carriers[] = {
        { PKT_KEY_IP_PROTO, IP_PROTO_OSPF },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_ospf = {
        .name = "ospf",
        .summary = "Open Shortest Path First v2 (RFC 2328), v3 header (RFC 5340)",
        .id = PKT_PROTO_OSPF,
        .flags = PKT_P_CSUM_PAYLOAD | PKT_P_CSUM_PSEUDO | PKT_P_NEEDS_NEXT,
        .min_hdr_len = OSPF_V3_HDR_LEN, /* a version 2 header is longer: its dissect says so */
        .def_hdr_len = OSPF_V2_HDR_LEN,
        .fields = ospf_fields,
        .n_fields = ARRAY_SIZE(ospf_fields),
        .carriers = ospf_carriers,
        .dissect = ospf_dissect,
        .update = ospf_update,
};
