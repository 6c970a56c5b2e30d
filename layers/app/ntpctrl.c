/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NTP control messages (mode 6, RFC 9327): what ntpq asks a server and what it answers, its
 * version, its peers, its variables; also the "readvar" and "mrulist" probes of scanners.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |LI | VN  |Mode |R|E|M| OpCode  |        Sequence Number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Status             |        Association ID         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Offset             |             Count             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Data (Count octets) ... Padding (to 32 bits)     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Authenticator (optional): key identifier, MAC          |
 *
 * NTP's port carries it; NTP's dispatch hook hands a mode 6 message here. The names are scapy's
 * (NTPControl) where pypacker has none, the first byte's NTP's. The data is text ("version=...,
 * processor=...") for most operations, so it prints as text. The header runs to the padding that
 * ends the data on a 32-bit boundary (RFC 9327 4: "zero to three octets"); an authenticator after
 * it is the payload. Built, the count follows the data.
 */
#include "ntp.h"

enum {
        CTRL_HDR_LEN = 12,
        SEQUENCE_AT = 2, /* byte offsets in the header, as ctrl_fields places them */
        ASSOCIATION_AT = 6,
        COUNT_AT = 10,
        RESPONSE_BIT = 0x80,
        OPCODE_MASK = 0x1f,
};

/* clang-format off */
static const struct pkt_name opcode_names[] = {
        { 1, "READSTAT" }, { 2, "READVAR" }, { 3, "WRITEVAR" }, { 4, "READCLOCK" }, { 5, "WRITECLOCK" },
        { 6, "SETTRAP" }, { 7, "ASYNCMSG" }, { 8, "CONFIGURE" }, { 9, "SAVECONFIG" }, { 10, "READ_MRU" },
        { 11, "READ_ORDLIST_A" }, { 12, "REQ_NONCE" }, { 31, "UNSETTRAP" }, { 0, NULL },
};

/* Defaults: a version 2 request, as ntpq sends them (scapy's NTPControl defaults too). */
static const struct pkt_field ctrl_fields[] = {
        { .name = "flags",          .off = 0,   .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x16 },
        { .name = "li",             .off = 0,   .bits = 2,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = pkt_ntp_li_names },
        { .name = "v",              .off = 2,   .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "mode",           .off = 5,   .bits = 3,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = pkt_ntp_mode_names },
        { .name = "flags2",         .off = 8,   .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "response",       .off = 8,   .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "err",            .off = 9,   .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "more",           .off = 10,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "op_code",        .off = 11,  .bits = 5,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = opcode_names },
        { .name = "sequence",       .off = 16,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "status",         .off = 32,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "association_id", .off = 48,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "offset",         .off = 64,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "count",          .off = 80,  .bits = 16, .type = PKT_FT_UINT },
        { .name = "data",           .off = 96,  .bits = 0,  .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED },
        { .name = "pad",            .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

/* The data and the padding after it, as far as the message has them; more data than the message
 * holds is a lie (or a cut capture: finish() tells which). */
static void
ctrl_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t count = 0;

        pkt_rd_be16(v, COUNT_AT, &count); /* within min_hdr_len */
        uint32_t end = CTRL_HDR_LEN + count;
        uint32_t padded = (end + 3u) & ~3u;
        d->hdr_len = MIN(padded, MAX(end, v->wire_len));
}

/* A response answers the request of its opcode, sequence number and association (RFC 9327 4). */
static bool
ctrl_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->hdr_len < CTRL_HDR_LEN || b->hdr_len < CTRL_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        return !(q[1] & RESPONSE_BIT) && (r[1] & RESPONSE_BIT) && (q[1] & OPCODE_MASK) == (r[1] & OPCODE_MASK) &&
               memcmp(q + SEQUENCE_AT, r + SEQUENCE_AT, 2) == 0 &&
               memcmp(q + ASSOCIATION_AT, r + ASSOCIATION_AT, 2) == 0;
}

const struct pkt_proto pkt_proto_ntpctrl = {
        .name = "ntpctrl",
        .summary = "NTP control message, mode 6 (RFC 9327)",
        .id = PKT_PROTO_NTPCTRL,
        .flags = PKT_P_DISPATCHED,
        .min_hdr_len = CTRL_HDR_LEN,
        .fields = ctrl_fields,
        .n_fields = ARRAY_SIZE(ctrl_fields),
        .carriers = pkt_ntp_carriers,
        .dissect = ctrl_dissect,
        .answers = ctrl_answers,
        .not_dissected = "The status word's parts, and the authenticator (the payload)",
};
