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
 * Field names are pypacker's. HSRP version 2 (TLVs, no RFC) shares the port; its messages start with
 * a TLV type of 1 and a length of 40, which a version 0 header cannot (its state would be 0x28, not
 * a state): such a packet has the version 2 TLVs as elements ("tlvs") and no version 0 fields beyond
 * what the two headers share by position, so it is a header of its own length.
 */
#include "internal.h"
#include "tlv16.h"

#define HSRP_HDR_LEN    20
#define HSRP2_TLV_GROUP 1
#define HSRP2_GROUP_LEN 40

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

static const struct pkt_field hsrp2_tlv_fields[] = {
        { .name = "type",  .off = 0,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "len",   .off = 8,  .bits = 8, .type = PKT_FT_UINT },
        { .name = "value", .off = 16, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

static bool
is_v2(const uint8_t *h)
{
        return h[0] == HSRP2_TLV_GROUP && h[1] == HSRP2_GROUP_LEN;
}

/* Version 2 TLVs: 1-byte type, 1-byte length of the value, to the end of the datagram. */
static int
hsrp2_tlvs_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return is_v2(v->b) ? pkt_tlv8_next(v, 0, v->wire_len, false, e) : 0;
}

static const struct pkt_elem_set hsrp_elems[] = {
        { .name = "tlvs", .elem_name = "tlv", .next = hsrp2_tlvs_next, .fields = hsrp2_tlv_fields,
          .n_fields = ARRAY_SIZE(hsrp2_tlv_fields) },
};

static void
hsrp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (!is_v2(v->b))
                return; /* version 0: 20 bytes */
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, hsrp2_tlvs_next);
}

static const struct pkt_key hsrp_carriers[] = {
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
        .elems = hsrp_elems,
        .n_elems = ARRAY_SIZE(hsrp_elems),
        .carriers = hsrp_carriers,
        .dissect = hsrp_dissect,
};
