/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session Traversal Utilities for NAT (RFC 8489), with TURN's (RFC 8656) and ICE's (RFC 8445)
 * attributes: how WebRTC and VoIP endpoints find their public addresses and relays.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     message type (class and method)|     length (auto)     |   stun
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     magic cookie 0x2112a442                   |
 *  |                transaction ID (96 bits)                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  attributes: type (16), length (16), value padded to 32 bits  |   attributes
 *
 * The message is the header; `length` counts the attributes. Each attribute's value reads by kind
 * from a table of forms (an address attribute by its length: IPv4 or IPv6). The XOR'd addresses
 * (XOR-MAPPED-ADDRESS, TURN's XOR-PEER- and XOR-RELAYED-ADDRESS) are as on the wire, `x_port` and
 * `x_address` (RFC 8489 14.2: the port XOR the cookie's top 16 bits, an IPv4 address XOR the
 * cookie). A FINGERPRINT attribute, last, is computed on build (RFC 8489 14.7: CRC-32 of the
 * message before it, XOR 0x5354554e); MESSAGE-INTEGRITY needs the shared key, so it is what the
 * user sets. Names are scapy's (scapy.contrib.stun) where it has them: stun_message_type,
 * magic_cookie, transaction_id, attributes, their type and length, username, hmac_sha1, priority,
 * address_family, crc_32, tie_breaker.
 *
 * TCP port 3478; on UDP (where 3478 is shared with DTLS and media, RFC 7983) and elsewhere a
 * heuristic: the cookie at offset 4, the type's top two bits 0, and a length in whole words within
 * the payload.
 */
#include <string.h>
#include <strings.h>

#include "forms.h"
#include "internal.h"

#define STUN_HDR_LEN    20
#define STUN_PORT       3478
#define STUN_COOKIE     0x2112a442u
#define ATTR_HDR_LEN    4
#define FINGERPRINT     0x8028
#define FINGERPRINT_XOR 0x5354554eu
#define FINGERPRINT_LEN 8    /* its header and CRC */
#define ATTRS_MAX       1024 /* attributes an element walk looks at; a message has far fewer */

/* clang-format off */
/* RFC 8489 18.2, RFC 8656 18: method and class (the class bits at 4 and 8). */
static const struct pkt_name type_names[] = {
        { 0x0001, "Binding-Request" }, { 0x0011, "Binding-Indication" },
        { 0x0101, "Binding-Success" }, { 0x0111, "Binding-Error" },
        { 0x0003, "Allocate-Request" }, { 0x0103, "Allocate-Success" }, { 0x0113, "Allocate-Error" },
        { 0x0004, "Refresh-Request" }, { 0x0104, "Refresh-Success" }, { 0x0114, "Refresh-Error" },
        { 0x0016, "Send-Indication" }, { 0x0017, "Data-Indication" },
        { 0x0008, "CreatePermission-Request" }, { 0x0108, "CreatePermission-Success" },
        { 0x0118, "CreatePermission-Error" },
        { 0x0009, "ChannelBind-Request" }, { 0x0109, "ChannelBind-Success" }, { 0x0119, "ChannelBind-Error" },
        { 0, NULL },
};

static const struct pkt_field stun_fields[] = {
        { .name = "stun_message_type", .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = type_names, .def = 0x0001 },
        { .name = "length",            .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
        { .name = "magic_cookie",      .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = STUN_COOKIE },
        { .name = "transaction_id",    .off = 64, .bits = 96, .type = PKT_FT_BYTES },
};

/* IANA's STUN attributes, those of RFC 8489, 8656 and 8445. */
static const struct pkt_name attr_names[] = {
        { 0x0001, "MAPPED-ADDRESS" }, { 0x0006, "USERNAME" }, { 0x0008, "MESSAGE-INTEGRITY" },
        { 0x0009, "ERROR-CODE" }, { 0x000a, "UNKNOWN-ATTRIBUTES" }, { 0x000c, "CHANNEL-NUMBER" },
        { 0x000d, "LIFETIME" }, { 0x0012, "XOR-PEER-ADDRESS" }, { 0x0013, "DATA" }, { 0x0014, "REALM" },
        { 0x0015, "NONCE" }, { 0x0016, "XOR-RELAYED-ADDRESS" }, { 0x0017, "REQUESTED-ADDRESS-FAMILY" },
        { 0x0018, "EVEN-PORT" }, { 0x0019, "REQUESTED-TRANSPORT" }, { 0x001a, "DONT-FRAGMENT" },
        { 0x001c, "MESSAGE-INTEGRITY-SHA256" }, { 0x001d, "PASSWORD-ALGORITHM" }, { 0x001e, "USERHASH" },
        { 0x0020, "XOR-MAPPED-ADDRESS" }, { 0x0022, "RESERVATION-TOKEN" }, { 0x0024, "PRIORITY" },
        { 0x0025, "USE-CANDIDATE" }, { 0x8002, "PASSWORD-ALGORITHMS" }, { 0x8003, "ALTERNATE-DOMAIN" },
        { 0x8022, "SOFTWARE" }, { 0x8023, "ALTERNATE-SERVER" }, { 0x8028, "FINGERPRINT" },
        { 0x8029, "ICE-CONTROLLED" }, { 0x802a, "ICE-CONTROLLING" }, { 0x802b, "RESPONSE-ORIGIN" },
        { 0x802c, "OTHER-ADDRESS" }, { 0, NULL },
};

static const struct pkt_field attr_fields[] = {
        { .name = "type",   .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = attr_names },
        PKT_U("length", 16, 16),
};

static const struct pkt_name family_names[] = { { 1, "IPv4" }, { 2, "IPv6" }, { 0, NULL } };

/* The family's default is the form's: an IPv6 address's attribute says 2. */
#define ADDRESS_HEAD(port, family)                                                                  \
        PKT_U("reserved", 0, 8),                                                                    \
        { .name = "address_family", .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = family_names, .def = (family) }, \
        PKT_U(port, 16, 16)

static const struct pkt_field address4_kind[] = { ADDRESS_HEAD("port", 1), { .name = "address", .off = 32, .bits = 32, .type = PKT_FT_IPV4 } };
static const struct pkt_field address6_kind[] = {
        ADDRESS_HEAD("port", 2), { .name = "address", .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};
static const struct pkt_field xor4_kind[] = {
        ADDRESS_HEAD("x_port", 1), { .name = "x_address", .off = 32, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field xor6_kind[] = {
        ADDRESS_HEAD("x_port", 2), { .name = "x_address", .off = 32, .bits = 128, .type = PKT_FT_IPV6 },
};
static const struct pkt_field value_kind[] = { { .name = "value", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field username_kind[] = { { .name = "username", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field text_kind[] = { { .name = "text", .off = 0, .type = PKT_FT_STRING } };
static const struct pkt_field hmac_kind[] = { { .name = "hmac_sha1", .off = 0, .bits = 160, .type = PKT_FT_BYTES } };
static const struct pkt_field hmac256_kind[] = { { .name = "hmac_sha256", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field error_kind[] = {
        PKT_U("reserved", 0, 21), PKT_U("error_class", 21, 3), PKT_U("number", 24, 8),
        { .name = "reason", .off = 32, .type = PKT_FT_STRING },
};
static const struct pkt_field channel_kind[] = { PKT_U("channel", 0, 16), PKT_U("rffu", 16, 16) };
static const struct pkt_field lifetime_kind[] = { PKT_U("lifetime", 0, 32) };
static const struct pkt_field family_kind[] = {
        { .name = "address_family", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = family_names, .def = 1 },
        PKT_U("rffu", 8, 24),
};
static const struct pkt_field even_port_kind[] = { PKT_U("reserve", 0, 1), PKT_U("rffu", 1, 7) };
static const struct pkt_field transport_kind[] = { PKT_U("protocol", 0, 8), PKT_U("rffu", 8, 24) };
static const struct pkt_field token_kind[] = { { .name = "token", .off = 0, .bits = 64, .type = PKT_FT_BYTES } };
static const struct pkt_field priority_kind[] = { PKT_U("priority", 0, 32) };
static const struct pkt_field fingerprint_kind[] = {
        { .name = "crc_32", .off = 0, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
static const struct pkt_field tie_breaker_kind[] = {
        { .name = "tie_breaker", .off = 0, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

#define ADDRESS_FORMS(t, k4, k6) { (t), 8, true, PKT_KIND(k4) }, { (t), 20, true, PKT_KIND(k6) }
#define NO_FIELDS ((struct pkt_kind){ NULL, 0 })

static const struct pkt_form forms[] = {
        ADDRESS_FORMS(0x0001, address4_kind, address6_kind), ADDRESS_FORMS(0x8023, address4_kind, address6_kind),
        ADDRESS_FORMS(0x802b, address4_kind, address6_kind), ADDRESS_FORMS(0x802c, address4_kind, address6_kind),
        ADDRESS_FORMS(0x0020, xor4_kind, xor6_kind), ADDRESS_FORMS(0x0012, xor4_kind, xor6_kind),
        ADDRESS_FORMS(0x0016, xor4_kind, xor6_kind),
        { 0x0006, 0, false, PKT_KIND(username_kind) }, { 0x0008, 20, true, PKT_KIND(hmac_kind) },
        { 0x0009, 4, false, PKT_KIND(error_kind) }, { 0x000c, 4, true, PKT_KIND(channel_kind) },
        { 0x000d, 4, true, PKT_KIND(lifetime_kind) }, { 0x0014, 0, false, PKT_KIND(text_kind) },
        { 0x0015, 0, false, PKT_KIND(text_kind) }, { 0x0017, 4, true, PKT_KIND(family_kind) },
        { 0x0018, 1, true, PKT_KIND(even_port_kind) }, { 0x0019, 4, true, PKT_KIND(transport_kind) },
        { 0x001a, 0, true, NO_FIELDS }, { 0x001c, 16, false, PKT_KIND(hmac256_kind) },
        { 0x0022, 8, true, PKT_KIND(token_kind) }, { 0x0024, 4, true, PKT_KIND(priority_kind) },
        { 0x0025, 0, true, NO_FIELDS }, { 0x8003, 0, false, PKT_KIND(text_kind) },
        { 0x8022, 0, false, PKT_KIND(text_kind) }, { FINGERPRINT, 4, true, PKT_KIND(fingerprint_kind) },
        { 0x8029, 8, true, PKT_KIND(tie_breaker_kind) }, { 0x802a, 8, true, PKT_KIND(tie_breaker_kind) },
};
/* clang-format on */

enum { F_TYPE, F_LENGTH, F_COOKIE, F_TRANSACTION_ID };

/* Where the attributes end: the length says, after the header. */
static uint32_t
message_end(const struct pkt_view *v)
{
        return STUN_HDR_LEN + (uint32_t)pkt_load_be16(v->b + 2);
}

/* Attributes to the message's end, each padded to 32 bits (the padding is the attribute's, not its
 * length's); the kind by type and length. One whose type has forms its length fits none of is
 * flagged PKT_ELEM_BAD_LEN, and the walk goes on after it. */
static int
attributes_next(const struct pkt_view *v, struct pkt_elem *e)
{
        uint32_t end = message_end(v), pos = e->count == 0 ? STUN_HDR_LEN : e->next;

        if (e->count >= ATTRS_MAX || pos >= end || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->next = end;
        e->len = MIN(end, v->caplen) - pos;
        if (end - pos < ATTR_HDR_LEN || v->caplen - pos < ATTR_HDR_LEN) {
                e->flags |= end - pos < ATTR_HDR_LEN || end > v->wire_len ? PKT_LAYER_MALFORMED
                                                                          : PKT_LAYER_TRUNCATED;
                return 1;
        }
        uint32_t type = pkt_load_be16(v->b + pos), len = pkt_load_be16(v->b + pos + 2);
        uint32_t padded = ATTR_HDR_LEN + ((len + 3u) & ~3u);
        if (padded > end - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (ATTR_HDR_LEN + len > v->caplen - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        /* The element is the attribute to its length, so that a value runs to that; its padding
         * is nobody's (RFC 8489 14: any value, ignored), and rebuilt as zeros. */
        e->len = ATTR_HDR_LEN + len;
        e->next = pos + padded;
        e->data_off = ATTR_HDR_LEN;
        const struct pkt_form *f = pkt_form_of(forms, ARRAY_SIZE(forms), type, len);
        if (!f && pkt_form_of(forms, ARRAY_SIZE(forms), type, UINT32_MAX))
                e->flags |= PKT_ELEM_BAD_LEN;
        struct pkt_kind k = f ? f->kind : PKT_KIND(value_kind);
        e->kind_fields = k.fields;
        e->n_kind_fields = k.n;
        return 1;
}

static const struct pkt_elem_set stun_elems[] = {
        { .name = "attributes",
          .elem_name = "attribute",
          .next = attributes_next,
          .fields = attr_fields,
          .n_fields = ARRAY_SIZE(attr_fields) },
};

/* Does @b (@len bytes) start with an RFC 8489 STUN header: the top two bits zero, the cookie, a
 * length in whole words? */
static bool
is_stun_header(const uint8_t *b, uint32_t len)
{
        return len >= STUN_HDR_LEN && !(b[0] & 0xc0) && pkt_load_be32(b + 4) == STUN_COOKIE &&
               pkt_load_be16(b + 2) % 4 == 0;
}

/*
 * The message is the header, to its length; a length not in words, or past the datagram, is
 * malformed, and so are top bits that are not zero (RFC 8489 5). A message without the cookie is
 * RFC 3489's classic STUN, whose transaction ID the cookie's place begins. Over TCP one segment may
 * carry the next message (RFC 8489 6.2.2, messages back to back): it is the next layer. Anything
 * else after the message is the carrier's.
 */
static void
stun_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t end = message_end(v);

        d->hdr_len = end;
        if (end < v->caplen && is_stun_header(v->b + end, v->caplen - end)) {
                d->next = PKT_PROTO_STUN;
        } else {
                d->payload_len = 0;
                d->flags |= PKT_DISSECT_ENDS_HERE;
        }
        if ((v->b[0] & 0xc0) || (end - STUN_HDR_LEN) % 4)
                d->flags |= PKT_LAYER_MALFORMED;
        if (end <= v->caplen)
                d->flags |= pkt_elems_damage(v, attributes_next);
}

/* RFC 8489 14.7's CRC-32 (ISO 3309, the one of Ethernet and zlib), bit by bit: a FINGERPRINT is
 * computed once per message built. */
static uint32_t
crc32_iso3309(const uint8_t *b, size_t len)
{
        uint32_t crc = UINT32_MAX;

        for (size_t i = 0; i < len; i++) {
                crc ^= b[i];
                for (int k = 0; k < 8; k++)
                        crc = crc >> 1 ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        return ~crc;
}

/* The length of the attributes; a FINGERPRINT that ends the message, its CRC of what comes before
 * (RFC 8489 14.7), unless the packet is parsed and unchanged. */
static int
stun_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        int r;

        if (!pkt_is_rebuilt(p))
                return 0;
        if ((r = pkt_auto_set(p, idx, F_LENGTH, MIN(l->hdr_len - STUN_HDR_LEN, 0xffffu))) < 0)
                return r;
        /* The last attribute, walked to: a DATA attribute's bytes may end like a FINGERPRINT. */
        struct pkt_elem e = PKT_ELEM_INIT, last = PKT_ELEM_INIT;
        while (pkt_elem_next_idx(p, idx, 0, &e) == 1)
                last = e;
        uint8_t *h = p->data + p->layers[idx].off;
        uint32_t at = last.off;
        if (last.len != FINGERPRINT_LEN || last.flags || pkt_load_be16(h + at) != FINGERPRINT ||
            at + FINGERPRINT_LEN != p->layers[idx].hdr_len)
                return 0;
        uint32_t crc = crc32_iso3309(h, at) ^ FINGERPRINT_XOR;
        h[at + 4] = (uint8_t)(crc >> 24);
        h[at + 5] = (uint8_t)(crc >> 16);
        h[at + 6] = (uint8_t)(crc >> 8);
        h[at + 7] = (uint8_t)crc;
        return 0;
}

/* Why 12: more arguments than an attribute kind has fields, with its type and length. */
#define STUN_ARGS_MAX  12
#define IPV6_VALUE_LEN 20 /* an address attribute's value with an IPv6 address */

/* Does an address attribute built from @args (@n) hold an IPv6 address: family 2, or an address
 * written as IPv6 text? The forms' fields cannot say: both families have the same names. */
static bool
wants_ipv6(const struct pkt_spec_arg *args, int n)
{
        const char *family = pkt_spec_arg(args, n, "address_family", -1);
        const char *address = pkt_spec_arg(args, n, "address", -1);
        const char *x_address = pkt_spec_arg(args, n, "x_address", -1);

        if (family)
                return strcmp(family, "2") == 0 || strcasecmp(family, "IPv6") == 0;
        return (address && strchr(address, ':')) || (x_address && strchr(x_address, ':'));
}

/* An attribute from "NAME(field=value,...)" or "attribute(type=N,length=N,value=...)": the form its
 * arguments name, the length computed unless given, the value padded to 32 bits. */
static int
stun_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                uint8_t *out, size_t size, uint32_t *ret_at)
{
        struct pkt_spec_arg args[STUN_ARGS_MAX], fields[STUN_ARGS_MAX];
        uint32_t type, len;
        int n, m, r;

        (void)v;
        (void)set;
        *ret_at = hdr_len;
        m = pkt_form_split(text, "attribute", attr_names, UINT16_MAX, &type, args, &n, fields,
                           STUN_ARGS_MAX);
        if (m < 0)
                return m;
        if (size < ATTR_HDR_LEN)
                return -EMSGSIZE;
        const char *given = pkt_spec_arg(args, n, "length", -1);
        if (given && pkt_name_value(NULL, given, UINT16_MAX, &len) < 0)
                return -EINVAL;
        /* "length" is not a value field: pkt_form_split() kept it with the fields. */
        static const char *const not_fields[] = { "length", NULL };
        m = pkt_spec_args_without(fields, m, not_fields, fields);
        const struct pkt_form *f =
                given ? pkt_form_of(forms, ARRAY_SIZE(forms), type, len)
                      : pkt_form_for_args(forms, ARRAY_SIZE(forms), type, fields, m);
        const struct pkt_form *f6 = pkt_form_of(forms, ARRAY_SIZE(forms), type, IPV6_VALUE_LEN);
        if (!given && f6 && f6->exact && f6 != f && wants_ipv6(fields, m))
                f = f6;
        struct pkt_kind k = f ? f->kind : PKT_KIND(value_kind);
        r = pkt_spec_encode(k.fields, k.n, fields, m, out + ATTR_HDR_LEN, size - ATTR_HDR_LEN);
        if (r < 0)
                return r;
        size_t padded = ((size_t)r + 3u) & ~(size_t)3u;
        if (ATTR_HDR_LEN + padded > size)
                return -EMSGSIZE;
        memset(out + ATTR_HDR_LEN + r, 0, padded - (size_t)r);
        if (!given)
                len = (uint32_t)r;
        out[0] = (uint8_t)(type >> 8);
        out[1] = (uint8_t)type;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        return (int)(ATTR_HDR_LEN + padded);
}

/* A response (class bit 8) answers the request of the same transaction ID. */
static bool
stun_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->len < STUN_HDR_LEN || b->len < STUN_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        uint16_t qt = pkt_load_be16(q), rt = pkt_load_be16(r);
        /* Request (class 00) and success or error response (class 1x) of one method. */
        return (qt & 0x0110) == 0 && (rt & 0x0100) && (qt & ~0x0110u) == (rt & ~0x0110u) &&
               memcmp(q + 8, r + 8, 12) == 0;
}

/* On a port nobody registered: a STUN header whose message fits the payload (over TCP, more may
 * follow it). */
static bool
stun_heuristic(const struct pkt_view *v)
{
        return is_stun_header(v->b, v->caplen) && message_end(v) <= v->wire_len;
}

/* TCP 3478. On UDP, port 3478 is shared (RFC 7983: DTLS-SRTP and media share it with STUN, told
 * apart by the first byte), so there the heuristic decides, on that port as on any other. */
static const struct pkt_key stun_carriers[] = {
        { PKT_KEY_TCP_PORT, STUN_PORT },
        { PKT_KEY_UDP_PORT, PKT_KEY_GUESSED },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_stun = {
        .name = "stun",
        .summary = "Session Traversal Utilities for NAT, with TURN and ICE attributes (RFC 8489)",
        .id = PKT_PROTO_STUN,
        .flags = PKT_P_GUESS_SYSTEM_PORTS,
        .min_hdr_len = STUN_HDR_LEN,
        .fields = stun_fields,
        .n_fields = ARRAY_SIZE(stun_fields),
        .elems = stun_elems,
        .n_elems = ARRAY_SIZE(stun_elems),
        .carriers = stun_carriers,
        .dissect = stun_dissect,
        .update = stun_update,
        .answers = stun_answers,
        .elem_build = stun_elem_build,
        .heuristic = stun_heuristic,
        .not_dissected =
                "TURN ChannelData messages and the classic STUN of RFC 3489 (no cookie) are "
                "raw; XOR'd addresses are as on the wire.",
};
