/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Novell IPX (IPX Router Specification, Novell part 107-000029-001, chapter 2; RFC 1132 for IPX
 * over 802.2 LLC).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Checksum (0xffff)         |         Packet Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Transport Ctl |  Packet Type  |  Destination Network ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... Network  |          Destination Node (6 bytes) ...       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          ... Node                             |  Dest Socket  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ...          |  Source Network, Node, Socket (12 bytes) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * pypacker keeps each address as 12 bytes (`dst`, `src`); their parts are fields too, so a
 * network, node or socket reads and sets by name. Carried by ethertype 0x8137, LLC SAP 0xe0, SNAP,
 * and "raw 802.3" (Novell's frames with no LLC header, which begin with the checksum ff ff; Ethernet
 * hands those here).
 */
#include "internal.h"

#define IPX_HDR_LEN  30
#define IPX_NO_CSUM  0xffff

/* clang-format off */
static const struct pkt_name ipx_pt_names[] = {
        { 0, "UNKNOWN" }, { 1, "RIP" }, { 4, "PEP" }, { 5, "SPX" }, { 17, "NCP" }, { 20, "NETBIOS" },
        { 0, NULL },
};

static const struct pkt_field ipx_fields[] = {
        { .name = "sum",        .off = 0,   .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = IPX_NO_CSUM },
        { .name = "len",        .off = 16,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = IPX_HDR_LEN },
        { .name = "tc",         .off = 32,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "pt",         .off = 40,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = ipx_pt_names },
        { .name = "dst",        .off = 48,  .bits = 96, .type = PKT_FT_BYTES, .flags = PKT_FF_COMBINED },
        { .name = "dst_net",    .off = 48,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "dst_node",   .off = 80,  .bits = 48, .type = PKT_FT_MAC, .flags = PKT_FF_PART },
        { .name = "dst_socket", .off = 128, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "src",        .off = 144, .bits = 96, .type = PKT_FT_BYTES, .flags = PKT_FF_COMBINED },
        { .name = "src_net",    .off = 144, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "src_node",   .off = 176, .bits = 48, .type = PKT_FT_MAC, .flags = PKT_FF_PART },
        { .name = "src_socket", .off = 224, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
};
/* clang-format on */

enum { F_SUM, F_LEN };

static void
ipx_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = (uint32_t)(v->b[2] << 8 | v->b[3]);

        d->hdr_len = IPX_HDR_LEN;
        if (len < IPX_HDR_LEN) {
                /* The length counts the header: less is a lie. */
                d->flags |= PKT_LAYER_MALFORMED;
                d->payload_len = 0;
                return;
        }
        d->payload_len = len - IPX_HDR_LEN;
        if (len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
}

static int
ipx_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        /* A parsed frame keeps its length: its bytes may include link padding. */
        if (!pkt_is_rebuilt(p))
                return 0;
        return pkt_auto_set(p, idx, F_LEN, MIN(l->wire_len, 0xffffu));
}

static const struct pkt_key ipx_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x8137 },
        { PKT_KEY_LLC_SAP, 0xe0 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_ipx = {
        .name = "ipx",
        .summary = "Novell Internetwork Packet Exchange",
        .id = PKT_PROTO_IPX,
        .min_hdr_len = IPX_HDR_LEN,
        .fields = ipx_fields,
        .n_fields = ARRAY_SIZE(ipx_fields),
        .carriers = ipx_carriers,
        .dissect = ipx_dissect,
        .update = ipx_update,
};
