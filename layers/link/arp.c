/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address Resolution Protocol (RFC 826) and Reverse ARP (RFC 903); operation codes from the IANA
 * "ARP Parameters" registry (RFC 5494).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        hardware type          |         protocol type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  hw addr len  | proto addr len|           operation           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  sender hardware address (hln bytes)  ...                     |
 *  |  sender protocol address (pln bytes)  ...                     |
 *  |  target hardware address (hln bytes)  ...                     |
 *  |  target protocol address (pln bytes)  ...                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The address fields sha/spa/tha/tpa describe the common case, 6-byte hardware and 4-byte protocol
 * addresses (Ethernet and IPv4, and every other MAC-48 link), at fixed positions. Another pair of
 * sizes (hln 0 in fuzzed captures, 20-byte InfiniBand addresses, IPv6-sized protocol addresses ...)
 * would put other bytes under those names, so then the header is only the 8 fixed bytes and the
 * four addresses, 2 * (hln + pln) bytes, follow as a raw payload: nothing is mis-read, and nothing
 * is lost. Addresses that run past the frame's reported length make the layer malformed.
 *
 * Every header has the 8 fixed bytes (min_hdr_len), so an ARP with other sizes is not called cut
 * short before its real end; a built "arp" starts from the 28-byte Ethernet/IPv4 header
 * (def_hdr_len), so it has the four address fields.
 */
#include <string.h>

#include "internal.h"

#define ARP_FIXED_LEN 8
#define ARP_HDR_LEN   28 /* the fixed part and two 6 + 4 byte address pairs */
#define ARP_HLN       6
#define ARP_PLN       4
#define ARP_SHA       8
#define ARP_SPA       14
#define ARP_THA       18
#define ARP_TPA       24

enum {
        ARP_OP_REQUEST = 1,
        ARP_OP_REPLY = 2,
        ARP_OP_REVREQUEST = 3, /* RFC 903 */
        ARP_OP_REVREPLY = 4,
};

extern const struct pkt_name pkt_link_ethertype_names[]; /* ethernet.c */

/* clang-format off */
static const struct pkt_name arp_hrd_names[] = {
        { 1, "ETH" }, { 6, "IEEE802" }, { 7, "ARCNET" }, { 15, "FRELAY" }, { 16, "ATM" },
        { 18, "FIBRE" }, { 20, "SERIAL" }, { 24, "IEEE1394" }, { 32, "INFINIBAND" }, { 0, NULL },
};

static const struct pkt_name arp_op_names[] = {
        { ARP_OP_REQUEST, "REQUEST" }, { ARP_OP_REPLY, "REPLY" }, { ARP_OP_REVREQUEST, "REVREQUEST" },
        { ARP_OP_REVREPLY, "REVREPLY" }, { 8, "INVREQUEST" }, { 9, "INVREPLY" }, { 10, "NAK" },
        { 0, NULL },
};

static const struct pkt_field arp_fields[] = {
        { .name = "hrd", .off = 0,   .bits = 16, .type = PKT_FT_ENUM, .names = arp_hrd_names, .def = 1 },
        { .name = "pro", .off = 16,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
        { .name = "hln", .off = 32,  .bits = 8,  .type = PKT_FT_UINT, .def = ARP_HLN },
        { .name = "pln", .off = 40,  .bits = 8,  .type = PKT_FT_UINT, .def = ARP_PLN },
        { .name = "op",  .off = 48,  .bits = 16, .type = PKT_FT_ENUM, .names = arp_op_names, .def = ARP_OP_REQUEST },
        { .name = "sha", .off = 64,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "spa", .off = 112, .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "tha", .off = 144, .bits = 48, .type = PKT_FT_MAC },
        { .name = "tpa", .off = 192, .bits = 32, .type = PKT_FT_IPV4 },
};
/* clang-format on */

/* Whether the header is the 6/4 layout the address fields describe. @h has ARP_FIXED_LEN bytes. */
static bool
is_mac_ipv4(const uint8_t *h)
{
        return h[4] == ARP_HLN && h[5] == ARP_PLN;
}

static void
arp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t addrs = 2u * ((uint32_t)v->b[4] + v->b[5]);

        /* What follows the message is the link layer's padding. */
        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (is_mac_ipv4(v->b)) {
                d->hdr_len = ARP_HDR_LEN;
                d->payload_len = 0;
                return;
        }
        d->hdr_len = ARP_FIXED_LEN;
        d->payload_len = addrs;
        if (addrs > v->wire_len - ARP_FIXED_LEN)
                d->flags |= PKT_LAYER_MALFORMED;
}

