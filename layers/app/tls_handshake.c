/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an ssl record carries, as element sets (see tls.c): handshake messages (RFC 8446 4,
 * RFC 5246 7.4) with the ClientHello/ServerHello fields, cipher suites by IANA name, compression
 * methods, extensions (RFC 6066 3 server_name, RFC 7301 3.1 ALPN), certificates (RFC 5246 7.4.2) and
 * alerts (RFC 8446 6).
 *
 * Each set's iterator walks the record from its start and produces the first item at or after where the
 * previous one ended, so the sets need no state beyond a position; the walk is bounded by the record
 * and every set by TLS_ITEMS_MAX items. A handshake message is only read when it fits its record: a
 * record whose messages do not tile it (unknown types, lengths that do not add up) is an encrypted one
 * (Finished after ChangeCipherSpec, RFC 8446 4.4.4), shown as no handshake at all, as Wireshark does.
 */
#include <string.h>

#include "internal.h"
#include "tls.h"
#include "forms.h"
#include "tlv.h"

/* Why 1024: a ClientHello can list at most 32767 suites; each item re-walks the record, so a bound
 * keeps a hostile one cheap. No real hello comes near it. */
#define TLS_ITEMS_MAX 1024

#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE 11
#define EXT_SERVER_NAME 0
#define EXT_ALPN 16
/* TLS 1.3 drafts name themselves 0x7f00 | draft; draft 22 gave ServerHello back its TLS 1.2 layout. */
#define TLS13_DRAFT_MARK      0x7f
#define TLS13_DRAFT_LEGACY_SH 22

/* clang-format off */
static const struct pkt_name hs_type_names[] = {
        { 0, "hello_request" }, { 1, "client_hello" }, { 2, "server_hello" }, { 4, "new_session_ticket" },
        { 5, "end_of_early_data" }, { 8, "encrypted_extensions" }, { 11, "certificate" },
        { 12, "server_key_exchange" }, { 13, "certificate_request" }, { 14, "server_hello_done" },
        { 15, "certificate_verify" }, { 16, "client_key_exchange" }, { 20, "finished" },
        { 21, "certificate_url" }, { 22, "certificate_status" }, { 24, "key_update" },
        { 254, "message_hash" }, { 0, NULL },
};

