/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow protocols (IEEE 802.3 Annex 57A, ethertype 0x8809) and two of them: the Link Aggregation
 * Control Protocol and its Marker protocol (IEEE 802.1AX-2008 5.4.2, 5.5.3), which every port
 * channel, bond and LAG speaks.
 *
 *   +---------+   subtype 1: LACPDU, 109 bytes          subtype 2: Marker PDU, 109 bytes
 *   | subtype |   version                               version
 *   +---------+   actor TLV (1, 20): system priority,   marker TLV (1 information, 2 response; 16):
 *     slow          system, key, port priority, port,     requester port, system, transaction id
 *                   state, 3 reserved bytes             terminator TLV (0, 0)
 *                 partner TLV (2, 20): the same         90 reserved bytes
 *                 collector TLV (3, 16): max delay
 *                 terminator TLV (0, 0), 50 reserved bytes
 *
 * Version 1's TLVs sit at fixed places, so the layer is a field table, with pypacker's names for the
 * TLVs' fields (LACPActorInfoTlv: sysprio, sys, key, portprio, port, state, and its state bits),
 * each prefixed with its TLV. What follows the PDU is the frame's padding or FCS: Ethernet's.
 */
#include "internal.h"

enum { SLOW_HDR_LEN = 1, SLOW_LACP = 1, SLOW_MARKER = 2 };
enum { PDU_LEN = 109 }; /* LACPDU and Marker PDU, after the subtype */

/* clang-format off */
static const struct pkt_name subtype_names[] = {
        { SLOW_LACP, "LACP" }, { SLOW_MARKER, "Marker" }, { 3, "OAM" }, { 10, "OSSP" }, { 0, NULL },
};
/* Actor_State and Partner_State (802.1AX-2008 5.4.2.2), pypacker's names. */
static const struct pkt_name state_names[] = {
        { 0x01, "activity" }, { 0x02, "timeout" }, { 0x04, "aggregate" }, { 0x08, "synch" },
        { 0x10, "collect" }, { 0x20, "distribute" }, { 0x40, "defaulted" }, { 0x80, "expired" },
        { 0, NULL },
};
static const struct pkt_name marker_type_names[] = {
        { 1, "Information" }, { 2, "Response" }, { 0, NULL },
};

static const struct pkt_field slow_fields[] = {
        { .name = "subtype", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = subtype_names, .def = SLOW_LACP },
};

/* One actor or partner information TLV at bit @at, of TLV type @tlv. */
#define PORT_INFO(prefix, at, tlv)                                                                          \
        { .name = prefix "_type",     .off = (at),       .bits = 8,  .type = PKT_FT_UINT, .def = (tlv) },   \
        { .name = prefix "_len",      .off = (at) + 8,   .bits = 8,  .type = PKT_FT_UINT, .def = 20 },      \
        { .name = prefix "_sysprio",  .off = (at) + 16,  .bits = 16, .type = PKT_FT_UINT, .def = 0x8000 },  \
        { .name = prefix "_sys",      .off = (at) + 32,  .type = PKT_FT_MAC },                              \
        { .name = prefix "_key",      .off = (at) + 80,  .bits = 16, .type = PKT_FT_UINT },                 \
        { .name = prefix "_portprio", .off = (at) + 96,  .bits = 16, .type = PKT_FT_UINT, .def = 0x8000 },  \
        { .name = prefix "_port",     .off = (at) + 112, .bits = 16, .type = PKT_FT_UINT, .def = 1 },       \
        { .name = prefix "_state",    .off = (at) + 128, .bits = 8,  .type = PKT_FT_FLAGS, .names = state_names }, \
        { .name = prefix "_reserved", .off = (at) + 136, .bits = 24, .type = PKT_FT_BYTES }

static const struct pkt_field lacp_fields[] = {
        { .name = "version", .off = 0, .bits = 8, .type = PKT_FT_UINT, .def = 1 },
        PORT_INFO("actor", 8, 1),
        PORT_INFO("partner", 168, 2),
        { .name = "collector_type",     .off = 328, .bits = 8,  .type = PKT_FT_UINT, .def = 3 },
        { .name = "collector_len",      .off = 336, .bits = 8,  .type = PKT_FT_UINT, .def = 16 },
        { .name = "collector_maxdelay", .off = 344, .bits = 16, .type = PKT_FT_UINT, .def = 10 },
        { .name = "collector_reserved", .off = 360, .bits = 96, .type = PKT_FT_BYTES },
        { .name = "terminator_type",    .off = 456, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "terminator_len",     .off = 464, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "reserved",           .off = 472, .bits = 400, .type = PKT_FT_BYTES },
};

static const struct pkt_field marker_fields[] = {
        { .name = "version",                  .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "marker_type",              .off = 8,   .bits = 8,  .type = PKT_FT_ENUM, .names = marker_type_names, .def = 1 },
        { .name = "marker_len",               .off = 16,  .bits = 8,  .type = PKT_FT_UINT, .def = 16 },
        { .name = "requester_port",           .off = 24,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "requester_system",         .off = 40,  .type = PKT_FT_MAC },
        { .name = "requester_transaction_id", .off = 88,  .bits = 32, .type = PKT_FT_UINT },
        { .name = "marker_reserved",          .off = 120, .bits = 16, .type = PKT_FT_BYTES },
        { .name = "terminator_type",          .off = 136, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "terminator_len",           .off = 144, .bits = 8,  .type = PKT_FT_UINT },
        { .name = "reserved",                 .off = 152, .bits = 720, .type = PKT_FT_BYTES },
};
/* clang-format on */

