/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GPRS Tunnelling Protocol version 1: GTP-U (3GPP TS 29.281 5) on UDP 2152 and GTP-C (TS 29.060 6,
 * 7.7) on UDP 2123.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|P|R|E|S|N|  Message Type |            Length               |   (Ver is 3 bits)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Tunnel Endpoint Identifier                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Sequence Number        |  N-PDU Number | Next Ext Type |   with E, S or PN: "opt"
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Ext Len (4n)  |   content ... (4n - 2 bytes)  | Next Ext Type |   extension headers: "exts"
 *
 * Names are scapy's GTPHeader's, lower case. The length counts what follows the first 8 bytes. A
 * G-PDU (type 255) carries a user packet, IPv4 or IPv6 by its first nibble; every other message is
 * information elements ("ies", TS 29.060 7.7: type-value with a length the type fixes below 128,
 * type-length-value from 128), which are header. An extension header's type is the byte before it
 * (the previous header's next type), so its fields follow from that byte.
 *
 * Version 2 (GTPv2-C, TS 29.274) shares port 2123 and the first 4 bytes, as does GTP' (the charging
 * protocol, TS 32.295: protocol type 0); their messages are raw after them.
 */
#include <string.h>

#include "internal.h"

#define GTP_HDR_LEN  8
#define GTP_MIN_LEN  4 /* what every version shares: flags, type, length */
#define GTP_OPT_LEN  4
#define GTP_V1       1
#define GTP_E        0x04u
#define GTP_S        0x02u
#define GTP_PN       0x01u
#define GTP_OPT_BITS (GTP_E | GTP_S | GTP_PN)
#define GTP_G_PDU    255
/* Extension header types with fields (TS 29.281 5.2.1). */
#define EXT_UDP_PORT    0x40
#define EXT_PDU_SESSION 0x85
#define EXT_PDCP        0xc0
#define IE_TLV_MIN   128 /* TS 29.060 7.7.0: types from here are TLV */
/* Why 12: more arguments than any element kind here has fields (a PDU session container with its PPI
 * has 10, with its length). */
#define GTP_ARGS_MAX 12

/* clang-format off */
/* TS 29.060 7.1, TS 29.281 5.1. */
static const struct pkt_name gtp_type_names[] = {
        { 1, "ECHO_REQUEST" }, { 2, "ECHO_RESPONSE" }, { 3, "VERSION_NOT_SUPPORTED" },
        { 16, "CREATE_PDP_CONTEXT_REQUEST" }, { 17, "CREATE_PDP_CONTEXT_RESPONSE" },
        { 18, "UPDATE_PDP_CONTEXT_REQUEST" }, { 19, "UPDATE_PDP_CONTEXT_RESPONSE" },
        { 20, "DELETE_PDP_CONTEXT_REQUEST" }, { 21, "DELETE_PDP_CONTEXT_RESPONSE" },
        { 26, "ERROR_INDICATION" }, { 31, "SUPPORTED_EXT_HEADERS_NOTIFICATION" },
        { 254, "END_MARKER" }, { 255, "G_PDU" }, { 0, NULL },
};

/* TS 29.281 5.2.1. */
static const struct pkt_name ext_names[] = {
        { 0x00, "NONE" }, { 0x03, "LONG_PDCP_PDU_NUMBER" }, { 0x20, "SERVICE_CLASS_INDICATOR" },
        { 0x40, "UDP_PORT" }, { 0x81, "RAN_CONTAINER" }, { 0x82, "LONG_PDCP_PDU_NUMBER_82" },
        { 0x83, "XW_RAN_CONTAINER" }, { 0x84, "NR_RAN_CONTAINER" }, { 0x85, "PDU_SESSION_CONTAINER" },
        { 0xc0, "PDCP_PDU_NUMBER" }, { 0, NULL },
};