/* IANA "TLS Cipher Suites": the ones seen in practice. */
static const struct pkt_name cs_names[] = {
        { 0x0000, "TLS_NULL_WITH_NULL_NULL" }, { 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
        { 0x0005, "TLS_RSA_WITH_RC4_128_SHA" }, { 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
        { 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" }, { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
        { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" }, { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
        { 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" }, { 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
        { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" }, { 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
        { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" }, { 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
        { 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" }, { 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
        { 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
        { 0x1301, "TLS_AES_128_GCM_SHA256" }, { 0x1302, "TLS_AES_256_GCM_SHA384" },
        { 0x1303, "TLS_CHACHA20_POLY1305_SHA256" }, { 0x1304, "TLS_AES_128_CCM_SHA256" },
        { 0x5600, "TLS_FALLBACK_SCSV" },
        { 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" }, { 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
        { 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" }, { 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
        { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" }, { 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
        { 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" }, { 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
        { 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" }, { 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
        { 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" }, { 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
        { 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }, { 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
        { 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
        { 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
        { 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" }, { 0, NULL },
};

static const struct pkt_name ext_names[] = {
        { 0, "server_name" }, { 1, "max_fragment_length" }, { 5, "status_request" },
        { 10, "supported_groups" }, { 11, "ec_point_formats" }, { 13, "signature_algorithms" },
        { 16, "application_layer_protocol_negotiation" }, { 18, "signed_certificate_timestamp" },
        { 21, "padding" }, { 22, "encrypt_then_mac" }, { 23, "extended_master_secret" },
        { 35, "session_ticket" }, { 41, "pre_shared_key" }, { 42, "early_data" },
        { 43, "supported_versions" }, { 44, "cookie" }, { 45, "psk_key_exchange_modes" },
        { 51, "key_share" }, { 65281, "renegotiation_info" }, { 0, NULL },
};

static const struct pkt_name alert_level_names[] = { { 1, "warning" }, { 2, "fatal" }, { 0, NULL } };

static const struct pkt_name alert_desc_names[] = {
        { 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
        { 22, "record_overflow" }, { 40, "handshake_failure" }, { 42, "bad_certificate" },
        { 43, "unsupported_certificate" }, { 44, "certificate_revoked" }, { 45, "certificate_expired" },
        { 46, "certificate_unknown" }, { 47, "illegal_parameter" }, { 48, "unknown_ca" },
        { 49, "access_denied" }, { 50, "decode_error" }, { 51, "decrypt_error" },
        { 70, "protocol_version" }, { 71, "insufficient_security" }, { 80, "internal_error" },
        { 86, "inappropriate_fallback" }, { 90, "user_canceled" }, { 100, "no_renegotiation" },
        { 109, "missing_extension" }, { 110, "unsupported_extension" }, { 112, "unrecognized_name" },
        { 116, "certificate_required" }, { 120, "no_application_protocol" }, { 0, NULL },
};

static const struct pkt_field hs_fields[] = {
        { .name = "type", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = hs_type_names },
        { .name = "len",  .off = 8,  .bits = 24, .type = PKT_FT_UINT },
        { .name = "data", .off = 32, .bits = 0,  .type = PKT_FT_BYTES },
};
static const struct pkt_field hello_fields[] = {
        { .name = "tlsversion", .off = 0,   .bits = 16,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "random",     .off = 16,  .bits = 256, .type = PKT_FT_BYTES },
        { .name = "sid_len",    .off = 272, .bits = 8,   .type = PKT_FT_UINT },
        { .name = "sid",        .off = 280, .bits = 0,   .type = PKT_FT_BYTES },
};
static const struct pkt_field cs_fields[] = {
        { .name = "ciphersuite", .off = 0, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = cs_names },
};
static const struct pkt_field comp_fields[] = { PKT_U("compression", 0, 8) };
static const struct pkt_field ext_len_fields[] = { PKT_U("ext_len", 0, 16) };
static const struct pkt_field ext_fields[] = {
        { .name = "type", .off = 0,  .bits = 16, .type = PKT_FT_ENUM, .names = ext_names },
        { .name = "len",  .off = 16, .bits = 16, .type = PKT_FT_UINT },
};
/* RFC 6066 3: a list of (name_type, HostName) of which only host_name (0) is defined. */
static const struct pkt_field sni_fields[] = {
        PKT_U("list_len", 0, 16),
        PKT_U("name_type", 16, 8),
        PKT_U("name_len", 24, 16),
        { .name = "server_name", .off = 40, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field alpn_fields[] = {
        PKT_U("len", 0, 8),
        { .name = "name", .off = 8, .bits = 0, .type = PKT_FT_STRING },
};
static const struct pkt_field cert_fields[] = {
        PKT_U("len", 0, 24),
        { .name = "cert", .off = 24, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field opaque_fields[] = {
        { .name = "data", .off = 0, .bits = 0, .type = PKT_FT_BYTES },
};
static const struct pkt_field alert_fields[] = {
        { .name = "level",       .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = alert_level_names },
        { .name = "description", .off = 8, .bits = 8, .type = PKT_FT_ENUM, .names = alert_desc_names },
};
/* clang-format on */

/* One walk of a record looking for the first item of set @set at or after @target. */
struct walk {
        const struct pkt_view *v;
        unsigned set;
        uint32_t target;
        struct pkt_elem *e;
        bool found;
};

/* Offers an item; true once the walk has what it looks for. */
static bool
offer(struct walk *w, unsigned set, uint32_t off, uint32_t len, const struct pkt_field *kind, uint16_t n_kind,
      uint32_t data_off)
{
        if (w->found || set != w->set || off < w->target)
                return w->found;
        w->e->off = off;
        w->e->len = len;
        w->e->next = off + MAX(len, 1u);
        w->e->kind_fields = kind;
        w->e->n_kind_fields = n_kind;
        w->e->data_off = data_off;
        w->found = true;
        return true;
}

/* The extensions of a hello, [@p, @end). */
static bool
walk_extensions(struct walk *w, uint32_t p, uint32_t end)
{
        const uint8_t *b = w->v->b;

        while (p + 4 <= end) {
                uint16_t type = tlv_be16(b + p), len = tlv_be16(b + p + 2);
                uint32_t elen = 4u + len;
                /* One that overruns its hello is not walked (Wireshark: "malformed"). */
                if (elen > end - p)
                        return false;
                bool is_sni = type == EXT_SERVER_NAME && len >= 5;
                if (offer(w, TLS_EXTENSIONS, p, elen, is_sni ? sni_fields : NULL,
                          is_sni ? ARRAY_SIZE(sni_fields) : 0, 4))
                        return true;
                if (type == EXT_ALPN && len >= 2) {
                        uint32_t q = p + 6, lend = p + elen;
                        while (q < lend) {
                                uint32_t n = MIN(1u + b[q], lend - q);
                                if (offer(w, TLS_ALPN, q, n, NULL, 0, 0))
                                        return true;
                                q += n;
                        }
                }
                p += elen;
        }
        return false;
}

/* A ServerHello of TLS 1.3 drafts 0-21 (draft-ietf-tls-tls13-21 4.1.3): version, random, cipher suite,
 * extensions; no session id and no compression method. Its version is the draft's. */
static bool
is_draft_server_hello(const uint8_t *hello, uint32_t len)
{
        return len >= 2 && hello[0] == TLS13_DRAFT_MARK && hello[1] < TLS13_DRAFT_LEGACY_SH;
}

/* A ServerHello of a TLS 1.3 draft before 22, from its cipher suite on (@p). */
static bool
walk_draft_server_hello(struct walk *w, uint32_t p, uint32_t end)
{
        const uint8_t *b = w->v->b;

        if (end - p < 4)
                return false;
        if (offer(w, TLS_CIPHERSUITES, p, 2, NULL, 0, 0) || offer(w, TLS_EXT_LENS, p + 2, 2, NULL, 0, 0))
                return true;
        p += 4;
        return walk_extensions(w, p, MIN(p + tlv_be16(b + p - 2), end));
}

/* A ClientHello or ServerHello body, [@p, @end). */
static bool
walk_hello(struct walk *w, uint8_t type, uint32_t p, uint32_t end)
{
        const uint8_t *b = w->v->b;

        if (type == HS_SERVER_HELLO && is_draft_server_hello(b + p, end - p)) {
                if (end - p < 34)
                        return false;
                if (offer(w, TLS_HELLOS, p, 34, NULL, 0, 0))
                        return true;
                return walk_draft_server_hello(w, p + 34, end);
        }
        if (end - p < 35 || b[p + 34] > end - p - 35)
                return false;
        uint32_t sid_len = b[p + 34];
        if (offer(w, TLS_HELLOS, p, 35 + sid_len, NULL, 0, 0))
                return true;
        p += 35 + sid_len;
        if (type == HS_CLIENT_HELLO) {
                if (end - p < 2)
                        return false;
                uint32_t n = tlv_be16(b + p), i;
                p += 2;
                for (i = 0; i + 2 <= n && p + i + 2 <= end; i += 2)
                        if (offer(w, TLS_CIPHERSUITES, p + i, 2, NULL, 0, 0))
                                return true;
                if (n > end - p)
                        return false;
                p += n;
                if (p >= end)
                        return false;
                n = b[p++];
                for (i = 0; i < n && p + i < end; i++)
                        if (offer(w, TLS_COMPRESSIONS, p + i, 1, NULL, 0, 0))
                                return true;
                if (n > end - p)
                        return false;
                p += n;
        } else {
                if (end - p < 3)
                        return false;
                if (offer(w, TLS_CIPHERSUITES, p, 2, NULL, 0, 0) ||
                    offer(w, TLS_COMPRESSIONS, p + 2, 1, NULL, 0, 0))
                        return true;
                p += 3;
        }
        if (end - p < 2)
                return false;
        if (offer(w, TLS_EXT_LENS, p, 2, NULL, 0, 0))
                return true;
        return walk_extensions(w, p + 2, MIN(p + 2 + tlv_be16(b + p), end));
}

/* A Certificate body (RFC 5246 7.4.2: a 24-bit list length, then 24-bit-length certificates). */
static bool
walk_certificates(struct walk *w, uint32_t p, uint32_t end)
{
        const uint8_t *b = w->v->b;

        if (end - p < 3)
                return false;
        end = MIN(end, p + 3 + tlv_be24(b + p));
        p += 3;
        while (p + 3 <= end) {
                uint32_t n = MIN(3 + tlv_be24(b + p), end - p);
                if (offer(w, TLS_CERTIFICATES, p, n, NULL, 0, 0))
                        return true;
                p += n;
        }
        return false;
}

static bool
is_known_hs_type(uint8_t t)
{
        for (const struct pkt_name *n = hs_type_names; n->name; n++)
                if (n->value == t)
                        return true;
        return false;
}

/* Plain handshake messages of known types tile the record exactly (the last one may run on into the
 * next segment when the record does); anything else is encrypted. */
static bool
is_plain(const uint8_t *b, uint32_t end, uint32_t rec_end)
{
        uint32_t p = TLS_REC_HDR_LEN;

        while (end - p >= 4) {
                uint32_t len = tlv_be24(b + p + 1);
                if (!is_known_hs_type(b[p]) || len > rec_end - p - 4)
                        return false;
                if (len > end - p - 4)
                        return true;
                p += 4 + len;
        }
        return p == end && end > TLS_REC_HDR_LEN;
}

static bool
walk_handshakes(struct walk *w, uint32_t end)
{
        const uint8_t *b = w->v->b;
        uint32_t p = TLS_REC_HDR_LEN;

        while (end - p >= 4) {
                uint8_t type = b[p];
                uint32_t len = tlv_be24(b + p + 1), mend = len > end - p - 4 ? end : p + 4 + len;
                if (offer(w, TLS_HANDSHAKES, p, mend - p, NULL, 0, 0))
                        return true;
                if (type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO) {
                        if (walk_hello(w, type, p + 4, mend))
                                return true;
                } else if (type == HS_CERTIFICATE) {
                        if (walk_certificates(w, p + 4, mend))
                                return true;
                }
                p = mend;
        }
        return false;
}

static int
set_next(const struct pkt_view *v, struct pkt_elem *e, unsigned set)
{
        struct walk w = { .v = v, .set = set, .target = e->count == 0 ? 0 : e->next, .e = e };
        uint32_t rec_len, end;

        if (e->count >= TLS_ITEMS_MAX || !pkt_tls_is_record(v, 0))
                return 0;
        rec_len = tlv_be16(v->b + 3);
        end = MIN(TLS_REC_HDR_LEN + rec_len, v->caplen);
        bool is_alert = v->b[0] == TLS_CT_ALERT && rec_len == 2 && end == 7;
        bool is_handshake = v->b[0] == TLS_CT_HANDSHAKE && is_plain(v->b, end, TLS_REC_HDR_LEN + rec_len);
        if (is_handshake)
                walk_handshakes(&w, end);
        else if (is_alert)
                offer(&w, TLS_ALERTS, TLS_REC_HDR_LEN, 2, NULL, 0, 0);
        else if (end > TLS_REC_HDR_LEN)
                /* What no other set reads: application data, an encrypted handshake message or
                 * alert, ChangeCipherSpec's byte, a heartbeat. */
                offer(&w, TLS_OPAQUE, TLS_REC_HDR_LEN, end - TLS_REC_HDR_LEN, NULL, 0, 0);
        return w.found;
}

#define SET_NEXT(fn, set)                                                                               \
        static int fn(const struct pkt_view *v, struct pkt_elem *e)                                     \
        {                                                                                               \
                return set_next(v, e, set);                                                             \
        }
SET_NEXT(handshakes_next, TLS_HANDSHAKES)
SET_NEXT(hellos_next, TLS_HELLOS)
SET_NEXT(ciphersuites_next, TLS_CIPHERSUITES)
SET_NEXT(compressions_next, TLS_COMPRESSIONS)
SET_NEXT(ext_lens_next, TLS_EXT_LENS)
SET_NEXT(extensions_next, TLS_EXTENSIONS)
SET_NEXT(alpn_next, TLS_ALPN)
SET_NEXT(certificates_next, TLS_CERTIFICATES)
SET_NEXT(alerts_next, TLS_ALERTS)
SET_NEXT(opaque_next, TLS_OPAQUE)

/* A listed set: read from inside the handshake messages, whose data carries it (PKT_ES_LISTED). */
#define SET(id, n, en, fn, f)                                                                              \
        [id] = { .name = n, .elem_name = en, .next = fn, .fields = f, .n_fields = ARRAY_SIZE(f), .flags = PKT_ES_LISTED }
const struct pkt_elem_set pkt_tls_elems[TLS_SETS] = {
        /* A message's length is kept as given: the last one may go on in the next segment. */
        [TLS_HANDSHAKES] = { .name = "handshakes", .elem_name = "handshake", .next = handshakes_next,
                             .fields = hs_fields, .n_fields = ARRAY_SIZE(hs_fields),
                             .flags = PKT_ES_GIVEN_LENGTHS },
        SET(TLS_HELLOS, "hellos", "hello", hellos_next, hello_fields),
        SET(TLS_CIPHERSUITES, "ciphersuites", "ciphersuite", ciphersuites_next, cs_fields),
        SET(TLS_COMPRESSIONS, "compressions", "compression", compressions_next, comp_fields),
        SET(TLS_EXT_LENS, "ext_lens", "ext_len", ext_lens_next, ext_len_fields),
        SET(TLS_EXTENSIONS, "extensions", "extension", extensions_next, ext_fields),
        SET(TLS_ALPN, "alpn", "protocol", alpn_next, alpn_fields),
        SET(TLS_CERTIFICATES, "certificates", "certificate", certificates_next, cert_fields),
        [TLS_ALERTS] = { .name = "alerts", .elem_name = "alert", .next = alerts_next, .fields = alert_fields,
                         .n_fields = ARRAY_SIZE(alert_fields) },
        [TLS_OPAQUE] = { .name = "opaque", .elem_name = "opaque", .next = opaque_next, .fields = opaque_fields,
                         .n_fields = ARRAY_SIZE(opaque_fields) },
};

/*
 * Builds "handshake(type=1,data=...)" or "client_hello(data=...)" (the 24-bit length is the data's
 * unless given: a message that goes on in the next segment says more), "alert(level=2,
 * description=40)" or "opaque(data=...)" at the end of the record; the record length follows on
 * serialise. The other sets are read from inside the handshake messages, whose data carries them.
 */
int
pkt_tls_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                   uint8_t *out, size_t size, uint32_t *ret_at)
{
        static const char *const not_data[] = { "type", "len", NULL };
        struct pkt_spec_arg args[TLV_ARGS_MAX], rest[TLV_ARGS_MAX];
        char name[32];
        uint32_t type, len;
        int na, r;

        (void)v;
        *ret_at = hdr_len;
        na = pkt_spec_split(text, name, sizeof(name), args, TLV_ARGS_MAX);
        if (na < 0)
                return na;
        if (set == TLS_ALERTS)
                return tlv_encode_args(alert_fields, ARRAY_SIZE(alert_fields), args, na, out, size);
        if (set == TLS_OPAQUE)
                return tlv_encode_args(opaque_fields, ARRAY_SIZE(opaque_fields), args, na, out, size);
        if (strcmp(name, "handshake") == 0) {
                int t = pkt_spec_named(args, na, "type", hs_type_names, 255, -1);
                if (t < 0)
                        return -EINVAL;
                type = (uint32_t)t;
        } else if (pkt_name_value(hs_type_names, name, 255, &type) < 0) {
                return -EINVAL;
        }
        int given_len = tlv_arg_u32(args, na, "len", &len);
        if (given_len < 0 || (given_len == 1 && len > 0xffffff))
                return -EINVAL;
        int nr = pkt_spec_args_without(args, na, not_data, rest);
        if (size < 4)
                return -EMSGSIZE;
        r = tlv_encode_args(&hs_fields[2], 1, rest, nr, out + 4, size - 4);
        if (r < 0)
                return r;
        out[0] = (uint8_t)type;
        tlv_put(out + 1, 3, given_len == 1 ? len : (uint32_t)r);
        return r + 4;
}