static unsigned
pdu_of(uint8_t subtype)
{
        return subtype == SLOW_LACP ? PKT_PROTO_LACP : subtype == SLOW_MARKER ? PKT_PROTO_LACP_MARKER : PKT_PROTO_NONE;
}

static void
slow_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->next = (uint16_t)pdu_of(v->b[0]);
}

/* The subtype follows the PDU above unless it was set. */
static int
slow_update(struct pkt *p, unsigned idx)
{
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;

        if (up == PKT_PROTO_LACP)
                return pkt_auto_set(p, idx, 0, SLOW_LACP);
        if (up == PKT_PROTO_LACP_MARKER)
                return pkt_auto_set(p, idx, 0, SLOW_MARKER);
        return 0;
}

static const struct pkt_key slow_carriers[] = { { PKT_KEY_ETHERTYPE, 0x8809 }, PKT_KEY_END };

const struct pkt_proto pkt_proto_slow = {
        .name = "slow",
        .summary = "IEEE 802.3 slow protocols: the subtype (LACP, Marker, OAM, OSSP)",
        .id = PKT_PROTO_SLOW,
        .flags = PKT_P_NEEDS_NEXT,
        .min_hdr_len = SLOW_HDR_LEN,
        .fields = slow_fields,
        .n_fields = ARRAY_SIZE(slow_fields),
        .carriers = slow_carriers,
        .dissect = slow_dissect,
        .update = slow_update,
        .not_dissected = "OAM (802.3 57) and OSSP (ESMC) PDUs stay raw",
};

/* The TLV headers a version 1 PDU has at their places (type, length), from the byte after the
 * version. */
struct tlv_place {
        uint8_t at, type, len;
};

/* The PDU is its header; what follows is the frame's. A version 1 PDU whose TLVs are not where they
 * belong contradicts itself; a later version may add TLVs after the collector (802.1AX-2014), which
 * this table does not read. */
static void
pdu_dissect(const struct pkt_view *v, struct pkt_dissect *d, const struct tlv_place *tlvs, unsigned n)
{
        d->hdr_len = PDU_LEN;
        d->payload_len = 0;
        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (v->caplen < PDU_LEN || v->b[0] != 1)
                return;
        for (unsigned i = 0; i < n; i++)
                if (v->b[tlvs[i].at] != tlvs[i].type || v->b[tlvs[i].at + 1] != tlvs[i].len)
                        d->flags |= PKT_LAYER_MALFORMED;
}

static void
lacp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        static const struct tlv_place tlvs[] = { { 1, 1, 20 }, { 21, 2, 20 }, { 41, 3, 16 }, { 57, 0, 0 } };

        pdu_dissect(v, d, tlvs, ARRAY_SIZE(tlvs));
}

static void
marker_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        static const struct tlv_place tlvs[] = { { 17, 0, 0 } };

        pdu_dissect(v, d, tlvs, ARRAY_SIZE(tlvs));
        if (v->caplen >= PDU_LEN && v->b[0] == 1 && ((v->b[1] != 1 && v->b[1] != 2) || v->b[2] != 16))
                d->flags |= PKT_LAYER_MALFORMED;
}

/* A Marker Response answers the Information of the same requester and transaction (802.1AX-2008
 * 5.5.3.2: the responder copies them). */
static bool
marker_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);
        enum { TYPE_AT = 1, REQUESTER_AT = 3, REQUESTER_LEN = 12 };

        if (!a || !b || a->hdr_len < PDU_LEN || b->hdr_len < PDU_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        return q[TYPE_AT] == 1 && r[TYPE_AT] == 2 && memcmp(q + REQUESTER_AT, r + REQUESTER_AT, REQUESTER_LEN) == 0;
}

const struct pkt_proto pkt_proto_lacp = {
        .name = "lacp",
        .summary = "Link Aggregation Control Protocol (IEEE 802.1AX, 802.3ad): LACPDU",
        .id = PKT_PROTO_LACP,
        .min_hdr_len = PDU_LEN,
        .fields = lacp_fields,
        .n_fields = ARRAY_SIZE(lacp_fields),
        .dissect = lacp_dissect,
        .not_dissected = "Version 2's TLVs after the collector (802.1AX-2014) are read as the version 1 layout",
};

const struct pkt_proto pkt_proto_marker = {
        .name = "marker",
        .summary = "LACP Marker protocol (IEEE 802.1AX 5.5): Marker Information and Response",
        .id = PKT_PROTO_LACP_MARKER,
        .min_hdr_len = PDU_LEN,
        .fields = marker_fields,
        .n_fields = ARRAY_SIZE(marker_fields),
        .dissect = marker_dissect,
        .answers = marker_answers,
};
