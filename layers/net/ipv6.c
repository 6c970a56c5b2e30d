/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 (RFC 8200; jumbograms RFC 2675; text form RFC 5952).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |           Flow Label                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                         Source Address                        +
 *  |                           (16 bytes)                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                      Destination Address                      +
 *  |                           (16 bytes)                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Extension headers (hop-by-hop, routing, fragment, destination options, AH, ESP) are layers of
 * their own (ipv6_ext.c, ah.c, esp.c), chosen by Next Header like any upper protocol, so that each
 * can be found with pkt_layer_find().
 */
#include <string.h>

#include "internal.h"

#define IP6_HDR_LEN     40
#define IP6_VERSION     6
#define IP6_NXT_HOPOPTS 0
#define IP6_NXT_NONE    59 /* RFC 8200 4.7: nothing follows */
#define IP6_OPT_PAD1    0
#define IP6_OPT_JUMBO   0xc2
#define IP6_JUMBO_MIN   65536u /* RFC 2675 3: smaller payloads must not use a jumbo option */

extern const struct pkt_name pkt_ip_proto_names[]; /* ipv4.c */

/*
 * Defaults follow pypacker (hop limit 0, all-zero addresses) except Next Header: pypacker's 0 would
 * announce a hop-by-hop header that is not there, so an IPv6 header with nothing known above it
 * says "no next header".
 */
/* clang-format off */
static const struct pkt_field ip6_fields[] = {
        { .name = "v_fc_flow", .off = 0,   .bits = 32,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x60000000 },
        { .name = "v",         .off = 0,   .bits = 4,   .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "fc",        .off = 4,   .bits = 8,   .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "flow",      .off = 12,  .bits = 20,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_HEX },
        { .name = "dlen",      .off = 32,  .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "nxt",       .off = 48,  .bits = 8,   .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = pkt_ip_proto_names, .def = IP6_NXT_NONE },
        /* 64, as IPv4's TTL and scapy's IPv6 (pypacker writes 0, which a router drops at once). */
        { .name = "hlim",      .off = 56,  .bits = 8,   .type = PKT_FT_UINT, .def = 64 },
        { .name = "src",       .off = 64,  .bits = 128, .type = PKT_FT_IPV6, .flags = PKT_FF_PSEUDO },
        { .name = "dst",       .off = 192, .bits = 128, .type = PKT_FT_IPV6, .flags = PKT_FF_PSEUDO },
};
/* clang-format on */

enum { F_V_FC_FLOW, F_V, F_FC, F_FLOW, F_DLEN, F_NXT, F_HLIM, F_SRC, F_DST };

/*
 * RFC 2675: a payload length of 0 with a hop-by-hop header first means the length is in that
 * header's jumbo option. Returns the jumbo length, or 0 when there is no usable option in the
 * captured bytes.
 */
static uint32_t
jumbo_len(const struct pkt_view *v)
{
        uint8_t hbh_len, type, olen;
        uint32_t end, value;

        if (!pkt_rd_u8(v, IP6_HDR_LEN + 1, &hbh_len))
                return 0;
        end = IP6_HDR_LEN + ((uint32_t)hbh_len + 1) * 8;
        /* Each step moves at least one byte and the header is at most 2 KiB: the walk is bounded.
         */
        for (uint32_t pos = IP6_HDR_LEN + 2; pos < end && pkt_rd_u8(v, pos, &type);) {
                if (type == IP6_OPT_PAD1) {
                        pos++;
                        continue;
                }
                if (!pkt_rd_u8(v, pos + 1, &olen))
                        return 0;
                if (type == IP6_OPT_JUMBO && olen == 4 && pos + 6 <= end &&
                    pkt_rd_be32(v, pos + 2, &value))
                        return value;
                pos += 2u + olen;
        }
        return 0;
}

static void
ip6_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *h = v->b;
        uint32_t dlen = (uint32_t)(h[4] << 8 | h[5]);

        d->hdr_len = IP6_HDR_LEN;
        if ((h[0] >> 4) != IP6_VERSION) {
                /* Not IPv6 at all: nothing after the fixed header can be trusted. */
                d->flags |= PKT_LAYER_MALFORMED;
                d->payload_len = 0;
                return;
        }
        d->next = (uint16_t)pkt_key_lookup16(PKT_KEY_IP_PROTO, h[6]);
        if (dlen == 0 && h[6] == IP6_NXT_HOPOPTS) {
                uint32_t jl = jumbo_len(v);
                d->payload_len = jl >= IP6_JUMBO_MIN ? jl : PKT_LEN_REST;
                if (jl >= IP6_JUMBO_MIN && (uint64_t)jl + IP6_HDR_LEN > v->wire_len)
                        d->flags |= PKT_LAYER_MALFORMED;
                return;
        }
        d->payload_len = dlen;
        /* No payload, yet a next header other than "none" (59) and no jumbo option: contradictory. */
        if (dlen == 0 && h[6] != IP6_NXT_NONE)
                d->flags |= PKT_LAYER_MALFORMED;
        else /* bytes after the payload are the link layer's (Ethernet's padding to 60 bytes) */
                d->flags |= PKT_DISSECT_ENDS_HERE;
        if (dlen + IP6_HDR_LEN > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED; /* claims more than the frame carried */
}