static const struct pkt_field gtp_fields[] = {
        { .name = "flags",    .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x30 },
        { .name = "version",  .off = 0,  .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "pt",       .off = 3,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "reserved", .off = 4,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "e",        .off = 5,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "s",        .off = 6,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "pn",       .off = 7,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "type",     .off = 8,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = gtp_type_names, .def = GTP_G_PDU },
        { .name = "len",      .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "teid",     .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

/* The optional word (E, S or PN set). */
static const struct pkt_field opt_fields[] = {
        PKT_U("seq", 0, 16),
        PKT_U("npdu", 16, 8),
        { .name = "next_ext", .off = 24, .bits = 8, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = ext_names },
};

/* An extension header: its length in 4-byte words, then its kind's content and next type. */
static const struct pkt_field ext_fields[] = { PKT_U("len", 0, 8) };

#define NEXT_AT(bit) { .name = "next", .off = (bit), .bits = 8, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = ext_names }
static const struct pkt_field udp_port_kind[] = { PKT_U("port", 0, 16), NEXT_AT(16) };
static const struct pkt_field pdcp_kind[] = { PKT_U("pdcp", 0, 16), NEXT_AT(16) };
/* TS 38.415 5.5.2: a PDU session container of one word, downlink (type 0) or uplink (type 1). */
static const struct pkt_field pdu_session_dl_kind[] = {
        PKT_U("pdu_type", 0, 4), PKT_U("spare", 4, 4), PKT_U("ppp", 8, 1), PKT_U("rqi", 9, 1),
        PKT_U("qfi", 10, 6), NEXT_AT(16),
};
/* Two words, downlink with its paging policy indicator (PPP set). */
static const struct pkt_field pdu_session_dl_ppi_kind[] = {
        PKT_U("pdu_type", 0, 4), PKT_U("spare", 4, 4), PKT_U("ppp", 8, 1), PKT_U("rqi", 9, 1),
        PKT_U("qfi", 10, 6), PKT_U("ppi", 16, 3), PKT_U("spare2", 19, 5), PKT_U("padding", 24, 24),
        NEXT_AT(48),
};
static const struct pkt_field pdu_session_ul_kind[] = {
        PKT_U("pdu_type", 0, 4), PKT_U("spare", 4, 6), PKT_U("qfi", 10, 6), NEXT_AT(16),
};

/* Any other: the content's bytes and the next type, for each length up to EXT_WORDS_MAX. */
#define CONTENT(w) { .name = "content", .off = 0, .bits = ((w) * 4 - 2) * 8, .type = PKT_FT_BYTES }
#define GENERIC(w) { CONTENT(w), NEXT_AT(((w) * 4 - 2) * 8) }
static const struct pkt_field content_kind[] = { { .name = "content", .off = 0, .type = PKT_FT_BYTES } };

/* TS 29.060 7.7. */
static const struct pkt_name ie_names[] = {
        { 1, "cause" }, { 2, "imsi" }, { 3, "rai" }, { 4, "tlli" }, { 5, "p_tmsi" },
        { 8, "reordering_required" }, { 9, "auth_triplet" }, { 11, "map_cause" },
        { 12, "p_tmsi_signature" }, { 13, "ms_validated" }, { 14, "recovery" }, { 15, "selection_mode" },
        { 16, "teid_data_i" }, { 17, "teid_c" }, { 18, "teid_data_ii" }, { 19, "teardown_ind" },
        { 20, "nsapi" }, { 21, "ranap_cause" }, { 22, "rab_context" }, { 23, "radio_priority_sms" },
        { 24, "radio_priority" }, { 25, "packet_flow_id" }, { 26, "charging_characteristics" },
        { 27, "trace_reference" }, { 28, "trace_type" }, { 29, "ms_not_reachable_reason" },
        { 126, "packet_transfer_cmd" }, { 127, "charging_id" }, { 128, "end_user_address" },
        { 129, "mm_context" }, { 130, "pdp_context" }, { 131, "apn" }, { 132, "pco" },
        { 133, "gsn_address" }, { 134, "msisdn" }, { 135, "qos_profile" }, { 137, "tft" },
        { 141, "ext_header_types" }, { 151, "rat_type" }, { 152, "user_location_info" },
        { 153, "ms_time_zone" }, { 154, "imei_sv" }, { 251, "charging_gateway_address" },
        { 255, "private_extension" }, { 0, NULL },
};

/* TS 29.060 7.7.1 (the common ones). */
static const struct pkt_name cause_names[] = {
        { 0, "REQUEST_IMSI" }, { 1, "REQUEST_IMEI" }, { 128, "REQUEST_ACCEPTED" },
        { 192, "NON_EXISTENT" }, { 193, "INVALID_MESSAGE_FORMAT" }, { 199, "NO_RESOURCES_AVAILABLE" },
        { 0, NULL },
};

static const struct pkt_field ie_fields[] = {
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = ie_names },
};

/* Kind fields, after the type (TV) or the type and length (TLV, whose "len" comes first). */
static const struct pkt_field cause_kind[] = {
        { .name = "cause", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = cause_names },
};
static const struct pkt_field recovery_kind[] = { PKT_U("restart_counter", 0, 8) };
static const struct pkt_field teid_kind[] = {
        { .name = "teid", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field nsapi_kind[] = { PKT_U("spare", 0, 4), PKT_U("nsapi", 4, 4) };
static const struct pkt_field selection_kind[] = { PKT_U("spare", 0, 6), PKT_U("mode", 6, 2) };
static const struct pkt_field charging_id_kind[] = {
        { .name = "charging_id", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field tv_value_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field tlv_value_kind[] = {
        PKT_U("len", 0, 16), { .name = "value", .off = 16, .type = PKT_FT_BYTES },
};
static const struct pkt_field gsn_ip4_kind[] = {
        PKT_U("len", 0, 16), { .name = "addr", .off = 16, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field gsn_ip6_kind[] = {
        PKT_U("len", 0, 16), { .name = "addr", .off = 16, .bits = 128, .type = PKT_FT_IPV6 },
};
/* TS 29.060 7.7.27: spare (4) and PDP type organisation (4), PDP type number, the address. */
static const struct pkt_field eua_kind[] = {
        PKT_U("len", 0, 16), PKT_U("spare", 16, 4), PKT_U("pdp_type_org", 20, 4),
        { .name = "pdp_type", .off = 24, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field eua_ip4_kind[] = {
        PKT_U("len", 0, 16), PKT_U("spare", 16, 4), PKT_U("pdp_type_org", 20, 4),
        { .name = "pdp_type", .off = 24, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "addr", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field eua_ip6_kind[] = {
        PKT_U("len", 0, 16), PKT_U("spare", 16, 4), PKT_U("pdp_type_org", 20, 4),
        { .name = "pdp_type", .off = 24, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "addr", .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};

/* TS 29.060 Table 37: the value length of each type-value IE (0: not a TV type). */
static const uint8_t tv_len[IE_TLV_MIN] = {
        [1] = 1,  [2] = 8,  [3] = 6,  [4] = 4,  [5] = 4,  [8] = 1,  [9] = 28, [11] = 1, [12] = 3,
        [13] = 1, [14] = 1, [15] = 1, [16] = 4, [17] = 4, [18] = 5, [19] = 1, [20] = 1, [21] = 1,
        [22] = 9, [23] = 1, [24] = 1, [25] = 2, [26] = 2, [27] = 2, [28] = 2, [29] = 1, [126] = 1,
        [127] = 4,
};
/* clang-format on */

enum { F_FLAGS, F_VERSION, F_PT, F_RESERVED, F_E, F_S, F_PN, F_TYPE, F_LEN, F_TEID };
enum { SET_OPT, SET_EXTS, SET_IES };

struct kind {
        const struct pkt_field *fields;
        uint8_t n;
};
#define KIND(a) ((struct kind){ (a), ARRAY_SIZE(a) })

/* The arguments every element takes besides its kind's fields: its length, and (after the generic
 * name "ie") its type; computed or known apart from the fields. */
static const char *const common_args[] = { "len", "type", NULL };

static int
encode_kind(struct kind kind, const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        struct pkt_spec_arg fields[GTP_ARGS_MAX];
        int m = pkt_spec_args_without(args, n, common_args, fields);

        return pkt_spec_encode(kind.fields, kind.n, fields, m, out, size);
}

static uint8_t
flags_of(const struct pkt_view *v)
{
        return v->b[0];
}

/* GTP version 1 (the protocol type bit set: clear, it is GTP', TS 29.060 6). */
static bool
is_v1(const struct pkt_view *v)
{
        return flags_of(v) >> 4 == (GTP_V1 << 1 | 1);
}

/* The end of the message: the length counts what follows the first 8 bytes. */
static uint32_t
msg_end(const struct pkt_view *v)
{
        return GTP_HDR_LEN + pkt_load_be16(v->b + 2);
}

/* Where the extension headers start (after the optional word). */
static uint32_t
exts_start(const struct pkt_view *v)
{
        return GTP_HDR_LEN + (flags_of(v) & GTP_OPT_BITS ? GTP_OPT_LEN : 0);
}

/* Produces @e at @pos, @len bytes, flagged truncated where the capture ends first (at @pos, too:
 * then it has no bytes) and malformed where the message does. */
static int
elem_at(const struct pkt_view *v, struct pkt_elem *e, uint32_t pos, uint32_t len)
{
        uint32_t end = MIN(msg_end(v), v->wire_len);

        if (pos > v->caplen || pos >= end)
                return 0;
        e->off = pos;
        e->len = MIN(len, v->caplen - pos);
        if (pos + len > end)
                e->flags |= PKT_LAYER_MALFORMED;
        else if (e->len < len)
                e->flags |= PKT_LAYER_TRUNCATED;
        e->len = MIN(e->len, end - pos);
        e->next = pos + len;
        return 1;
}

static int
opt_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count > 0 || !is_v1(v) || !(flags_of(v) & GTP_OPT_BITS))
                return 0;
        return elem_at(v, e, GTP_HDR_LEN, GTP_OPT_LEN);
}

/* The fields of an extension header of @type and @words 4-byte words. */
static struct kind
ext_kind(uint8_t type, const uint8_t *content, uint32_t words)
{
        /* Why 16 words: the longest standard extension header (NR RAN container) has 12; a longer
         * one shows its content to the end. */
        /* clang-format off */
        static const struct pkt_field generic[][2] = {
                GENERIC(1),  GENERIC(2),  GENERIC(3),  GENERIC(4),  GENERIC(5),  GENERIC(6),
                GENERIC(7),  GENERIC(8),  GENERIC(9),  GENERIC(10), GENERIC(11), GENERIC(12),
                GENERIC(13), GENERIC(14), GENERIC(15), GENERIC(16),
        };
        /* clang-format on */

        unsigned pdu_type = content[0] >> 4; /* of a PDU session container: 0 downlink, 1 uplink */

        if (words == 1 && type == EXT_UDP_PORT)
                return KIND(udp_port_kind);
        if (words == 1 && type == EXT_PDCP)
                return KIND(pdcp_kind);
        if (words == 1 && type == EXT_PDU_SESSION && pdu_type <= 1)
                return pdu_type == 0 ? KIND(pdu_session_dl_kind) : KIND(pdu_session_ul_kind);
        /* Downlink with the paging policy indicator (PPP set). */
        if (words == 2 && type == EXT_PDU_SESSION && pdu_type == 0 && (content[1] & 0x80))
                return KIND(pdu_session_dl_ppi_kind);
        if (words <= ARRAY_SIZE(generic))
                return (struct kind){ generic[words - 1], 2 };
        return KIND(content_kind);
}

/* Extension headers: from after the optional word while the previous header names one (TS 29.281
 * 5.2). A header of length 0 cannot be walked past: malformed. */
static int
exts_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? exts_start(v) : e->next;

        if (!is_v1(v) || !(flags_of(v) & GTP_E) || pos > v->caplen || v->b[pos - 1] == 0)
                return 0;
        if (pos == v->caplen)
                return elem_at(v, e, pos, 1); /* named, but not captured */
        uint32_t words = v->b[pos];
        if (words == 0) {
                int r = elem_at(v, e, pos, 1);
                e->flags |= PKT_LAYER_MALFORMED;
                return r;
        }
        if (elem_at(v, e, pos, words * 4) != 1)
                return 0;
        e->data_off = 1;
        if (!(e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))) {
                struct kind k = ext_kind(v->b[pos - 1], v->b + pos + 1, words);
                e->kind_fields = k.fields;
                e->n_kind_fields = k.n;
        }
        return 1;
}

/* The end of the extension headers: where the information elements or the user packet start (past
 * the captured bytes when the capture cuts a header; 0 when one cannot be walked past). */
static uint32_t
exts_end(const struct pkt_view *v)
{
        struct pkt_elem e = PKT_ELEM_INIT;
        uint32_t end = exts_start(v);

        while (exts_next(v, &e) == 1) {
                e.count++;
                if (e.flags & PKT_LAYER_MALFORMED)
                        return 0;
                end = e.next;
                if (e.flags & PKT_LAYER_TRUNCATED)
                        break;
        }
        return end;
}

static struct kind
ie_kind(uint8_t type, uint32_t len)
{
        switch (type) {
        case 1:
                return KIND(cause_kind);
        case 14:
                return KIND(recovery_kind);
        case 15:
                return KIND(selection_kind);
        case 16:
        case 17:
                return KIND(teid_kind);
        case 20:
                return KIND(nsapi_kind);
        case 127:
                return KIND(charging_id_kind);
        case 128:
                return len == 2 + 4    ? KIND(eua_ip4_kind)
                       : len == 2 + 16 ? KIND(eua_ip6_kind)
                                       : KIND(eua_kind);
        case 133:
        case 251:
                return len == 4    ? KIND(gsn_ip4_kind)
                       : len == 16 ? KIND(gsn_ip6_kind)
                                   : KIND(tlv_value_kind);
        default:
                return type < IE_TLV_MIN ? KIND(tv_value_kind) : KIND(tlv_value_kind);
        }
}

/* Information elements of a message other than a G-PDU, after the extension headers to the end of
 * the message. A type-value type without a known length cannot be walked past: malformed. */
static int
ies_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t pos = e->count == 0 ? exts_end(v) : e->next, len;

        if (!is_v1(v) || v->b[1] == GTP_G_PDU || pos == 0 || pos >= MIN(msg_end(v), v->wire_len))
                return 0;
        if (pos >= v->caplen)
                return elem_at(v, e, pos, 1); /* not captured */
        uint8_t type = v->b[pos];
        if (type >= IE_TLV_MIN) {
                if (pos + 3 > v->caplen)
                        return elem_at(v, e, pos, 3);
                len = pkt_load_be16(v->b + pos + 1);
        } else {
                len = tv_len[type];
                if (len == 0) {
                        int r = elem_at(v, e, pos, 1);
                        e->flags |= PKT_LAYER_MALFORMED;
                        return r;
                }
        }
        uint32_t total = 1 + (type >= IE_TLV_MIN ? 2 : 0) + len;
        if (elem_at(v, e, pos, total) != 1)
                return 0;
        e->data_off = 1;
        if (!(e->flags & (PKT_LAYER_MALFORMED | PKT_LAYER_TRUNCATED))) {
                struct kind k = ie_kind(type, len);
                e->kind_fields = k.fields;
                e->n_kind_fields = k.n;
        }
        return 1;
}

static const struct pkt_elem_set gtp_elems[] = {
        [SET_OPT] = { .name = "opt",
                      .elem_name = "opt",
                      .next = opt_next,
                      .fields = opt_fields,
                      .n_fields = ARRAY_SIZE(opt_fields) },
        [SET_EXTS] = { .name = "exts",
                       .elem_name = "ext",
                       .next = exts_next,
                       .fields = ext_fields,
                       .n_fields = ARRAY_SIZE(ext_fields) },
        [SET_IES] = { .name = "ies",
                      .elem_name = "ie",
                      .next = ies_next,
                      .fields = ie_fields,
                      .n_fields = ARRAY_SIZE(ie_fields) },
};

/* A G-PDU's user packet by its first nibble (TS 29.281 5.1: IPv4 or IPv6, or Ethernet and
 * unstructured PDUs in 5G, which nothing here tells apart: raw). */
static uint16_t
user_packet(const struct pkt_view *v, uint32_t at)
{
        uint8_t b;

        if (!pkt_rd_u8(v, at, &b))
                return PKT_PROTO_NONE;
        return b >> 4 == 4 ? PKT_PROTO_IP : b >> 4 == 6 ? PKT_PROTO_IP6 : PKT_PROTO_NONE;
}

static void
gtp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (!is_v1(v)) {
                d->hdr_len = GTP_MIN_LEN;
                return; /* GTPv2-C, GTP': raw after the shared part */
        }
        uint32_t end = msg_end(v), hdr = exts_start(v);
        if (end > v->wire_len || end < hdr) {
                d->flags |= PKT_LAYER_MALFORMED;
                end = MAX(MIN(end, v->wire_len), hdr);
        }
        d->hdr_len = hdr;
        d->flags |= pkt_elems_damage(v, exts_next);
        if (d->flags & PKT_LAYER_MALFORMED || hdr > v->caplen)
                return;
        d->hdr_len = exts_end(v);
        if (d->hdr_len > v->caplen)
                return; /* the capture cuts an extension header: the engine flags the layer */
        if (v->b[1] == GTP_G_PDU) {
                d->payload_len = end > d->hdr_len ? end - d->hdr_len : 0;
                d->next = user_packet(v, d->hdr_len);
                return;
        }
        d->flags |= pkt_elems_damage(v, ies_next);
        d->hdr_len = MAX(end, d->hdr_len);
        d->payload_len = 0;
}

/* On serialise (PKT_SER_NO_AUTO keeps what is there): a message carrying a user packet is a G-PDU;
 * a message built here has the length of what follows its first 8 bytes. */
static int
gtp_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        int r;

        if (idx + 1u < p->n_layers &&
            (p->layers[idx + 1].proto == PKT_PROTO_IP ||
             p->layers[idx + 1].proto == PKT_PROTO_IP6) &&
            (r = pkt_auto_set(p, idx, F_TYPE, GTP_G_PDU)) < 0)
                return r;
        if (pkt_is_rebuilt(p) && l->len >= GTP_HDR_LEN)
                return pkt_auto_set(p, idx, F_LEN, MIN(l->len - GTP_HDR_LEN, 0xffffu));
        return 0;
}

/* ---- building: "opt(seq=1)", "ext(pdu_type=0,qfi=9)", "ext(content=0001,next=0)", "recovery(7)",
 * "teid_data_i(0x1234)", "gsn_address(addr=192.0.2.1)", "apn(value=04696e6574)" ---- */

/* The kinds an extension header can be given as, the one whose fields the arguments name. */
static struct kind
ext_build_kind(const struct pkt_spec_arg *args, int n)
{
        static const struct kind kinds[] = {
                KIND(udp_port_kind),           KIND(pdcp_kind),
                KIND(pdu_session_ul_kind),     KIND(pdu_session_dl_kind),
                KIND(pdu_session_dl_ppi_kind), KIND(content_kind),
        };

        for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
                bool all = true;
                for (int a = 0; a < n && all; a++) {
                        bool named = !args[a].key[0] || strcmp(args[a].key, "len") == 0 ||
                                     strcmp(args[a].key, "next") == 0;
                        for (unsigned f = 0; f < kinds[k].n && !named; f++)
                                named = strcmp(kinds[k].fields[f].name, args[a].key) == 0;
                        all = named;
                }
                if (all)
                        return kinds[k];
        }
        return (struct kind){ NULL, 0 };
}

/* An extension header: its kind's fields (the content's bytes and the next type by default), its
 * length in words computed unless given. */
static int
ext_build(const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        struct kind kind = ext_build_kind(args, n);
        const char *next = pkt_spec_arg(args, n, "next", -1),
                   *given = pkt_spec_arg(args, n, "len", -1);
        uint32_t words;
        int r;

        if (!kind.fields || size < 2)
                return kind.fields ? -EMSGSIZE : -ENOENT;
        if (kind.fields == content_kind) {
                /* The content's bytes, zeros to fill its words, then the next type. */
                const char *content = pkt_spec_arg(args, n, "content", 0);
                r = content ? pkt_spec_field(&content_kind[0], content, out + 1, size - 2) : 0;
                if (r < 0)
                        return r;
                uint32_t padded = ((uint32_t)r + 2 + 3) / 4 * 4 - 2, u = 0;
                if (1 + padded + 1 > size)
                        return -EMSGSIZE;
                if (next && pkt_name_value(ext_names, next, UINT8_MAX, &u) < 0)
                        return -EINVAL;
                memset(out + 1 + r, 0, padded - (uint32_t)r);
                out[1 + padded] = (uint8_t)u;
                r = (int)padded + 1;
        } else if ((r = encode_kind(kind, args, n, out + 1, size - 1)) < 0) {
                return r;
        }
        words = (uint32_t)(1 + r) / 4;
        if ((1 + r) % 4 || (given && pkt_name_value(NULL, given, UINT8_MAX, &words) < 0))
                return -EINVAL;
        out[0] = (uint8_t)words;
        return 1 + r;
}

/* An information element by kind name or type number: its fields from the arguments, a TLV's
 * length computed unless given. */
static int
ie_build(const char *name, const struct pkt_spec_arg *args, int n, uint8_t *out, size_t size)
{
        const char *type_text = strcmp(name, "ie") == 0 ? pkt_spec_arg(args, n, "type", -1) : name;
        const char *addr = pkt_spec_arg(args, n, "addr", -1), *given = pkt_spec_arg(args, n, "len", -1);
        uint32_t type;
        int r;

        if (!type_text || pkt_name_value(ie_names, type_text, UINT8_MAX, &type) < 0)
                return -EINVAL;
        /* The address's family gives the kind of a GSN or end user address. */
        uint32_t value_len = addr ? (strchr(addr, ':') ? 16 : 4) : 0;
        struct kind kind = ie_kind((uint8_t)type, type == 128 ? 2 + value_len : value_len);
        if (size < 1)
                return -EMSGSIZE;
        out[0] = (uint8_t)type;
        if ((r = encode_kind(kind, args, n, out + 1, size - 1)) < 0)
                return r;
        if (type < IE_TLV_MIN)
                return tv_len[type] && (uint32_t)r != tv_len[type] ? -EINVAL : 1 + r;
        uint32_t len = (uint32_t)r - 2;
        if (r < 2 || (given && pkt_name_value(NULL, given, UINT16_MAX, &len) < 0))
                return -EINVAL;
        pkt_store_be16(out + 1, (uint16_t)len);
        return 1 + r;
}

static int
gtp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
               uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[GTP_ARGS_MAX];
        char name[32];
        int n = pkt_spec_split(text, name, sizeof(name), args, GTP_ARGS_MAX);

        if (n < 0)
                return n;
        switch (set) {
        case SET_OPT:
                /* One optional word: there when the flags announce it and the header holds it (the
                 * flags may be set first, "gtp(e=1,opt=[...])"). */
                if ((v->b[0] & GTP_OPT_BITS) && hdr_len >= GTP_HDR_LEN + GTP_OPT_LEN)
                        return -EINVAL;
                *ret_at = GTP_HDR_LEN;
                return encode_kind(KIND(opt_fields), args, n, out, MIN(size, GTP_OPT_LEN));
        case SET_EXTS:
                *ret_at = exts_end(v) ? exts_end(v) : hdr_len;
                return ext_build(args, n, out, size);
        default:
                *ret_at = hdr_len;
                return ie_build(name, args, n, out, size);
        }
}

/* A word added makes its flag true (S for the optional word, unless E or PN already announce it);
 * an extension header needs E and the optional word before it. */
static int
gtp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        const uint8_t *h = p->data + p->layers[idx].off;
        static const uint8_t zeros[GTP_OPT_LEN];
        int r;

        if (set == SET_OPT && !(h[0] & GTP_OPT_BITS))
                return pkt_auto_set(p, idx, F_S, 1);
        if (set != SET_EXTS)
                return 0;
        if (!(h[0] & GTP_OPT_BITS) &&
            (r = pkt_layer_splice(p, idx, GTP_HDR_LEN, 0, zeros, GTP_OPT_LEN)) < 0)
                return r;
        return pkt_auto_set(p, idx, F_E, 1);
}

static const struct pkt_key gtp_carriers[] = {
        { PKT_KEY_UDP_PORT, 2152 }, /* GTP-U, TS 29.281 4.4.2 */
        { PKT_KEY_UDP_PORT, 2123 }, /* GTP-C, TS 29.060 */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_gtp = {
        .name = "gtp",
        .summary = "GPRS Tunnelling Protocol v1: GTP-U user packets and GTP-C messages (3GPP TS "
                   "29.281, 29.060)",
        .id = PKT_PROTO_GTP,
        .min_hdr_len = GTP_MIN_LEN,
        .def_hdr_len = GTP_HDR_LEN,
        .fields = gtp_fields,
        .n_fields = ARRAY_SIZE(gtp_fields),
        .elems = gtp_elems,
        .n_elems = ARRAY_SIZE(gtp_elems),
        .carriers = gtp_carriers,
        .dissect = gtp_dissect,
        .update = gtp_update,
        .elem_build = gtp_elem_build,
        .elem_added = gtp_elem_added,
        .not_dissected = "GTPv2-C and GTP' (versions 2 and 0) are raw after their first 4 bytes; "
                         "information "
                         "elements other than cause, recovery, selection mode, TEIDs, NSAPI, "
                         "charging ID, end "
                         "user and GSN addresses are value bytes; a 5G user packet that is not IP "
                         "stays raw.",
};