/* Both views hold a complete 6/4 header: the hooks below compare addresses only then. */
static bool
are_comparable(const struct pkt_view *a, const struct pkt_view *b)
{
        return a->caplen >= ARP_HDR_LEN && b->caplen >= ARP_HDR_LEN && is_mac_ipv4(a->b) &&
               is_mac_ipv4(b->b);
}

static unsigned
arp_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        unsigned dir = PKT_DIR_UNKNOWN;

        if (!are_comparable(a, b))
                return dir;
        if (memcmp(a->b + ARP_SPA, b->b + ARP_SPA, 4) == 0 &&
            memcmp(a->b + ARP_TPA, b->b + ARP_TPA, 4) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(a->b + ARP_SPA, b->b + ARP_TPA, 4) == 0 &&
            memcmp(a->b + ARP_TPA, b->b + ARP_SPA, 4) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

static void
swap(uint8_t *x, uint8_t *y, size_t n)
{
        uint8_t tmp[ARP_HLN];

        assert(n <= sizeof(tmp));
        memcpy(tmp, x, n);
        memcpy(x, y, n);
        memcpy(y, tmp, n);
}

/* Sender and target trade places, hardware and protocol address alike. */
static void
arp_reverse(uint8_t *h, size_t len)
{
        if (len < ARP_HDR_LEN || !is_mac_ipv4(h))
                return;
        swap(h + ARP_SHA, h + ARP_THA, ARP_HLN);
        swap(h + ARP_SPA, h + ARP_TPA, ARP_PLN);
}

static uint16_t
op_of(const uint8_t *h)
{
        return (uint16_t)(h[6] << 8 | h[7]);
}

/*
 * RFC 826: the reply comes from the host asked about (its sender is the request's target) and goes
 * to the asker. RFC 903: a reverse reply is about the hardware address the request asked for (tha).
 */
static bool
arp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        struct pkt_view q, a;

        pkt_view_of(req, ri, &q);
        pkt_view_of(rep, pi, &a);
        if (!are_comparable(&q, &a))
                return false;
        if (op_of(q.b) == ARP_OP_REQUEST && op_of(a.b) == ARP_OP_REPLY)
                return memcmp(a.b + ARP_SPA, q.b + ARP_TPA, 4) == 0 &&
                       memcmp(a.b + ARP_TPA, q.b + ARP_SPA, 4) == 0;
        if (op_of(q.b) == ARP_OP_REVREQUEST && op_of(a.b) == ARP_OP_REVREPLY)
                return memcmp(a.b + ARP_THA, q.b + ARP_THA, ARP_HLN) == 0;
        return false;
}

static const struct pkt_key arp_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x0806 },
        { PKT_KEY_ETHERTYPE, 0x8035 }, /* RARP (RFC 903) uses the same packet */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_arp = {
        .name = "arp",
        .summary = "Address Resolution Protocol (RFC 826, RARP RFC 903)",
        .id = PKT_PROTO_ARP,
        .min_hdr_len = ARP_FIXED_LEN,
        .def_hdr_len = ARP_HDR_LEN,
        .fields = arp_fields,
        .n_fields = ARRAY_SIZE(arp_fields),
        .carriers = arp_carriers,
        .dissect = arp_dissect,
        .direction = arp_direction,
        .reverse = arp_reverse,
        .answers = arp_answers,
        .not_dissected = "Addresses other than Ethernet/IPv4 sizes stay a raw payload after the 8"
                         " fixed bytes.",
};
