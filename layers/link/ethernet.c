/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II and IEEE 802.3 (IEEE 802.3 clause 3.2; RFC 894 for IP over Ethernet II, RFC 1042 for
 * 802.3 with LLC/SNAP).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     destination address                       |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+         source address        +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       type (>= 0x0600) or length (<= 1500)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * VLAN tags are layers of their own (dot1q), as tshark shows them; pypacker folds them into Ethernet.
 */
#include <string.h>

#include "internal.h"
#include "llc.h"

#define ETH_HDR_LEN 14
/* IEEE 802.3 3.2.6: values up to 1500 are a length, from 1536 (0x0600) on a type. */
#define ETH_LEN_MAX 1500
#define ETH_TYPE_MIN 0x0600

/* clang-format off */
/* Shared with the other layers that carry an ethertype (802.1Q, Linux cooked capture, ARP). */
const struct pkt_name pkt_link_ethertype_names[] = {
        { 0x0800, "IP" },     { 0x0806, "ARP" },   { 0x8035, "REVARP" }, { 0x8100, "8021Q" },
        { 0x8137, "IPX" },    { 0x86dd, "IP6" },   { 0x8847, "MPLS_UCAST" }, { 0x8848, "MPLS_MCAST" },
        { 0x8863, "PPOE_DISC" }, { 0x8864, "PPOE_SESS" }, { 0x88a8, "PBRIDGE" }, { 0x88cc, "LLDP" },
        { 0x88e5, "MACSEC" }, { 0x88f7, "PTPv2" }, { 0x8808, "EFC" }, { 0x8809, "SP" },
        { 0x9100, "TUNNELING" }, { 0x2000, "CDP" }, { 0x2004, "DTP" }, { 0x80f3, "AARP" },
        { 0x8870, "JUMBO_LLC" },
        { 0, NULL },
};

static const struct pkt_field ethernet_fields[] = {
        { .name = "dst",  .off = 0,  .bits = 48, .type = PKT_FT_MAC, .def_bytes = "\xff\xff\xff\xff\xff\xff" },
        { .name = "src",  .off = 48, .bits = 48, .type = PKT_FT_MAC, .def_bytes = "\xff\xff\xff\xff\xff\xff" },
        { .name = "type", .off = 96, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
};
/* clang-format on */

enum { F_DST, F_SRC, F_TYPE };

static void
ethernet_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t type = (uint16_t)(v->b[12] << 8 | v->b[13]);

        d->hdr_len = ETH_HDR_LEN;
        if (type <= ETH_LEN_MAX) {
                /* 802.3: the field is the payload length; what follows it is padding. Novell's
                 * "raw 802.3" has no LLC header: its IPX checksum ff ff stands where DSAP/SSAP
                 * would (no SAP is 0xff on both), so those frames go to IPX. */
                d->payload_len = type;
                d->next = v->caplen >= ETH_HDR_LEN + 2 && v->b[14] == 0xff && v->b[15] == 0xff
                                  ? PKT_PROTO_IPX
                                  : PKT_PROTO_LLC;
        } else if (type >= ETH_TYPE_MIN) {
                d->next = (uint16_t)pkt_key_lookup16(PKT_KEY_ETHERTYPE, type);
        }
}

static bool
is_length(const uint8_t *h)
{
        return (h[12] << 8 | h[13]) <= ETH_LEN_MAX;
}

static int
ethernet_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *up = idx + 1u < p->n_layers ? &p->layers[idx + 1] : NULL;
        uint32_t type;

        if (!up)
                return 0;
        const uint8_t *h = pkt_layer_bytes_mut(p, idx);
        if (up->proto == PKT_PROTO_LLC)
                return pkt_auto_set(p, idx, F_TYPE, llc_carrier_type(pkt_load_be16(h + 12), up->wire_len));
        /* A length-typed frame stays one: IPX in a raw 802.3 frame. */
        if (up->proto == PKT_PROTO_IPX && is_length(h))
                return pkt_auto_set(p, idx, F_TYPE, MIN(up->wire_len, (uint32_t)ETH_LEN_MAX));
        if (pkt_carrier_key(up->proto, PKT_KEY_ETHERTYPE, &type) == 0)
                return pkt_auto_set(p, idx, F_TYPE, type);
        return 0;
}

static bool
is_group(const uint8_t *mac)
{
        return mac[0] & 1; /* IEEE 802-2014 8.2: the I/G bit marks multicast and broadcast */
}

static unsigned
ethernet_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        const uint8_t *ad = a->b, *as = a->b + 6, *bd = b->b, *bs = b->b + 6;
        unsigned dir = PKT_DIR_UNKNOWN;

        if (memcmp(ad, bd, 6) == 0 && memcmp(as, bs, 6) == 0)
                dir |= PKT_DIR_SAME;
        if ((memcmp(ad, bs, 6) == 0 && memcmp(as, bd, 6) == 0) || (is_group(ad) && memcmp(bd, as, 6) == 0))
                dir |= PKT_DIR_REV;
        return dir;
}

static void
ethernet_reverse(uint8_t *h, size_t len)
{
        uint8_t tmp[6];

        (void)len;
        memcpy(tmp, h, 6);
        memcpy(h, h + 6, 6);
        memcpy(h + 6, tmp, 6);
}

/* A reply comes back to the requester's address. */
static bool
ethernet_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        return memcmp(rep->data + rep->layers[pi].off, req->data + req->layers[ri].off + 6, 6) == 0;
}

static const struct pkt_key ethernet_carriers[] = {
        { PKT_KEY_DLT, 1 },             /* DLT_EN10MB */
        { PKT_KEY_ETHERTYPE, 0x6558 },  /* Transparent Ethernet Bridging: a frame in GRE, NVGRE, Geneve */
        { PKT_KEY_IP_PROTO, 143 },      /* a frame right after IPv6 headers (SRv6 L2 VPN, RFC 8986 4.9) */
        PKT_KEY_END,
};

static const char *const ethernet_aliases[] = { "eth", "ether", NULL };

/* Ethernet II: the type selects the next layer (802.3 lengths go to the hook). */
#define ETHERNET_FAST                                                                                   \
        { .key = PKT_FAST_KEY16, .key_space = PKT_KEY_ETHERTYPE, .key_off = 12,                         \
          .key_min = ETH_TYPE_MIN }
PKT_FAST_STEP(ethernet_fast_step, ETH_HDR_LEN, ETHERNET_FAST)

const struct pkt_proto pkt_proto_ethernet = {
        .name = "ethernet",
        .aliases = ethernet_aliases,
        .summary = "Ethernet II / IEEE 802.3",
        .id = PKT_PROTO_ETHERNET,
        .min_hdr_len = ETH_HDR_LEN,
        .fields = ethernet_fields,
        .n_fields = ARRAY_SIZE(ethernet_fields),
        .carriers = ethernet_carriers,
        .dissect = ethernet_dissect,
        .fast = ETHERNET_FAST,
        .fast_step = ethernet_fast_step,
        .update = ethernet_update,
        .direction = ethernet_direction,
        .reverse = ethernet_reverse,
        .answers = ethernet_answers,
};
