/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BSD loopback encapsulation: DLT_NULL (0) and DLT_LOOP (108), see pcap-linktype(7) and
 * https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               address family (AF_ value, 32 bits)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * DLT_NULL writes the family in the byte order of the host that captured; DLT_LOOP always in
 * network byte order. IPv4 is 2 everywhere; IPv6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD,
 * DragonFly) or 30 (macOS, iOS), so all three mean IPv6. 23 would be AF_ISO on one system and
 * AF_IPX on another: its payload stays raw.
 *
 * Two descriptors, not one with a heuristic: a field table has one byte order, and `family` must
 * read the value the capturing host meant. "loopback" is the little-endian layout (DLT_NULL from
 * x86 and little-endian ARM hosts: every DLT_NULL capture in the corpus), "loop" the big-endian one
 * (DLT_LOOP, and DLT_NULL from big-endian hosts). The one guess left happens once, where a DLT_NULL
 * frame gets its first layer (pkt_proto_for_frame()): a family is below 2^16, so exactly one 16-bit
 * half of the word is zero, and which half says the byte order. Each dissect hook makes the same
 * guess for the payload, so a frame handed to the wrong descriptor by pkt_parse() still reaches its
 * IP layer.
 */
#include "internal.h"

#define LOOP_HDR_LEN         4
#define AF_BSD_INET          2
#define AF_BSD_INET6_BSD     24
#define AF_BSD_INET6_FREEBSD 28
#define AF_BSD_INET6_DARWIN  30

/* clang-format off */
static const struct pkt_name family_names[] = {
        { AF_BSD_INET, "INET" }, { 7, "OSI" }, { 16, "APPLETALK" }, { 23, "IPX" },
        { AF_BSD_INET6_BSD, "INET6" }, { AF_BSD_INET6_FREEBSD, "INET6_FREEBSD" },
        { AF_BSD_INET6_DARWIN, "INET6_DARWIN" }, { 0, NULL },
};

static const struct pkt_field loopback_fields[] = {
        { .name = "family", .off = 0, .bits = 32, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_LE,
          .names = family_names, .def = AF_BSD_INET },
};

static const struct pkt_field loop_fields[] = {
        { .name = "family", .off = 0, .bits = 32, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO,
          .names = family_names, .def = AF_BSD_INET },
};
/* clang-format on */

enum { F_FAMILY };

static unsigned
family_next(uint32_t family)
{
        /* A family is below 2^16: a value with high bits is the other byte order. */
        if (family > 0xffff)
                family = __builtin_bswap32(family);
        switch (family) {
        case AF_BSD_INET:
                return PKT_PROTO_IP;
        case AF_BSD_INET6_BSD:
        case AF_BSD_INET6_FREEBSD:
        case AF_BSD_INET6_DARWIN:
                return PKT_PROTO_IP6;
        default:
                return PKT_PROTO_NONE;
        }
}

static void
loopback_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *b = v->b;

        d->hdr_len = LOOP_HDR_LEN;
        d->next = (uint16_t)family_next((uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | b[1] << 8 |
                                        b[0]);
}

static void
loop_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        const uint8_t *b = v->b;

        d->hdr_len = LOOP_HDR_LEN;
        d->next = (uint16_t)family_next((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | b[2] << 8 |
                                        b[3]);
}

/* IPv4 is 2 everywhere; for IPv6 the BSDs' original 24, which every reader takes. */
static int
loopback_update(struct pkt *p, unsigned idx)
{
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;

        if (up == PKT_PROTO_IP)
                return pkt_auto_set(p, idx, F_FAMILY, AF_BSD_INET);
        if (up == PKT_PROTO_IP6)
                return pkt_auto_set(p, idx, F_FAMILY, AF_BSD_INET6_BSD);
        return 0;
}

static const struct pkt_key loopback_carriers[] = {
        { PKT_KEY_DLT, 0 }, /* DLT_NULL */
        PKT_KEY_END,
};

static const struct pkt_key loop_carriers[] = {
        { PKT_KEY_DLT, 108 }, /* DLT_LOOP */
        PKT_KEY_END,
};

static const char *const loopback_aliases[] = { "null", NULL };

const struct pkt_proto pkt_proto_loopback = {
        .name = "loopback",
        .aliases = loopback_aliases,
        .summary = "BSD loopback, little-endian family (DLT_NULL)",
        .id = PKT_PROTO_LOOPBACK,
        .min_hdr_len = LOOP_HDR_LEN,
        .fields = loopback_fields,
        .n_fields = ARRAY_SIZE(loopback_fields),
        .carriers = loopback_carriers,
        .dissect = loopback_dissect,
        .update = loopback_update,
};

const struct pkt_proto pkt_proto_loop = {
        .name = "loop",
        .summary = "BSD loopback, network-order family (DLT_LOOP; DLT_NULL from big-endian hosts)",
        .id = PKT_PROTO_LOOP,
        .min_hdr_len = LOOP_HDR_LEN,
        .fields = loop_fields,
        .n_fields = ARRAY_SIZE(loop_fields),
        .carriers = loop_carriers,
        .dissect = loop_dissect,
        .update = loopback_update,
};
