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
 * Field names are pypacker's. HSRP version 2 (TLVs, no RFC) shares the ports; its messages start with
 * a TLV (type 1 to 4, of its length) where a version 0 header has its version, 0: the dispatch hook
 * hands them to hsrp2 (hsrp2.c).
 */
#include "hsrp.h"

#define HSRP_HDR_LEN    20

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
/* clang-format on */

static unsigned
hsrp_dispatch(const struct pkt_view *v)
{
        return pkt_hsrp2_starts(v->b, v->caplen) ? PKT_PROTO_HSRP2 : v->proto;
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