static int
ip6_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t key, dlen = l->wire_len - l->hdr_len;
        int r;

        /* A packet parsed in place changes only in size-preserving ways: its lengths and next header
         * stay as captured (its bytes may include Ethernet padding, which is not payload). */
        if (!pkt_is_rebuilt(p))
                return 0;
        /* RFC 2675: a payload over 64 KiB is a jumbogram, whose length field is 0. */
        if ((r = pkt_auto_set(p, idx, F_DLEN, dlen > 0xffff ? 0 : dlen)) < 0)
                return r;
        if (idx + 1u < p->n_layers &&
            pkt_carrier_key(p->layers[idx + 1].proto, PKT_KEY_IP_PROTO, &key) == 0 &&
            (r = pkt_auto_set(p, idx, F_NXT, key)) < 0)
                return r;
        return 0;
}

static unsigned
ip6_direction(const struct pkt_view *a, const struct pkt_view *b)
{
        const uint8_t *as = a->b + 8, *ad = a->b + 24, *bs = b->b + 8, *bd = b->b + 24;
        unsigned dir = PKT_DIR_UNKNOWN;

        if (memcmp(as, bs, 16) == 0 && memcmp(ad, bd, 16) == 0)
                dir |= PKT_DIR_SAME;
        if (memcmp(as, bd, 16) == 0 && memcmp(ad, bs, 16) == 0)
                dir |= PKT_DIR_REV;
        return dir;
}

static void
ip6_reverse(uint8_t *h, size_t len)
{
        uint8_t tmp[16];

        (void)len;
        memcpy(tmp, h + 8, 16);
        memcpy(h + 8, h + 24, 16);
        memcpy(h + 24, tmp, 16);
}

/* The first layer above IPv6 layer @idx that is not an extension header, or NULL. */
static const struct pkt_layer *
upper_layer(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *up = NULL;

        for (unsigned i = idx + 1; i < PKT_LAYERS_MAX; i++) {
                up = pkt_layer(p, i);
                if (!up || !pkt_ip6_is_ext(up->proto))
                        break;
        }
        return up;
}

/*
 * A reply comes back to the requester. It comes from the requested host, unless the request went to
 * a multicast group (ff00::/8: any member answers) or the reply is ICMPv6, whose errors any router
 * on the path sends; the ICMPv6 layer then judges by what it quotes.
 */
static bool
ip6_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const uint8_t *q = req->data + req->layers[ri].off, *a = rep->data + rep->layers[pi].off;
        const struct pkt_layer *up = upper_layer(rep, pi);

        if (memcmp(a + 24, q + 8, 16) != 0)
                return false;
        if (q[24] == 0xff || (up && up->proto == PKT_PROTO_ICMP6))
                return true;
        return memcmp(a + 8, q + 24, 16) == 0;
}

static const struct pkt_key ip6_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x86dd },
        { PKT_KEY_IP_PROTO, 41 }, /* IPv6 in IPv4 or IPv6 (RFC 4213, RFC 2473) */
        { PKT_KEY_PPP, 0x0057 },
        { PKT_KEY_DLT, 229 }, /* DLT_IPV6 */
        PKT_KEY_END,
};

static const char *const ip6_aliases[] = { "ipv6", NULL };

/* Version 6 with a payload length (not 0: jumbograms and empty payloads go to the hook). */
#define IP6_FAST                                                                                        \
        { .key = PKT_FAST_KEY8, .key_space = PKT_KEY_IP_PROTO, .key_off = 6,                            \
          .flags = PKT_FAST_MATCH | PKT_FAST_LEN | PKT_FAST_ENDS_HERE, .match_off = 0, .match_mask = 0xf0, \
          .match_val = 0x60, .len_off = 4 }
PKT_FAST_STEP(ip6_fast_step, IP6_HDR_LEN, IP6_FAST)

const struct pkt_proto pkt_proto_ip6 = {
        .name = "ip6",
        .aliases = ip6_aliases,
        .summary = "Internet Protocol version 6 (RFC 8200)",
        .id = PKT_PROTO_IP6,
        .min_hdr_len = IP6_HDR_LEN,
        .fields = ip6_fields,
        .n_fields = ARRAY_SIZE(ip6_fields),
        .carriers = ip6_carriers,
        .dissect = ip6_dissect,
        .fast = IP6_FAST,
        .fast_step = ip6_fast_step,
        .update = ip6_update,
        .direction = ip6_direction,
        .reverse = ip6_reverse,
        .answers = ip6_answers,
};
