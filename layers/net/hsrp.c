/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco Hot Standby Router Protocol, version 0 (RFC 2281 5), on UDP port 1985.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Version     |   Op Code     |     State     |   Hellotime   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Holdtime    |   Priority    |     Group     |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Authentication Data (8)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Virtual IP Address                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Field names are pypacker's. Two other formats share the ports, and the dispatch hook hands them
 * over. An Advertise message (opcode 3, not in RFC 2281; Cisco's interface state) has a TLV after the
 * version and opcode, "hsrpadv":
 *
 *  |   Version     | Op Code (3)   |             Type (1)          |
 *  |          Length (14)          |     State     |   Reserved    |
 *  |         Active groups         |         Passive groups        |
 *  |                            Reserved                           |
 *
 * HSRP version 2's messages (TLVs, no RFC) start with a TLV (type 1 to 4, of its length) where a
 * version 0 header has its version, 0: they are hsrp2's (hsrp2.c).
 */
#include "hsrp.h"

#define HSRP_HDR_LEN      20
#define HSRP_ADV_LEN      16
#define HSRP_OP_ADVERTISE 3

/* clang-format off */
static const struct pkt_name hsrp_opcode_names[] = {
        { 0, "HELLO" }, { 1, "COUP" }, { 2, "RESIGN" }, { 3, "ADVERTISE" }, { 0, NULL },
};

static const struct pkt_name hsrp_state_names[] = {
        { 0, "INITIAL" }, { 1, "LEARN" }, { 2, "LISTEN" }, { 4, "SPEAK" }, { 8, "STANDBY" },
        { 16, "ACTIVE" }, { 0, NULL },
};

static const struct pkt_field hsrp_fields[] = {
        { .name = "version",  .off = 0,   .bits = 8,  .type = PKT_FT_UINT },
        { .name = "opcode",   .off = 8,   .bits = 8,  .type = PKT_FT_ENUM, .names = hsrp_opcode_names },
        { .name = "state",    .off = 16,  .bits = 8,  .type = PKT_FT_ENUM, .names = hsrp_state_names, .def = 16 },
        { .name = "hello",    .off = 24,  .bits = 8,  .type = PKT_FT_UINT, .def = 3 },
        { .name = "hold",     .off = 32,  .bits = 8,  .type = PKT_FT_UINT, .def = 10 },
        { .name = "priority", .off = 40,  .bits = 8,  .type = PKT_FT_UINT, .def = 120 },
        { .name = "group",    .off = 48,  .bits = 8,  .type = PKT_FT_UINT, .def = 1 },
        { .name = "rsvd",     .off = 56,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "auth",     .off = 64,  .bits = 64, .type = PKT_FT_STRING, .def_bytes = "cisco\0\0\0" },
        { .name = "vip",      .off = 128, .bits = 32, .type = PKT_FT_IPV4 },
};

/* tshark's hsrp.adv.* names, shortened as pypacker shortens version 0's. */
static const struct pkt_field hsrpadv_fields[] = {
        { .name = "version",        .off = 0,   .bits = 8,  .type = PKT_FT_UINT },
        { .name = "opcode",         .off = 8,   .bits = 8,  .type = PKT_FT_ENUM, .names = hsrp_opcode_names, .def = HSRP_OP_ADVERTISE },
        { .name = "type",           .off = 16,  .bits = 16, .type = PKT_FT_UINT, .def = 1 },
        { .name = "len",            .off = 32,  .bits = 16, .type = PKT_FT_UINT, .def = HSRP_ADV_LEN - 2 },
        { .name = "state",          .off = 48,  .bits = 8,  .type = PKT_FT_ENUM, .names = hsrp_state_names, .def = 16 },
        { .name = "rsvd1",          .off = 56,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "active_groups",  .off = 64,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "passive_groups", .off = 80,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "rsvd2",          .off = 96,  .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

static unsigned
hsrp_dispatch(const struct pkt_view *v)
{
        if (pkt_hsrp2_starts(v->b, v->caplen))
                return PKT_PROTO_HSRP2;
        if (v->caplen >= 2 && v->b[0] == 0 && v->b[1] == HSRP_OP_ADVERTISE)
                return PKT_PROTO_HSRPADV;
        return v->proto;
}

const struct pkt_key pkt_hsrp_carriers[] = {
        { PKT_KEY_UDP_PORT, 1985 },
        { PKT_KEY_UDP_PORT, 2029 }, /* HSRP version 2 for IPv6 */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_hsrp = {
        .name = "hsrp",
        .summary = "Cisco Hot Standby Router Protocol (RFC 2281)",
        .id = PKT_PROTO_HSRP,
        .min_hdr_len = HSRP_HDR_LEN,
        .fields = hsrp_fields,
        .n_fields = ARRAY_SIZE(hsrp_fields),
        .carriers = pkt_hsrp_carriers,
        .dispatch = hsrp_dispatch,
};

const struct pkt_proto pkt_proto_hsrpadv = {
        .name = "hsrpadv",
        .summary = "Cisco HSRP Advertise message (opcode 3): the interface state",
        .id = PKT_PROTO_HSRPADV,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = HSRP_ADV_LEN,
        .fields = hsrpadv_fields,
        .n_fields = ARRAY_SIZE(hsrpadv_fields),
        .carriers = pkt_hsrp_carriers,
};
