/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtual eXtensible Local Area Network (RFC 7348 5): an Ethernet frame in a UDP datagram to port 4789,
 * behind an 8-byte header. The Group Based Policy extension (draft-smith-vxlan-group-policy) gives the
 * flags around the I flag and the reserved bits after them meanings, so the fields are laid out as
 * tshark's are:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |G|R|R|R|I|R|R|R|R|D|R|R|A|R|R|R|     Group Policy ID (GBP)     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          VXLAN Network Identifier (VNI)       |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * In plain VXLAN everything but I is reserved and zero. The frame inside is Ethernet whatever the
 * flags say, as tshark dissects it (a VNI without the I flag is still the one sent).
 */
#include "internal.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_PORT    4789 /* IANA, RFC 7348 5 */

/* clang-format off */
static const struct pkt_name vxlan_flag_names[] = {
        { 0x8000, "G" }, { 0x0800, "I" }, { 0x0040, "D" }, { 0x0008, "A" }, { 0, NULL },
};

static const struct pkt_field vxlan_fields[] = {
        { .name = "flags",    .off = 0,  .bits = 16, .type = PKT_FT_FLAGS, .flags = PKT_FF_HEX,
          .names = vxlan_flag_names, .def = 0x0800 },
        { .name = "gbp",      .off = 16, .bits = 16, .type = PKT_FT_UINT },
        { .name = "vni",      .off = 32, .bits = 24, .type = PKT_FT_UINT },
        { .name = "reserved", .off = 56, .bits = 8,  .type = PKT_FT_UINT },
};
/* clang-format on */

static void
vxlan_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        (void)v;
        d->hdr_len = VXLAN_HDR_LEN;
        d->next = PKT_PROTO_ETHERNET;
}

static const struct pkt_key vxlan_carriers[] = {
        { PKT_KEY_UDP_PORT, VXLAN_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_vxlan = {
        .name = "vxlan",
        .summary = "Virtual eXtensible LAN (RFC 7348): Ethernet over UDP",
        .id = PKT_PROTO_VXLAN,
        .min_hdr_len = VXLAN_HDR_LEN,
        .fields = vxlan_fields,
        .n_fields = ARRAY_SIZE(vxlan_fields),
        .carriers = vxlan_carriers,
        .dissect = vxlan_dissect,
};
