/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MPLS label stack entries (RFC 3032 2.1; the Exp bits are RFC 5462's Traffic Class), one layer per
 * entry as pypacker, scapy and tshark have them:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Label                  | Cos |S|      TTL      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Nothing in the stack names what the bottom entry carries; the label means whatever the router
 * that gave it out says. So the payload is told by its first nibble, as RFC 4928 2 and RFC 4385 3
 * arrange for routers that must look: 4 is IPv4, 6 is IPv6, 0 is a pseudowire control word (then an
 * Ethernet frame: RFC 4448 4.6, and RFC 8469 makes the word mandatory where supported), 1 an
 * associated channel (opaque here). An Ethernet pseudowire without the word whose destination MAC
 * starts with a 0 nibble is told from one with it by where the ethertype stands (eomcw_absent()).
 * tshark does the same, bar its vendor-prefix test for that last case.
 *
 * Also here: that control word (RFC 4448 4.6; scapy's EoMCW), which exists only behind a label
 * stack.
 */
#include "internal.h"

#define MPLS_HDR_LEN  4
#define EOMCW_HDR_LEN 4
#define ETH_HDR_LEN   14
#define ETH_TYPE_MIN  0x0600

/* clang-format off */
/* Special-purpose labels (IANA "Special-Purpose MPLS Label Values"; RFC 3032 2.1, 6790, 5586, 3429, 7274). */
static const struct pkt_name mpls_label_names[] = {
        { 0, "IPV4_EXPLICIT_NULL" }, { 1, "ROUTER_ALERT" }, { 2, "IPV6_EXPLICIT_NULL" },
        { 3, "IMPLICIT_NULL" }, { 7, "ELI" }, { 13, "GAL" }, { 14, "OAM_ALERT" }, { 15, "EXTENSION" },
        { 0, NULL },
};

/* pypacker's names. The default, pypacker's too, is the last entry of a stack: label 3, S set, TTL 255. */
static const struct pkt_field mpls_fields[] = {
        { .name = "mpls_fields", .off = 0,  .bits = 32, .type = PKT_FT_UINT,
          .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x000031ff },
        { .name = "label",       .off = 0,  .bits = 20, .type = PKT_FT_ENUM, .flags = PKT_FF_PART,
          .names = mpls_label_names },
        { .name = "cos",         .off = 20, .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "bos",         .off = 23, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "ttl",         .off = 24, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
};

static const struct pkt_field eomcw_fields[] = {
        { .name = "zero",     .off = 0,  .bits = 4,  .type = PKT_FT_UINT },
        { .name = "reserved", .off = 4,  .bits = 12, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "seq",      .off = 16, .bits = 16, .type = PKT_FT_UINT },
};
/* clang-format on */

enum { F_FIELDS, F_LABEL, F_COS, F_BOS, F_TTL };

/* Does the ethertype of an Ethernet header at @b (@len bytes) name a registered protocol? */
static bool
ethertype_known(const uint8_t *b, uint32_t len)
{
        if (len < ETH_HDR_LEN)
                return false;
        uint16_t type = pkt_load_be16(b + 12);
        return type >= ETH_TYPE_MIN && pkt_key_lookup(PKT_KEY_ETHERTYPE, type) != PKT_PROTO_NONE;
}

/* Is the payload @b (@len bytes, first nibble 0) an Ethernet frame without a control word? Only
 * when its bytes read as an Ethernet header where they stand and not 4 bytes on. */
static bool
eomcw_absent(const uint8_t *b, uint32_t len)
{
        return ethertype_known(b, len) &&
               !(len >= EOMCW_HDR_LEN && ethertype_known(b + EOMCW_HDR_LEN, len - EOMCW_HDR_LEN));
}

/* What the bottom entry carries, from the first bytes of the payload @b (@len >= 1 bytes). */
static unsigned
bottom_payload(const uint8_t *b, uint32_t len)
{
        switch (b[0] >> 4) {
        case 4:
                return PKT_PROTO_IP;
        case 6:
                return PKT_PROTO_IP6;
        case 0:
                return eomcw_absent(b, len) ? PKT_PROTO_ETHERNET : PKT_PROTO_EOMCW;
        default:
                /* 1: an associated channel (RFC 4385 3, RFC 5586); the rest: unknown */
                return PKT_PROTO_NONE;
        }
}

static void
mpls_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        bool bottom = v->b[2] & 0x01;

        d->hdr_len = MPLS_HDR_LEN;
        if (!bottom)
                d->next = PKT_PROTO_MPLS;
        else if (v->caplen > MPLS_HDR_LEN)
                d->next = (uint16_t)bottom_payload(v->b + MPLS_HDR_LEN, v->caplen - MPLS_HDR_LEN);
}

/* S marks the last entry: set unless another entry follows. */
static int
mpls_update(struct pkt *p, unsigned idx)
{
        bool below_another = idx + 1u < p->n_layers && p->layers[idx + 1].proto == PKT_PROTO_MPLS;

        return pkt_auto_set(p, idx, F_BOS, !below_another);
}

/* The first key is what a lower layer's type field is set to: the unicast ethertype, IP protocol
 * 137 (RFC 4023), UDP port 6635 (RFC 7510), PPP's MPLS protocols (RFC 3032 4.3). */
static const struct pkt_key mpls_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x8847 },
        { PKT_KEY_ETHERTYPE, 0x8848 },
        { PKT_KEY_IP_PROTO, 137 },
        { PKT_KEY_UDP_PORT, 6635 },
        { PKT_KEY_PPP, 0x0281 },
        { PKT_KEY_PPP, 0x0283 },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_mpls = {
        .name = "mpls",
        .summary = "MPLS label stack entry (RFC 3032)",
        .id = PKT_PROTO_MPLS,
        .min_hdr_len = MPLS_HDR_LEN,
        .fields = mpls_fields,
        .n_fields = ARRAY_SIZE(mpls_fields),
        .carriers = mpls_carriers,
        .dissect = mpls_dissect,
        .update = mpls_update,
        .not_dissected = "an associated channel (first nibble 1, RFC 4385 3 and RFC 5586: raw "
                         "after the stack)",
};

static void
eomcw_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        (void)v;
        d->hdr_len = EOMCW_HDR_LEN;
        d->next = PKT_PROTO_ETHERNET;
}

static const char *const eomcw_aliases[] = { "pwethcw", NULL };

const struct pkt_proto pkt_proto_eomcw = {
        .name = "eomcw",
        .aliases = eomcw_aliases,
        .summary = "Ethernet pseudowire control word, behind an MPLS label stack (RFC 4448 4.6)",
        .id = PKT_PROTO_EOMCW,
        .min_hdr_len = EOMCW_HDR_LEN,
        .fields = eomcw_fields,
        .n_fields = ARRAY_SIZE(eomcw_fields),
        .dissect = eomcw_dissect,
};
