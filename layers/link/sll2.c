/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux cooked capture, version 2 (LINKTYPE_LINUX_SLL2, DLT 276; libpcap 1.10 and later,
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html). The fields of version 1, reordered,
 * narrowed, and joined by the interface index.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           protocol            |     reserved (must be zero)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        interface index                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          ARPHRD_ type         |  packet type  | address length|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           link-layer address (8 bytes, zero padded)           |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Field names follow linuxcc where the meaning is the same (type, addrtype, dir, addrlen, info);
 * the protocol values and next-layer choice are linuxcc's (sll.c).
 */
#include "internal.h"

#define SLL2_HDR_LEN 20
#define ARPHRD_ETHER 1

/* Shared with linuxcc (sll.c) and dot1q (dot1q.c). */
extern const struct pkt_name pkt_link_ethertype_names[]; /* ethernet.c */
extern const struct pkt_name pkt_sll_pkttype_names[];
extern const struct pkt_name pkt_sll_arphrd_names[];
unsigned pkt_sll_next(uint16_t protocol, uint16_t hatype);
int pkt_sll_protocol(unsigned up, uint32_t *ret);

/* clang-format off */
static const struct pkt_field sll2_fields[] = {
        { .name = "type",     .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
        { .name = "reserved", .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "ifindex",  .off = 32, .bits = 32, .type = PKT_FT_UINT },
        { .name = "addrtype", .off = 64, .bits = 16, .type = PKT_FT_ENUM, .names = pkt_sll_arphrd_names, .def = ARPHRD_ETHER },
        { .name = "dir",      .off = 80, .bits = 8,  .type = PKT_FT_ENUM, .names = pkt_sll_pkttype_names },
        { .name = "addrlen",  .off = 88, .bits = 8,  .type = PKT_FT_UINT, .def = 6 },
        { .name = "info",     .off = 96, .bits = 64, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum { F_TYPE, F_RESERVED, F_IFINDEX, F_ADDRTYPE, F_DIR, F_ADDRLEN, F_INFO };

static void
sll2_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t protocol = (uint16_t)(v->b[0] << 8 | v->b[1]);
        uint16_t hatype = (uint16_t)(v->b[8] << 8 | v->b[9]);

        d->hdr_len = SLL2_HDR_LEN;
        d->next = (uint16_t)pkt_sll_next(protocol, hatype);
}

static int
sll2_update(struct pkt *p, unsigned idx)
{
        uint32_t type;

        if (idx + 1u < p->n_layers && pkt_sll_protocol(p->layers[idx + 1].proto, &type) == 0)
                return pkt_auto_set(p, idx, F_TYPE, type);
        return 0;
}

static const struct pkt_key sll2_carriers[] = {
        { PKT_KEY_DLT, 276 }, /* DLT_LINUX_SLL2 */
        PKT_KEY_END,
};

static const char *const sll2_aliases[] = { "sll2", "cookedlinuxv2", NULL };

const struct pkt_proto pkt_proto_linuxcc2 = {
        .name = "linuxcc2",
        .aliases = sll2_aliases,
        .summary = "Linux cooked capture v2 (DLT_LINUX_SLL2)",
        .id = PKT_PROTO_LINUXCC2,
        .min_hdr_len = SLL2_HDR_LEN,
        .fields = sll2_fields,
        .n_fields = ARRAY_SIZE(sll2_fields),
        .carriers = sll2_carriers,
        .dissect = sll2_dissect,
        .update = sll2_update,
};
