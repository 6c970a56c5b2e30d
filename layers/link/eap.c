/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Extensible Authentication Protocol (RFC 3748 4), in EAPOL frames (eapol.c) and PPP (0xc227).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     code      |      id       |              len              |   eap
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     type      |  type data (Request and Response only) ...        a body per method:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   eapidentity, eapnak, eapmd5,
 *                                                                      eaptls, eapsim, eapleap,
 *                                                                      eapexpanded, eapmethod
 *
 * Success and Failure end after the length; a Request or Response goes on with the method's type
 * and data. So the type is the first field of the body sub-layer, as ICMP's bodies follow its type
 * (the bytes are scapy's EAP and EAP_MD5, EAP_TLS, ...; the names too, but for EAP-TLS's flags,
 * which are tshark's). As PPP's packets do, the length counts the whole packet, and what follows
 * it is the carrier's padding.
 */
#include "internal.h"

enum { EAP_HDR_LEN = 4 };
enum { CODE_REQUEST = 1, CODE_RESPONSE, CODE_SUCCESS, CODE_FAILURE };
enum { EAP_F_CODE, EAP_F_ID, EAP_F_LEN };

/* Method types (IANA "EAP Method Types") that have a body of their own here. */
enum {
        T_IDENTITY = 1,
        T_NAK = 3,
        T_MD5 = 4,
        T_TLS = 13,
        T_LEAP = 17,
        T_SIM = 18,
        T_TTLS = 21,
        T_AKA = 23,
        T_PEAP = 25,
        T_FAST = 43,
        T_AKA_PRIME = 50,
        T_TEAP = 55,
        T_EXPANDED = 254,
};

/* EAP-TLS flags (RFC 5216 3.1; TTLS, PEAP, FAST and TEAP put their version in the low bits). */
#define TLS_LEN_INCLUDED 0x80u
#define TLS_MORE         0x40u
#define TLS_START        0x20u
#define TLS_HDR_LEN      2u /* type and flags */
#define TLS_LEN_SZ       4u
enum { TLS_F_LEN_INCLUDED = 2 }; /* the index of len_included in tls_fields */
enum { AT_IDENTITY = 14 };       /* the EAP-SIM attribute whose value is an identity */

/* clang-format off */
static const struct pkt_name code_names[] = {
        { CODE_REQUEST, "Request" }, { CODE_RESPONSE, "Response" }, { CODE_SUCCESS, "Success" },
        { CODE_FAILURE, "Failure" }, { 5, "Initiate" }, { 6, "Finish" }, { 0, NULL },
};
static const struct pkt_name type_names[] = {
        { T_IDENTITY, "Identity" }, { 2, "Notification" }, { T_NAK, "Nak" }, { T_MD5, "MD5-Challenge" },
        { 5, "OTP" }, { 6, "GTC" }, { T_TLS, "TLS" }, { T_LEAP, "LEAP" }, { T_SIM, "SIM" },
        { T_TTLS, "TTLS" }, { T_AKA, "AKA" }, { T_PEAP, "PEAP" }, { 26, "MSCHAPv2" },
        { 33, "TLV" }, { T_FAST, "FAST" }, { 47, "PSK" }, { 48, "SAKE" }, { 49, "IKEv2" },
        { T_AKA_PRIME, "AKA'" }, { 51, "GPSK" }, { 52, "pwd" }, { 53, "EKE" }, { 54, "PT-EAP" },
        { T_TEAP, "TEAP" }, { T_EXPANDED, "Expanded" }, { 255, "Experimental" }, { 0, NULL },
};
/* EAP-SIM (RFC 4186 11), EAP-AKA and AKA' (RFC 4187 11) subtypes. */
static const struct pkt_name sim_subtype_names[] = {
        { 1, "AKA-Challenge" }, { 2, "AKA-Authentication-Reject" }, { 4, "AKA-Synchronization-Failure" },
        { 5, "AKA-Identity" }, { 10, "SIM-Start" }, { 11, "SIM-Challenge" }, { 12, "Notification" },
        { 13, "Re-authentication" }, { 14, "Client-Error" }, { 0, NULL },
};
static const struct pkt_name sim_attribute_names[] = {
        { 1, "AT_RAND" }, { 2, "AT_AUTN" }, { 3, "AT_RES" }, { 4, "AT_AUTS" }, { 6, "AT_PADDING" },
        { 7, "AT_NONCE_MT" }, { 10, "AT_PERMANENT_ID_REQ" }, { 11, "AT_MAC" }, { 12, "AT_NOTIFICATION" },
        { 13, "AT_ANY_ID_REQ" }, { 14, "AT_IDENTITY" }, { 15, "AT_VERSION_LIST" },
        { 16, "AT_SELECTED_VERSION" }, { 17, "AT_FULLAUTH_ID_REQ" }, { 19, "AT_COUNTER" },
        { 20, "AT_COUNTER_TOO_SMALL" }, { 21, "AT_NONCE_S" }, { 22, "AT_CLIENT_ERROR_CODE" },
        { 23, "AT_KDF_INPUT" }, { 24, "AT_KDF" }, { 129, "AT_IV" }, { 130, "AT_ENCR_DATA" },
        { 132, "AT_NEXT_PSEUDONYM" }, { 133, "AT_NEXT_REAUTH_ID" }, { 134, "AT_CHECKCODE" },
        { 135, "AT_RESULT_IND" }, { 136, "AT_BIDDING" }, { 0, NULL },
};

static const struct pkt_field eap_fields[] = {
        { .name = "code", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = code_names, .def = CODE_REQUEST },
        { .name = "id",   .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO, .def = EAP_HDR_LEN },
};

#define TYPE_FIELD(def_type) \
        { .name = "type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = type_names, .def = (def_type) }

static const struct pkt_field identity_fields[] = {
        TYPE_FIELD(T_IDENTITY),
        { .name = "identity", .off = 8, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field nak_fields[] = {
        TYPE_FIELD(T_NAK),
        { .name = "desired_auth_types", .off = 8, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field md5_fields[] = {
        TYPE_FIELD(T_MD5),
        { .name = "value_size",    .off = 8,              .bits = 8, .type = PKT_FT_UINT },
        { .name = "value",         .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
        { .name = "optional_name", .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field tls_fields[] = {
        TYPE_FIELD(T_TLS),
        { .name = "flags",           .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "len_included",    .off = 8,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "more_fragments",  .off = 9,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "start",           .off = 10, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "reserved",        .off = 11, .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "version",         .off = 13, .bits = 3,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        /* There when len_included is set: setting it adds it to the header. */
        { .name = "tls_message_len", .off = 16, .bits = 32, .type = PKT_FT_UINT },
};
static const struct pkt_field sim_fields[] = {
        TYPE_FIELD(T_SIM),
        { .name = "subtype",  .off = 8,  .bits = 8,  .type = PKT_FT_ENUM, .names = sim_subtype_names },
        { .name = "reserved", .off = 16, .bits = 16, .type = PKT_FT_UINT },
};
static const struct pkt_field sim_attribute_fields[] = {
        { .name = "type",  .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .names = sim_attribute_names },
        { .name = "len",   .off = 8,  .bits = 8, .type = PKT_FT_UINT }, /* in 4-byte words */
};
/* Kind fields, after type and length: an identity's actual length before its padding
 * (AT_IDENTITY, RFC 4186 10.5), or the value. */
static const struct pkt_field sim_identity_fields[] = {
        { .name = "actual_length", .off = 0, .bits = 16, .type = PKT_FT_UINT },
        { .name = "identity",      .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_STRING, .flags = PKT_FF_COUNTED },
};
static const struct pkt_field sim_value_fields[] = {
        { .name = "value", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field leap_fields[] = {
        TYPE_FIELD(T_LEAP),
        { .name = "version",            .off = 8,  .bits = 8, .type = PKT_FT_UINT, .def = 1 },
        { .name = "unused",             .off = 16, .bits = 8, .type = PKT_FT_UINT },
        { .name = "count",              .off = 24, .bits = 8, .type = PKT_FT_UINT },
        { .name = "challenge_response", .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_BYTES, .flags = PKT_FF_COUNTED },
        { .name = "username",           .off = PKT_OFF_FOLLOW, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field expanded_fields[] = {
        TYPE_FIELD(T_EXPANDED),
        { .name = "vendor_id",   .off = 8,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "vendor_type", .off = 32, .bits = 32, .type = PKT_FT_UINT },
};
static const struct pkt_field method_fields[] = {
        TYPE_FIELD(2),
        { .name = "data", .off = 8, .bits = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

/* The body sub-layer of a Request's or Response's method type. */
static unsigned
body_of(uint8_t type)
{
        switch (type) {
        case T_IDENTITY:
                return PKT_PROTO_EAP_IDENTITY;
        case T_NAK:
                return PKT_PROTO_EAP_NAK;
        case T_MD5:
                return PKT_PROTO_EAP_MD5;
        case T_TLS:
        case T_TTLS:
        case T_PEAP:
        case T_FAST:
        case T_TEAP:
                return PKT_PROTO_EAP_TLS;
        case T_SIM:
        case T_AKA:
        case T_AKA_PRIME:
                return PKT_PROTO_EAP_SIM;
        case T_LEAP:
                return PKT_PROTO_EAP_LEAP;
        case T_EXPANDED:
                return PKT_PROTO_EAP_EXPANDED;
        default:
                return PKT_PROTO_EAP_METHOD;
        }
}

static void
eap_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = pkt_load_be16(v->b + 2);
        uint8_t code = v->b[0], type;

        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (len < EAP_HDR_LEN || len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
        d->payload_len = len - MIN(len, EAP_HDR_LEN);
        if ((code == CODE_REQUEST || code == CODE_RESPONSE) && d->payload_len > 0 &&
            pkt_rd_u8(v, EAP_HDR_LEN, &type))
                d->next = (uint16_t)body_of(type);
}

static int
eap_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (!pkt_is_rebuilt(p))
                return 0;
        return pkt_auto_set(p, idx, EAP_F_LEN, MIN(l->len, 0xffffu));
}

/* A Response answers the Request of its identifier, and Success or Failure the Response
 * (RFC 3748 4.1, 4.2). */
static bool
eap_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->len < EAP_HDR_LEN || b->len < EAP_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        if (q[1] != r[1])
                return false;
        return (q[0] == CODE_REQUEST && r[0] == CODE_RESPONSE) ||
               (q[0] == CODE_RESPONSE && (r[0] == CODE_SUCCESS || r[0] == CODE_FAILURE));
}

static const struct pkt_key eap_carriers[] = { { PKT_KEY_PPP, 0xc227 }, PKT_KEY_END };

const struct pkt_proto pkt_proto_eap = {
        .name = "eap",
        .summary = "Extensible Authentication Protocol (RFC 3748)",
        .id = PKT_PROTO_EAP,
        .min_hdr_len = EAP_HDR_LEN,
        .fields = eap_fields,
        .n_fields = ARRAY_SIZE(eap_fields),
        .carriers = eap_carriers,
        .dissect = eap_dissect,
        .update = eap_update,
        .answers = eap_answers,
};

/* ---- method bodies ---- */

/* The whole body is the header. */
static void
body_whole(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(v->wire_len, 1u);
        d->payload_len = 0;
}

/* The value as long as its size says, then the name to the end. */
static void
md5_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(2u + v->b[1], v->wire_len);
        d->payload_len = 0;
}

/* A LEAP challenge or response as long as its count says, then the user name to the end. */
static void
leap_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(4u + v->b[3], v->wire_len);
        d->payload_len = 0;
}

/* Does @b (@len bytes) start with a TLS record header: ChangeCipherSpec, Alert, Handshake or
 * ApplicationData of SSL 3.0 to TLS 1.2 on the wire (RFC 8446 5.1), not empty? */
static bool
starts_tls_record(const uint8_t *b, uint32_t len)
{
        enum { REC_HDR = 5, CHANGE_CIPHER_SPEC = 20, APPLICATION_DATA = 23 };

        return len >= REC_HDR && b[0] >= CHANGE_CIPHER_SPEC && b[0] <= APPLICATION_DATA && b[1] == 3 &&
               b[2] <= 3 && (b[3] | b[4]) != 0;
}

/*
 * Type, flags and the message length when the L bit says it is there. The data is TLS records when
 * it starts with a record header and is not a Start (whose data is FAST's and TEAP's Authority-ID):
 * a whole message (no M bit, and the length the L bit gives), or the first fragment of a longer one
 * (the M bit), whose records run on in the fragments after it: lengths past its end are the
 * message's, not contradictions (PKT_DISSECT_PARTIAL). Fragments are not reassembled: a middle or
 * last fragment starts inside a record, and stays raw.
 */
static void
tls_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t flags = v->b[1];
        uint32_t total;

        d->hdr_len = TLS_HDR_LEN + (flags & TLS_LEN_INCLUDED ? TLS_LEN_SZ : 0);
        if (d->hdr_len >= v->wire_len || (flags & TLS_START) || v->caplen <= d->hdr_len ||
            !starts_tls_record(v->b + d->hdr_len, v->caplen - d->hdr_len))
                return;
        if (flags & TLS_MORE) {
                d->flags |= PKT_DISSECT_PARTIAL;
        } else if ((flags & TLS_LEN_INCLUDED) &&
                   (!pkt_rd_be32(v, TLS_HDR_LEN, &total) || total != v->wire_len - d->hdr_len)) {
                return;
        }
        d->next = PKT_PROTO_TLS;
}

/* The L bit follows the header: 6 bytes hold the message length. */
static int
tls_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (l->hdr_len < TLS_HDR_LEN + TLS_LEN_SZ)
                return 0;
        return pkt_auto_set(p, idx, TLS_F_LEN_INCLUDED, 1);
}

/* EAP-SIM and EAP-AKA attributes: type, length in 4-byte words, value (RFC 4186 8.1). */
static int
sim_attribute_next(const struct pkt_view *v, struct pkt_elem *e)
{
        enum { SIM_HDR = 4, ATTR_HDR = 2, WORD = 4 };
        uint32_t pos = e->count == 0 ? SIM_HDR : e->next, end = v->caplen;

        if (pos >= v->wire_len)
                return 0;
        e->off = pos;
        e->len = end > pos ? end - pos : 0;
        e->next = v->wire_len;
        if (end < pos + ATTR_HDR) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        uint32_t len = (uint32_t)v->b[pos + 1] * WORD;
        if (len == 0 || len > v->wire_len - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (len > end - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        e->data_off = ATTR_HDR;
        bool is_identity = v->b[pos] == AT_IDENTITY;
        e->kind_fields = is_identity ? sim_identity_fields : sim_value_fields;
        e->n_kind_fields = is_identity ? ARRAY_SIZE(sim_identity_fields) : ARRAY_SIZE(sim_value_fields);
        return 1;
}

static const struct pkt_elem_set sim_elems[] = {
        { .name = "attributes", .elem_name = "attribute", .next = sim_attribute_next,
          .fields = sim_attribute_fields, .n_fields = ARRAY_SIZE(sim_attribute_fields) },
};

static void
sim_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        body_whole(v, d);
        if (v->wire_len <= v->caplen)
                d->flags |= pkt_elems_damage(v, sim_attribute_next);
}

/* An attribute is built from its type and its kind's fields, by name: attribute(type=AT_NONCE_MT,
 * value=0000...), attribute(type=AT_IDENTITY,identity="..."). The length in words is computed and
 * the attribute padded with zeros to a word (RFC 4186 8.1), unless given. */
static int
sim_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text, uint8_t *out,
               size_t size, uint32_t *ret_at)
{
        static const char *const header_keys[] = { "type", "len", NULL };
        static const char *const kind_keys[] = { "actual_length", "identity", "value", NULL };
        struct pkt_spec_arg args[4], head[4], body[4];
        char name[32];
        int n = pkt_spec_split(text, name, sizeof(name), args, ARRAY_SIZE(args));

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        if (n < 0 || strcmp(name, "attribute") != 0)
                return -EINVAL;
        int n_body = pkt_spec_args_without(args, n, header_keys, body);
        int n_head = pkt_spec_args_without(args, n, kind_keys, head);
        int len = pkt_spec_encode(sim_attribute_fields, ARRAY_SIZE(sim_attribute_fields), head, n_head, out, size);
        if (len < 0)
                return len;
        bool is_identity = out[0] == AT_IDENTITY;
        int body_len = is_identity ? pkt_spec_encode(sim_identity_fields, ARRAY_SIZE(sim_identity_fields), body,
                                                     n_body, out + len, size - (size_t)len)
                                   : pkt_spec_encode(sim_value_fields, ARRAY_SIZE(sim_value_fields), body,
                                                     n_body, out + len, size - (size_t)len);
        if (body_len < 0)
                return body_len;
        uint32_t padded = ((uint32_t)(len + body_len) + 3u) & ~3u;
        if (padded > size || padded / 4 > 0xff)
                return -EMSGSIZE;
        memset(out + len + body_len, 0, padded - (uint32_t)(len + body_len));
        if (!pkt_spec_arg(args, n, "len", -1))
                out[1] = (uint8_t)(padded / 4);
        return (int)padded;
}

/* The vendor's data follows the vendor and its type (WSC's, for Wi-Fi Protected Setup). */
static void
expanded_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        (void)v;
        d->hdr_len = 8;
}

#define EAP_BODY(pname, id_, summary_, fields_, dissect_, min_len, ...)                               \
        const struct pkt_proto pkt_proto_##pname = {                                                 \
                .name = #pname,                                                                      \
                .summary = (summary_),                                                               \
                .id = (id_),                                                                         \
                .min_hdr_len = (min_len),                                                            \
                .fields = (fields_),                                                                 \
                .n_fields = ARRAY_SIZE(fields_),                                                     \
                .dissect = (dissect_),                                                               \
                __VA_ARGS__                                                                          \
        }

EAP_BODY(eapidentity, PKT_PROTO_EAP_IDENTITY, "EAP Identity body: the peer's identity", identity_fields,
         body_whole, 1);
EAP_BODY(eapnak, PKT_PROTO_EAP_NAK, "EAP Nak body: the methods the peer would rather use", nak_fields,
         body_whole, 1);
EAP_BODY(eapmd5, PKT_PROTO_EAP_MD5, "EAP MD5-Challenge body (RFC 3748 5.4): value and name", md5_fields,
         md5_dissect, 2);
EAP_BODY(eaptls, PKT_PROTO_EAP_TLS,
         "EAP-TLS, TTLS, PEAP, FAST and TEAP body (RFC 5216 3.1): flags, message length, TLS records",
         tls_fields, tls_dissect, TLS_HDR_LEN, .update = tls_update,
         .not_dissected = "Fragments after the first stay raw: the TLS message they make is not reassembled");
EAP_BODY(eapsim, PKT_PROTO_EAP_SIM, "EAP-SIM, AKA and AKA' body (RFC 4186, 4187): subtype and attributes",
         sim_fields, sim_dissect, 4, .elems = sim_elems, .n_elems = ARRAY_SIZE(sim_elems),
         .elem_build = sim_elem_build,
         .not_dissected = "Attribute values stay bytes (AT_RAND, AT_MAC, ...)");
EAP_BODY(eapleap, PKT_PROTO_EAP_LEAP, "Cisco LEAP body: challenge or response, and the user name",
         leap_fields, leap_dissect, 4);
EAP_BODY(eapexpanded, PKT_PROTO_EAP_EXPANDED, "EAP Expanded type body (RFC 3748 5.7): vendor and type",
         expanded_fields, expanded_dissect, 8, .not_dissected = "The vendor's data stays raw (WSC, ...)");
EAP_BODY(eapmethod, PKT_PROTO_EAP_METHOD, "EAP body of another method: its type and data", method_fields,
         body_whole, 1);
