/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulated Remote SPAN (draft-foschiano-erspan-03): a mirrored frame in GRE. Type I has no
 * header of its own (GRE protocol type 0x88be without a sequence number: gre.c goes straight to
 * Ethernet); type II (0x88be with one) and type III (0x22eb) have these, named as scapy's ERSPAN_II
 * and ERSPAN_III name them:
 *
 *   type II                                    type III
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Ver  |          VLAN         | COS | En|T|    Session ID     |   (type III: BSO for En)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Reserved         |                 Index                 |   type III: Timestamp (32)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                   type III: |   SGT (16)    |P|  FT |  Hw ID  |D|Gra|O|
 *                   then, with O: an 8-byte platform-specific sub-header
 *
 * The mirrored frame follows: Ethernet, except a type III frame type other than 0 (Ethernet), which
 * stays raw bytes.
 */
#include "internal.h"

#define ERSPAN2_HDR_LEN   8
#define ERSPAN3_HDR_LEN   12
#define ERSPAN3_PLATF_LEN 8     /* the optional platform-specific sub-header */
#define ERSPAN3_O         0x01u /* in the last byte of the type III header */
#define FT_ETHERNET       0

/* clang-format off */
#define COMMON(ver, en)                                                                                 \
        { .name = "ver",        .off = 0,  .bits = 4,  .type = PKT_FT_UINT, .def = (ver) },            \
        { .name = "vlan",       .off = 4,  .bits = 12, .type = PKT_FT_UINT },                           \
        { .name = "cos",        .off = 16, .bits = 3,  .type = PKT_FT_UINT },                           \
        { .name = (en),         .off = 19, .bits = 2,  .type = PKT_FT_UINT },                           \
        { .name = "t",          .off = 21, .bits = 1,  .type = PKT_FT_UINT },                           \
        { .name = "session_id", .off = 22, .bits = 10, .type = PKT_FT_UINT }

static const struct pkt_field erspan2_fields[] = {
        COMMON(1, "en"),
        { .name = "reserved",   .off = 32, .bits = 12, .type = PKT_FT_UINT },
        { .name = "index",      .off = 44, .bits = 20, .type = PKT_FT_UINT },
};

static const struct pkt_name gra_names[] = {
        { 0, "100us" }, { 1, "100ns" }, { 2, "IEEE1588" }, { 3, "USER" }, { 0, NULL },
};

static const struct pkt_field erspan3_fields[] = {
        COMMON(2, "bso"),
        { .name = "timestamp",  .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "sgt",        .off = 64, .bits = 16, .type = PKT_FT_UINT },
        { .name = "p",          .off = 80, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "ft",         .off = 81, .bits = 5,  .type = PKT_FT_UINT },
        { .name = "hw",         .off = 86, .bits = 6,  .type = PKT_FT_UINT },
        { .name = "d",          .off = 92, .bits = 1,  .type = PKT_FT_UINT },
        { .name = "gra",        .off = 93, .bits = 2,  .type = PKT_FT_ENUM, .names = gra_names },
        { .name = "o",          .off = 95, .bits = 1,  .type = PKT_FT_UINT },
        /* With O set only (beyond the header without it). */
        { .name = "platf_id",   .off = 96, .bits = 6,  .type = PKT_FT_UINT },
        { .name = "platf_info", .off = 102, .bits = 58, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

static void
erspan2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        (void)v;
        d->hdr_len = ERSPAN2_HDR_LEN;
        d->next = PKT_PROTO_ETHERNET;
}

static void
erspan3_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t last = v->b[ERSPAN3_HDR_LEN - 1];

        d->hdr_len = ERSPAN3_HDR_LEN + (last & ERSPAN3_O ? ERSPAN3_PLATF_LEN : 0);
        d->next = (v->b[10] >> 2 & 0x1f) == FT_ETHERNET ? PKT_PROTO_ETHERNET : PKT_PROTO_NONE;
}

/* A type III header built with O set gets its sub-header (zero unless its fields are set after). */
static int
erspan3_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        static const uint8_t zeros[ERSPAN3_PLATF_LEN];

        if ((p->flags & PKT_F_OWNED) && l->hdr_len == ERSPAN3_HDR_LEN &&
            (p->data[l->off + ERSPAN3_HDR_LEN - 1] & ERSPAN3_O))
                return pkt_layer_splice(p, idx, ERSPAN3_HDR_LEN, 0, zeros, sizeof(zeros));
        return 0;
}

static const struct pkt_key erspan2_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x88be }, /* types I and II: gre.c tells them apart */
        PKT_KEY_END,
};

static const struct pkt_key erspan3_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x22eb },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_erspan = {
        .name = "erspan",
        .summary = "Encapsulated Remote SPAN type II, in GRE (draft-foschiano-erspan-03)",
        .id = PKT_PROTO_ERSPAN,
        .min_hdr_len = ERSPAN2_HDR_LEN,
        .fields = erspan2_fields,
        .n_fields = ARRAY_SIZE(erspan2_fields),
        .carriers = erspan2_carriers,
        .dissect = erspan2_dissect,
};

const struct pkt_proto pkt_proto_erspan3 = {
        .name = "erspan3",
        .summary = "Encapsulated Remote SPAN type III, in GRE (draft-foschiano-erspan-03)",
        .id = PKT_PROTO_ERSPAN3,
        .min_hdr_len = ERSPAN3_HDR_LEN,
        .fields = erspan3_fields,
        .n_fields = ARRAY_SIZE(erspan3_fields),
        .carriers = erspan3_carriers,
        .dissect = erspan3_dissect,
        .update = erspan3_update,
        .not_dissected =
                "A frame type other than Ethernet (0) stays raw bytes; the platform-specific "
                "sub-header's fields by platform are one number, platf_info.",
};
