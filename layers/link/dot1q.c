/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.1Q VLAN tag, and the IEEE 802.1ad (QinQ) service tag with the same layout.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | PCP |D|         VLAN ID       |  type (>= 0x0600) or length   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   (PCP = prio, D = DEI/CFI; the three make up the TCI)
 *
 * The tag protocol identifier (0x8100, 0x88a8, 0x9100) is the type field of the layer below
 * (Ethernet or an outer tag), so each tag is a layer of its own, as tshark shows it; pypacker folds
 * tags into Ethernet. The type field after the tag follows IEEE 802.3 3.2.6 as Ethernet's does: up
 * to 1500 it is the length of an LLC payload.
 */
#include "internal.h"
#include "llc.h"

#define DOT1Q_HDR_LEN  4
#define DOT1Q_LEN_MAX  1500
#define DOT1Q_TYPE_MIN 0x0600

extern const struct pkt_name pkt_link_ethertype_names[]; /* ethernet.c */

/* clang-format off */
static const struct pkt_field dot1q_fields[] = {
        { .name = "tci",  .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "prio", .off = 0,  .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "cfi",  .off = 3,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "vid",  .off = 4,  .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "type", .off = 16, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
};
/* clang-format on */

enum { F_TCI, F_PRIO, F_CFI, F_VID, F_TYPE };

static void
dot1q_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t type = (uint16_t)(v->b[2] << 8 | v->b[3]);

        d->hdr_len = DOT1Q_HDR_LEN;
        if (type <= DOT1Q_LEN_MAX) {
                /* 802.3 inside the tag: the field is the LLC payload's length, the rest padding. */
                d->payload_len = type;
                d->next = PKT_PROTO_LLC;
        } else if (type >= DOT1Q_TYPE_MIN) {
                d->next = (uint16_t)pkt_key_lookup16(PKT_KEY_ETHERTYPE, type);
        }
}

static int
dot1q_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *up = idx + 1u < p->n_layers ? &p->layers[idx + 1] : NULL;
        uint32_t type;

        if (!up)
                return 0;
        if (up->proto == PKT_PROTO_LLC) {
                uint16_t type_now = pkt_load_be16(pkt_layer_bytes_mut(p, idx) + 2);
                return pkt_auto_set(p, idx, F_TYPE, llc_carrier_type(type_now, up->wire_len));
        }
        if (pkt_carrier_key(up->proto, PKT_KEY_ETHERTYPE, &type) == 0)
                return pkt_auto_set(p, idx, F_TYPE, type);
        return 0;
}

/* The first key is what a lower layer's type field is set to when it carries a tag: 802.1Q's. */
static const struct pkt_key dot1q_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x8100 }, /* IEEE 802.1Q customer tag */
        { PKT_KEY_ETHERTYPE, 0x88a8 }, /* IEEE 802.1ad service tag */
        { PKT_KEY_ETHERTYPE, 0x9100 }, /* pre-standard QinQ */
        PKT_KEY_END,
};

static const char *const dot1q_aliases[] = { "vlan", "dot1ad", NULL };

/* A tag over a type (an 802.3 length goes to the hook). */
#define DOT1Q_FAST                                                                                      \
        { .key = PKT_FAST_KEY16, .key_space = PKT_KEY_ETHERTYPE, .key_off = 2,                          \
          .key_min = DOT1Q_TYPE_MIN }
PKT_FAST_STEP(dot1q_fast_step, DOT1Q_HDR_LEN, DOT1Q_FAST)

const struct pkt_proto pkt_proto_dot1q = {
        .name = "dot1q",
        .aliases = dot1q_aliases,
        .summary = "IEEE 802.1Q VLAN tag / IEEE 802.1ad service tag",
        .id = PKT_PROTO_DOT1Q,
        .min_hdr_len = DOT1Q_HDR_LEN,
        .fields = dot1q_fields,
        .n_fields = ARRAY_SIZE(dot1q_fields),
        .carriers = dot1q_carriers,
        .dissect = dot1q_dissect,
        .fast = DOT1Q_FAST,
        .fast_step = dot1q_fast_step,
        .update = dot1q_update,
};
