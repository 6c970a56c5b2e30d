/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS resource records (RFC 1035 3.2, 4.1.3): what the data of each record type holds, building a
 * record from spec text, and name compression (RFC 1035 4.1.4) when a message is serialised.
 *
 *                                   1  1  1  1  1  1
 *     0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   /                     NAME                      /
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                     TYPE                      |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                     CLASS                     |   OPT (RFC 6891 6.1.3): UDP payload size
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                      TTL                      |   OPT: extended RCODE, version, DO, Z
 *   |                                               |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   |                   RDLENGTH                    |
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *   /                     RDATA                     /
 *   +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * A question is NAME, TYPE, CLASS only.
 */
#include <assert.h>
#include <string.h>

#include "dns.h"
#include "internal.h"

#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_PTR 12
#define T_HINFO 13
#define T_MX 15
#define T_TXT 16
#define T_RP 17
#define T_AFSDB 18
#define T_SIG 24
#define T_KEY 25
#define T_AAAA 28
#define T_LOC 29
#define T_SRV 33
#define T_NAPTR 35
#define T_DNAME 39
#define T_DS 43
#define T_SSHFP 44
#define T_RRSIG 46
#define T_NSEC 47
#define T_DNSKEY 48
#define T_NSEC3 50
#define T_NSEC3PARAM 51
#define T_TLSA 52
#define T_SVCB 64
#define T_HTTPS 65
#define T_SPF 99
#define T_TKEY 249
#define T_TSIG 250
#define T_URI 256
#define T_CAA 257

#define RR_FIXED_LEN 10 /* type, class, ttl, rdlength */
#define QUERY_FIXED_LEN 4
#define EDNS_UDPSIZE_DEFAULT 4096 /* what scapy and most resolvers offer */
#define MDNS_PORT 5353               /* RFC 6762 */

/* clang-format off */
const struct pkt_name dns_type_names[] = {
        { 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 11, "WKS" }, { 12, "PTR" },
        { 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" }, { 24, "SIG" },
        { 25, "KEY" }, { 28, "AAAA" }, { 29, "LOC" }, { 33, "SRV" }, { 35, "NAPTR" }, { 39, "DNAME" },
        { 41, "OPT" }, { 43, "DS" }, { 44, "SSHFP" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" },
        { 50, "NSEC3" }, { 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 64, "SVCB" }, { 65, "HTTPS" },
        { 99, "SPF" }, { 249, "TKEY" }, { 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" },
        { 256, "URI" }, { 257, "CAA" }, { 0, NULL },
};

const struct pkt_name dns_class_names[] = {
        { 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" }, { 0, NULL },
};

/* Record data by type, from the start of RDATA (the OPT table starts at CLASS instead). */
static const struct pkt_field a_fields[] = {
        { .name = "address", .off = 0, .bits = 32, .type = PKT_FT_IPV4 },
};
static const struct pkt_field aaaa_fields[] = {
        { .name = "address", .off = 0, .bits = 128, .type = PKT_FT_IPV6 },
};
/* pypacker's Answer calls every answer's data "address"; its Auth calls the NS name "server". */
static const struct pkt_field name_fields[] = {
        { .name = "address", .off = 0, .type = PKT_FT_DNSNAME },
};
static const struct pkt_field ns_fields[] = {
        { .name = "server", .off = 0, .type = PKT_FT_DNSNAME },
};
static const struct pkt_field mx_fields[] = {
        PKT_U("preference", 0, 16),
        { .name = "address", .off = PKT_OFF_FOLLOW, .type = PKT_FT_DNSNAME },
};
/* pypacker's AuthSOA names. */
static const struct pkt_field soa_fields[] = {
        { .name = "name2",   .off = 0,              .type = PKT_FT_DNSNAME },
        { .name = "mailbox", .off = PKT_OFF_FOLLOW, .type = PKT_FT_DNSNAME },
        { .name = "serial",  .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "refresh", .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "retry",   .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "expire",  .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "minttl",  .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
};
/* RFC 1035 3.3.14: one or more <character-string>s; "txt" shows the rest after the first length. */
static const struct pkt_field txt_fields[] = {
        PKT_U("txtlen", 0, 8),
        { .name = "txt", .off = 8, .type = PKT_FT_STRING },
};
/* A count of @count_bits, then that many bytes of @data; a <character-string> (RFC 1035 3.3) is one
 * with an 8-bit count. */
#define COUNTED(count, count_bits, data, data_type)                                                     \
        { .name = (count), .off = PKT_OFF_FOLLOW, .bits = (count_bits), .type = PKT_FT_UINT },           \
        { .name = (data), .off = PKT_OFF_FOLLOW, .type = (data_type), .flags = PKT_FF_COUNTED }
#define CHAR_STRING(count, text) COUNTED(count, 8, text, PKT_FT_STRING)
/* RFC 1035 3.3.2 */
static const struct pkt_field hinfo_fields[] = {
        CHAR_STRING("cpulen", "cpu"),
        CHAR_STRING("oslen", "os"),
};
/* RFC 3403 4.1; the replacement is never compressed */
static const struct pkt_field naptr_fields[] = {
        PKT_U("order", 0, 16),
        PKT_U("preference", 16, 16),
        CHAR_STRING("flagslen", "flags"),
        CHAR_STRING("serviceslen", "services"),
        CHAR_STRING("regexplen", "regexp"),
        { .name = "replacement", .off = PKT_OFF_FOLLOW, .type = PKT_FT_DNSNAME },
};
/* RFC 8659 4.1: the issuer critical flag is the flags' top bit */
static const struct pkt_name caa_flag_names[] = { { 0x80, "CRITICAL" }, { 0, NULL } };
static const struct pkt_field caa_fields[] = {
        { .name = "flags", .off = 0, .bits = 8, .type = PKT_FT_FLAGS, .names = caa_flag_names },
        CHAR_STRING("taglen", "tag"),
        { .name = "value", .off = PKT_OFF_FOLLOW, .type = PKT_FT_STRING },
};
static const struct pkt_field srv_fields[] = {
        PKT_U("priority", 0, 16), PKT_U("weight", 16, 16), PKT_U("port", 32, 16),
        { .name = "target", .off = 48, .type = PKT_FT_DNSNAME },
};
/* RFC 6891 6.1.3, DO bit RFC 3225; pypacker's AddRecordRoot names. */
static const struct pkt_field opt_fields[] = {
        PKT_U("udpsize", 0, 16), PKT_U("rcode", 16, 8), PKT_U("v", 24, 8),
        { .name = "z",  .off = 32, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "do", .off = 32, .bits = 1, .type = PKT_FT_UINT },
        { .name = "opts", .off = 64, .type = PKT_FT_BYTES },
};
/* DNSSEC (RFC 4034 2-5, RFC 5155 4) and DANE (RFC 6698 2.1), in tshark's names (pypacker has none). */
static const struct pkt_name dnssec_alg_names[] = {
        { 5, "RSASHA1" }, { 7, "RSASHA1-NSEC3-SHA1" }, { 8, "RSASHA256" }, { 10, "RSASHA512" },
        { 13, "ECDSAP256SHA256" }, { 14, "ECDSAP384SHA384" }, { 15, "ED25519" }, { 16, "ED448" }, { 0, NULL },
};
static const struct pkt_name ds_digest_names[] = {
        { 1, "SHA-1" }, { 2, "SHA-256" }, { 4, "SHA-384" }, { 0, NULL },
};
static const struct pkt_field ds_fields[] = {
        PKT_U("key_id", 0, 16),
        { .name = "algorithm",   .off = 16, .bits = 8, .type = PKT_FT_ENUM, .names = dnssec_alg_names },
        { .name = "digest_type", .off = 24, .bits = 8, .type = PKT_FT_ENUM, .names = ds_digest_names },
        { .name = "digest",      .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field dnskey_fields[] = {
        { .name = "flags",      .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        PKT_U("protocol", 16, 8),
        { .name = "algorithm",  .off = 24, .bits = 8, .type = PKT_FT_ENUM, .names = dnssec_alg_names },
        { .name = "public_key", .off = 32, .type = PKT_FT_BYTES },
};
static const struct pkt_field rrsig_fields[] = {
        { .name = "type_covered", .off = 0, .bits = 16, .type = PKT_FT_ENUM, .names = dns_type_names },
        { .name = "algorithm",    .off = 16, .bits = 8, .type = PKT_FT_ENUM, .names = dnssec_alg_names },
        PKT_U("labels", 24, 8),     PKT_U("original_ttl", 32, 32), PKT_U("expiration", 64, 32),
        PKT_U("inception", 96, 32), PKT_U("key_tag", 128, 16),
        { .name = "signers_name", .off = 144, .type = PKT_FT_DNSNAME },
        { .name = "signature",    .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
static const struct pkt_field nsec_fields[] = {
        { .name = "next_domain_name", .off = 0, .type = PKT_FT_DNSNAME },
        { .name = "type_bitmaps",     .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
static const struct pkt_field nsec3param_fields[] = {
        PKT_U("algo", 0, 8), PKT_U("flags", 8, 8), PKT_U("iterations", 16, 16), PKT_U("salt_length", 32, 8),
        { .name = "salt_value", .off = 40, .type = PKT_FT_BYTES },
};
static const struct pkt_field tlsa_fields[] = {
        PKT_U("certificate_usage", 0, 8), PKT_U("selector", 8, 8), PKT_U("matching_type", 16, 8),
        { .name = "certificate_association_data", .off = 24, .type = PKT_FT_BYTES },
};
/* RFC 9460 2.2: SvcPriority, TargetName, then the SvcParams, kept as bytes. */
static const struct pkt_field svcb_fields[] = {
        PKT_U("svcpriority", 0, 16),
        { .name = "targetname", .off = 16, .type = PKT_FT_DNSNAME },
        { .name = "svcparams",  .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
/* RFC 1183 2.2 (RP) and 1 (AFSDB), in tshark's names. */
static const struct pkt_field rp_fields[] = {
        { .name = "mailbox", .off = 0,              .type = PKT_FT_DNSNAME },
        { .name = "txt_rr",  .off = PKT_OFF_FOLLOW, .type = PKT_FT_DNSNAME },
};
static const struct pkt_field afsdb_fields[] = {
        PKT_U("subtype", 0, 16),
        { .name = "hostname", .off = 16, .type = PKT_FT_DNSNAME },
};
/* RFC 1876 2, version 0: size and precisions as a mantissa and a power of ten (centimetres), latitude
 * and longitude in thousandths of an arc second from 2^31, altitude in centimetres from 100,000 m
 * below the WGS 84 spheroid. The wire values, as tshark's fields have them. */
static const struct pkt_field loc_fields[] = {
        PKT_U("version", 0, 8),             PKT_U("size", 8, 8),
        PKT_U("horizontal_precision", 16, 8), PKT_U("vertical_precision", 24, 8),
        PKT_U("latitude", 32, 32),          PKT_U("longitude", 64, 32),
        PKT_U("altitude", 96, 32),
};
/* RFC 4255 3.1; algorithms RFC 6594, 7479, 8709; fingerprint types RFC 6594. */
static const struct pkt_name sshfp_alg_names[] = {
        { 1, "RSA" }, { 2, "DSA" }, { 3, "ECDSA" }, { 4, "Ed25519" }, { 6, "Ed448" }, { 0, NULL },
};
static const struct pkt_name sshfp_fp_names[] = { { 1, "SHA-1" }, { 2, "SHA-256" }, { 0, NULL } };
static const struct pkt_field sshfp_fields[] = {
        { .name = "algorithm",        .off = 0,  .bits = 8, .type = PKT_FT_ENUM, .names = sshfp_alg_names },
        { .name = "fingerprint_type", .off = 8,  .bits = 8, .type = PKT_FT_ENUM, .names = sshfp_fp_names },
        { .name = "fingerprint",      .off = 16, .type = PKT_FT_BYTES },
};
/* RFC 5155 3.2: the salt and the next hashed owner name (raw hash bytes) are counted. */
static const struct pkt_name nsec3_flag_names[] = { { 0x01, "OPT_OUT" }, { 0, NULL } };
static const struct pkt_field nsec3_fields[] = {
        PKT_U("algo", 0, 8),
        { .name = "flags", .off = 8, .bits = 8, .type = PKT_FT_FLAGS, .names = nsec3_flag_names },
        PKT_U("iterations", 16, 16),
        COUNTED("salt_length", 8, "salt_value", PKT_FT_BYTES),
        COUNTED("hash_length", 8, "hash_value", PKT_FT_BYTES),
        { .name = "type_bitmaps", .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES },
};
/* RFC 8945 4.2 (TSIG) and RFC 2930 2 (TKEY): an algorithm name, times, then counted MAC or key and
 * other data; their error is an RCODE or one of RFC 8945's. */
static const struct pkt_name tsig_error_names[] = {
        { 0, "NOERROR" },  { 1, "FORMERR" }, { 2, "SERVFAIL" }, { 3, "NXDOMAIN" }, { 4, "NOTIMP" },
        { 5, "REFUSED" },  { 16, "BADSIG" }, { 17, "BADKEY" },  { 18, "BADTIME" }, { 19, "BADMODE" },
        { 20, "BADNAME" }, { 21, "BADALG" }, { 22, "BADTRUNC" }, { 0, NULL },
};
static const struct pkt_field tsig_fields[] = {
        { .name = "algorithm_name", .off = 0,              .type = PKT_FT_DNSNAME },
        { .name = "time_signed",    .off = PKT_OFF_FOLLOW, .bits = 48, .type = PKT_FT_UINT },
        { .name = "fudge",          .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT },
        COUNTED("mac_size", 16, "mac", PKT_FT_BYTES),
        { .name = "original_id",    .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "error",          .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = tsig_error_names },
        COUNTED("other_len", 16, "other_data", PKT_FT_BYTES),
};
static const struct pkt_name tkey_mode_names[] = {
        { 1, "SERVER_ASSIGNMENT" }, { 2, "DIFFIE_HELLMAN" }, { 3, "GSS_API" }, { 4, "RESOLVER_ASSIGNMENT" },
        { 5, "KEY_DELETION" },      { 0, NULL },
};
static const struct pkt_field tkey_fields[] = {
        { .name = "algorithm_name", .off = 0,              .type = PKT_FT_DNSNAME },
        { .name = "inception",      .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "expiration",     .off = PKT_OFF_FOLLOW, .bits = 32, .type = PKT_FT_UINT },
        { .name = "mode",           .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = tkey_mode_names },
        { .name = "error",          .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_ENUM, .names = tsig_error_names },
        COUNTED("key_size", 16, "key_data", PKT_FT_BYTES),
        COUNTED("other_size", 16, "other_data", PKT_FT_BYTES),
};
/* RFC 7553 4.5: the target URI is the rest of the data, not a character-string. */
static const struct pkt_field uri_fields[] = {
        PKT_U("priority", 0, 16), PKT_U("weight", 16, 16),
        { .name = "target", .off = 32, .type = PKT_FT_STRING },
};
static const struct pkt_field raw_fields[] = {
        { .name = "rdata", .off = 0, .type = PKT_FT_BYTES },
};
/* clang-format on */

/*
 * One record type: the fields of its data, which say what the data holds (LAID_OUT: checked and its
 * names compressed field by field, a trailing key, digest or value taking the rest), or WALKED: a list
 * walked by its own rule (TXT's character-strings, RFC 1035 3.3.14; EDNS options, RFC 6891 6.1.2), or
 * UNKNOWN (raw data, never checked). @compressed: where dns_compress() compresses the names in it:
 * ALWAYS those a server may compress (RFC 3597 4: the RFC 1035 types; scapy compresses SRV's target
 * too), IN_MDNS also DNAME's and NSEC's, which Multicast DNS compresses (RFC 6762 18.14) and unicast
 * DNS must not (RFC 6672 2.5, RFC 4034 4.1.1); NEVER for the rest (RFC 3597 4 again).
 */
enum { NEVER, ALWAYS, IN_MDNS };
enum { LAID_OUT, WALKED, UNKNOWN };

struct rr_kind {
        uint16_t type;
        uint8_t n_fields;
        const struct pkt_field *fields;
        uint8_t layout;     /* LAID_OUT, WALKED or UNKNOWN */
        uint8_t compressed; /* NEVER, ALWAYS, IN_MDNS */
};

#define KIND(t, f, layout, comp) { (t), ARRAY_SIZE(f), (f), (layout), (comp) }
static const struct rr_kind rr_kinds[] = {
        KIND(T_A, a_fields, LAID_OUT, NEVER),
        KIND(T_AAAA, aaaa_fields, LAID_OUT, NEVER),
        KIND(T_NS, ns_fields, LAID_OUT, ALWAYS),
        KIND(T_CNAME, name_fields, LAID_OUT, ALWAYS),
        KIND(T_PTR, name_fields, LAID_OUT, ALWAYS),
        KIND(T_DNAME, name_fields, LAID_OUT, IN_MDNS),
        KIND(T_MX, mx_fields, LAID_OUT, ALWAYS),
        KIND(T_SOA, soa_fields, LAID_OUT, ALWAYS),
        KIND(T_SRV, srv_fields, LAID_OUT, ALWAYS),
        KIND(T_HINFO, hinfo_fields, LAID_OUT, NEVER),
        KIND(T_RP, rp_fields, LAID_OUT, NEVER),
        KIND(T_AFSDB, afsdb_fields, LAID_OUT, NEVER),
        KIND(T_LOC, loc_fields, LAID_OUT, NEVER),
        KIND(T_NAPTR, naptr_fields, LAID_OUT, NEVER),
        KIND(T_CAA, caa_fields, LAID_OUT, NEVER),
        KIND(T_URI, uri_fields, LAID_OUT, NEVER),
        KIND(T_TXT, txt_fields, WALKED, NEVER),
        KIND(T_SPF, txt_fields, WALKED, NEVER),
        KIND(DNS_TYPE_OPT, opt_fields, WALKED, NEVER),
        KIND(T_DS, ds_fields, LAID_OUT, NEVER),
        KIND(T_SSHFP, sshfp_fields, LAID_OUT, NEVER),
        KIND(T_KEY, dnskey_fields, LAID_OUT, NEVER),
        KIND(T_DNSKEY, dnskey_fields, LAID_OUT, NEVER),
        KIND(T_SIG, rrsig_fields, LAID_OUT, NEVER),
        KIND(T_RRSIG, rrsig_fields, LAID_OUT, NEVER),
        KIND(T_NSEC, nsec_fields, LAID_OUT, IN_MDNS),
        KIND(T_NSEC3, nsec3_fields, LAID_OUT, NEVER),
        KIND(T_NSEC3PARAM, nsec3param_fields, LAID_OUT, NEVER),
        KIND(T_TLSA, tlsa_fields, LAID_OUT, NEVER),
        KIND(T_SVCB, svcb_fields, LAID_OUT, NEVER),
        KIND(T_HTTPS, svcb_fields, LAID_OUT, NEVER),
        KIND(T_TKEY, tkey_fields, LAID_OUT, NEVER),
        KIND(T_TSIG, tsig_fields, LAID_OUT, NEVER),
};
static const struct rr_kind raw_kind = KIND(0, raw_fields, UNKNOWN, NEVER);

static const struct rr_kind *
kind_of(uint16_t type)
{
        for (unsigned i = 0; i < ARRAY_SIZE(rr_kinds); i++)
                if (rr_kinds[i].type == type)
                        return &rr_kinds[i];
        return &raw_kind;
}

static uint16_t
be16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

static void
put16(uint8_t *b, uint32_t v)
{
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
}

int
dns_record_span(const uint8_t *b, uint32_t len, uint32_t pos, bool is_query, uint32_t *ret_name_len,
                uint32_t *ret_len)
{
        uint32_t name_len, fixed = is_query ? QUERY_FIXED_LEN : RR_FIXED_LEN, total;
        int r;

        if (pos >= len)
                return -ENODATA;
        r = pkt_dnsname_wire_len(b, len, pos, &name_len);
        if (r < 0)
                return r;
        if (fixed > len - pos - name_len)
                return -ENODATA;
        total = name_len + fixed;
        if (!is_query)
                total += be16(b + pos + name_len + 8);
        if (total > len - pos)
                return -ENODATA;
        *ret_name_len = name_len;
        *ret_len = total;
        return 0;
}

void
dns_rr_kind(uint16_t type, uint32_t name_len, struct pkt_elem *e)
{
        const struct rr_kind *k = kind_of(type);

        e->kind_fields = k->fields;
        e->n_kind_fields = k->n_fields;
        /* OPT reuses CLASS and TTL for its own fields: its table starts at CLASS. */
        e->data_off = name_len + (type == DNS_TYPE_OPT ? 2 : RR_FIXED_LEN);
}

/* ---- checking ---- */

/* The kind of @type when the names in its data are compressed (in Multicast DNS when @mdns), else
 * NULL. */
static const struct rr_kind *
compressed_kind(uint16_t type, bool mdns)
{
        const struct rr_kind *k = kind_of(type);

        if (k->compressed == NEVER || (k->compressed == IN_MDNS && !mdns))
                return NULL;
        return k;
}

/* Do the 16-bit type (or key), 16-bit length, value elements from @at end exactly at @end? */
static bool
tlv16_end(const uint8_t *msg, uint32_t at, uint32_t end)
{
        while (at <= end && end - at >= 4)
                at += 4u + be16(msg + at + 2);
        return at == end;
}

/* Why 12: the longest record kinds have 9 fields (TSIG, NAPTR, TKEY); lay_out() checks it. */
#define RR_FIELDS_MAX 12

/* Lays the fields of LAID_OUT kind @k over the @dlen bytes at @rdata, in one pass, into @locs (every
 * field of a record kind is whole bytes). Do they fill the data exactly, each whole (a count or a name
 * within the data)? A trailing key, digest or value takes the rest, so only fixed
 * fields, counts and names can fall short or leave bytes over. */
static bool
lay_out(const struct rr_kind *k, const uint8_t *rdata, uint32_t dlen, struct field_loc locs[RR_FIELDS_MAX])
{
        uint32_t end = 0;

        assert(k->n_fields <= RR_FIELDS_MAX); /* a table mistake, caught by the tests */
        if (k->n_fields > RR_FIELDS_MAX || pkt_fields_locate(rdata, dlen, k->fields, k->n_fields, locs) < 0)
                return false;
        for (unsigned i = 0; i < k->n_fields; i++)
                end = MAX(end, (locs[i].bit_off + locs[i].bits) / 8);
        return end == dlen;
}

/* Does the data of a record of @type, @dlen bytes at @pos of the message @msg (@len captured bytes,
 * which hold it), hold what the type says (rr_kinds; SvcParams framed as RFC 9460 2.2 says)? A type of
 * no known layout always does. Returns 0, -ENODATA (a name points past @len) or -EBADMSG. */
int
dns_rdata_check(const uint8_t *msg, uint32_t len, uint16_t type, uint32_t pos, uint32_t dlen)
{
        const struct rr_kind *l = kind_of(type);
        struct field_loc locs[RR_FIELDS_MAX];
        uint32_t end = pos + dlen, at = pos, name_len;

        if (l->layout == UNKNOWN)
                return 0;
        if (l->layout == WALKED && type == DNS_TYPE_OPT)
                return tlv16_end(msg, at, end) ? 0 : -EBADMSG;
        if (l->layout == WALKED) { /* character-strings */
                while (at < end)
                        at += 1u + msg[at];
                return at == end ? 0 : -EBADMSG;
        }
        /* RFC 1876 2: a LOC of another version has a format nobody may assume. */
        if (type == T_LOC && dlen > 0 && msg[pos] != 0)
                return 0;
        if (!lay_out(l, msg + pos, dlen, locs))
                return -EBADMSG;
        for (unsigned i = 0; i < l->n_fields; i++) {
                if (l->fields[i].type != PKT_FT_DNSNAME)
                        continue;
                /* The name's own bytes end within the data; its pointers may lead anywhere in the
                 * message, which must hold what they point at. */
                int r = pkt_dnsname_check(msg, len, pos + locs[i].bit_off / 8, &name_len);
                if (r < 0)
                        return r;
        }
        /* SvcParams are key, length, value (RFC 9460 2.2), as EDNS options are. */
        if ((type == T_SVCB || type == T_HTTPS) && !tlv16_end(msg, pos + locs[l->n_fields - 1u].bit_off / 8, end))
                return -EBADMSG;
        return 0;
}

int
dns_record_check(const struct dns_dialect *d, const uint8_t *msg, uint32_t len, uint32_t pos, bool is_query,
                 uint32_t name_len)
{
        uint32_t wire_len;
        int r = pkt_dnsname_check(msg, len, pos, &wire_len);

        if (r < 0 || is_query)
                return r;
        const uint8_t *fixed = msg + pos + name_len;
        return d->rdata_check(msg, len, be16(fixed), pos + name_len + RR_FIXED_LEN, be16(fixed + 8));
}

/* ---- building from text ---- */

/* Why 24: a record has at most 5 common fields plus 7 of its kind (SOA); room for mistakes to be
 * reported as unknown keys rather than as too many arguments. */
#define RR_ARGS_MAX 24

struct rr_args {
        struct pkt_spec_arg a[RR_ARGS_MAX];
        bool used[RR_ARGS_MAX];
        int n;
};

static const char *
arg(struct rr_args *args, const char *key)
{
        for (int i = 0; i < args->n; i++)
                if (strcmp(args->a[i].key, key) == 0) {
                        args->used[i] = true;
                        return args->a[i].value;
                }
        return NULL;
}

static int
uint_arg(struct rr_args *args, const char *key, const struct pkt_field *f, uint64_t def, uint64_t *ret)
{
        const char *text = arg(args, key);
        uint8_t scratch[8];

        *ret = def;
        return text ? pkt_spec_value(f, text, ret, scratch, sizeof(scratch)) : 0;
}

/* Appends field @f of a record kind: the argument named like it, or zeros (the root for a name). */
static int
put_kind_field(struct rr_args *args, const struct pkt_field *f, uint8_t *out, size_t size)
{
        const char *text = arg(args, f->name);
        int n = pkt_field_default_len(f);
        uint64_t u;

        if (text)
                return pkt_spec_value(f, text, &u, out, size);
        if (f->type == PKT_FT_DNSNAME)
                n = 1;
        if ((size_t)n > size)
                return -EMSGSIZE;
        memset(out, 0, (size_t)n);
        return n;
}

/* A part of combined field @combined (NBNS's NB_FLAGS: G, ONT), when given by name: its bits written
 * over the combined field's, in place at @at of @out. */
static int
put_part(struct rr_args *args, const struct pkt_field *combined, size_t at, const struct pkt_field *f,
         uint8_t *out)
{
        uint64_t v;
        int r;

        if (!arg(args, f->name))
                return 0;
        if (!combined || f->off < combined->off || f->off + f->bits > combined->off + combined->bits)
                return -EINVAL; /* a table mistake, caught by the tests */
        r = uint_arg(args, f->name, f, 0, &v);
        if (r < 0)
                return r;
        pkt_bits_write(out + at, f->off - combined->off, f->bits, false, v);
        return 0;
}

static bool
is_opt(const struct dns_dialect *d, uint16_t type)
{
        return d->has_opt && type == DNS_TYPE_OPT;
}

/* RR data from the fields of its kind in dialect @d, or from "rdata" given as hex. */
static int
put_rdata(struct rr_args *args, const struct dns_dialect *d, uint16_t type, uint8_t *out, size_t size)
{
        static const struct pkt_field rdata = { .name = "rdata", .type = PKT_FT_BYTES };
        struct pkt_elem k = { 0 };
        const char *text = arg(args, "rdata");
        size_t len = 0;
        uint64_t u;

        if (text)
                return pkt_spec_value(&rdata, text, &u, out, size);
        d->rr_kind(type, 0, &k);
        if (is_opt(d, type)) /* its other fields live in CLASS and TTL */
                return put_kind_field(args, &k.kind_fields[k.n_kind_fields - 1], out, size);
        size_t count_at = SIZE_MAX; /* where the count the text left out goes, of count_bits */
        unsigned count_bits = 8;
        const struct pkt_field *combined = NULL; /* the last combined field, written at combined_at */
        size_t combined_at = 0;
        for (unsigned i = 0; i < k.n_kind_fields; i++) {
                const struct pkt_field *f = &k.kind_fields[i];
                if (f->flags & PKT_FF_PART) {
                        int r = put_part(args, combined, combined_at, f, out);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (f->flags & PKT_FF_COMBINED) {
                        combined = f;
                        combined_at = len;
                }
                /* A count (a character-string's length byte, a MAC's size), when not given, is the
                 * length of what it counts. */
                bool counts_next = i + 1 < k.n_kind_fields && (f[1].flags & PKT_FF_COUNTED) &&
                                   (f->bits == 8 || f->bits == 16) && !arg(args, f->name);
                int r = put_kind_field(args, f, out + len, size - len);
                if (r < 0)
                        return r;
                if (counts_next) {
                        count_at = len;
                        count_bits = f->bits;
                } else if ((f->flags & PKT_FF_COUNTED) && count_at != SIZE_MAX) {
                        if ((uint32_t)r >> count_bits)
                                return -E2BIG; /* RFC 1035 3.3: a character-string has at most 255 */
                        if (count_bits == 8)
                                out[count_at] = (uint8_t)r;
                        else
                                put16(out + count_at, (uint32_t)r);
                        count_at = SIZE_MAX;
                }
                len += (size_t)r;
        }
        return (int)len;
}

/* RFC 6891 6.1.3: CLASS is the payload size, TTL is extended RCODE, version, DO and Z. */
static int
opt_class_ttl(struct rr_args *args, uint64_t *ret_cls, uint64_t *ret_ttl)
{
        const struct rr_kind *k = kind_of(DNS_TYPE_OPT);
        uint64_t size, rcode, v, z, dobit;
        int r;

        if ((r = uint_arg(args, "udpsize", &k->fields[0], EDNS_UDPSIZE_DEFAULT, &size)) < 0 ||
            (r = uint_arg(args, "rcode", &k->fields[1], 0, &rcode)) < 0 ||
            (r = uint_arg(args, "v", &k->fields[2], 0, &v)) < 0 ||
            (r = uint_arg(args, "z", &k->fields[3], 0, &z)) < 0 ||
            (r = uint_arg(args, "do", &k->fields[4], 0, &dobit)) < 0)
                return r;
        *ret_cls = size;
        *ret_ttl = rcode << 24 | v << 16 | z | dobit << 15;
        return 0;
}

static int
put_rr_tail(struct rr_args *args, const struct dns_dialect *d, uint16_t type, uint8_t *out, size_t size)
{
        static const struct pkt_field u16 = PKT_U("u16", 0, 16), u32 = PKT_U("u32", 0, 32);
        const struct pkt_field *cls_f = &d->rr_fields[2];
        bool opt = is_opt(d, type);
        uint64_t cls, ttl, dlen;
        int r, n;

        if (size < RR_FIXED_LEN)
                return -EMSGSIZE;
        if (opt && (r = opt_class_ttl(args, &cls, &ttl)) < 0)
                return r;
        if ((r = uint_arg(args, "cls", cls_f, opt ? cls : 1, &cls)) < 0 ||
            (r = uint_arg(args, "ttl", &u32, opt ? ttl : 0, &ttl)) < 0)
                return r;
        n = put_rdata(args, d, type, out + RR_FIXED_LEN, size - RR_FIXED_LEN);
        if (n < 0)
                return n;
        if ((r = uint_arg(args, "dlen", &u16, (uint64_t)n, &dlen)) < 0)
                return r;
        if (n > UINT16_MAX)
                return -EMSGSIZE;
        put16(out, type);
        put16(out + 2, (uint32_t)cls);
        put16(out + 4, (uint32_t)(ttl >> 16));
        put16(out + 6, (uint32_t)ttl);
        put16(out + 8, (uint32_t)dlen);
        return RR_FIXED_LEN + n;
}

int
dns_rr_build(const struct dns_dialect *d, bool is_query, const char *text, uint8_t *out, size_t size)
{
        const struct pkt_field *name_f = &d->rr_fields[0], *type_f = &d->rr_fields[1], *cls_f = &d->rr_fields[2];
        struct rr_args args = { 0 };
        char elem_name[32];
        uint64_t type, cls, u;
        const char *name;
        int r, n;

        args.n = pkt_spec_split(text, elem_name, sizeof(elem_name), args.a, RR_ARGS_MAX);
        if (args.n < 0)
                return args.n;
        for (int i = 0; i < args.n; i++)
                if (!args.a[i].key[0])
                        return -EINVAL; /* records are all key=value */
        name = arg(&args, "name");
        n = pkt_spec_value(name_f, name ? name : "", &u, out, size);
        if (n < 0)
                return n;
        /* A nameless record is EDNS's OPT where the dialect has it. */
        uint64_t def_type = !is_query && !name && d->has_opt ? DNS_TYPE_OPT : d->default_type;
        if ((r = uint_arg(&args, "type", type_f, def_type, &type)) < 0)
                return r;
        if (is_query) {
                if ((r = uint_arg(&args, "cls", cls_f, 1, &cls)) < 0)
                        return r;
                if ((size_t)n + QUERY_FIXED_LEN > size)
                        return -EMSGSIZE;
                put16(out + n, (uint32_t)type);
                put16(out + n + 2, (uint32_t)cls);
                r = QUERY_FIXED_LEN;
        } else {
                r = put_rr_tail(&args, d, (uint16_t)type, out + n, size - (size_t)n);
        }
        if (r < 0)
                return r;
        for (int i = 0; i < args.n; i++)
                if (!args.used[i])
                        return -ENOENT;
        return n + r;
}

/* ---- compression ---- */

/* Why 256: names are remembered only at offsets a pointer can reach (below 16 KiB); a message with
 * more distinct suffixes than this simply compresses less. */
#define SUFFIX_MAX 256
#define PTR_OFF_MAX 0x3fff

struct suffix {
        uint16_t off;  /* where it was written, from the message start */
        uint8_t len;
        const uint8_t *name; /* the uncompressed suffix (in the source message) */
};

struct comp {
        const struct dns_dialect *d;
        bool mdns; /* Multicast DNS (RFC 6762 18.14 compresses more) */
        uint8_t *out;
        uint32_t len, cap;
        struct suffix tab[SUFFIX_MAX];
        unsigned n;
};

static int
put(struct comp *c, const void *d, uint32_t n)
{
        if (n > c->cap - c->len)
                return -EMSGSIZE;
        memcpy(c->out + c->len, d, n);
        c->len += n;
        return 0;
}

/* Writes uncompressed wire name @name (@len bytes, ending in the root) as labels up to the first
 * suffix already written, then a pointer to it (RFC 1035 4.1.4). */
static int
put_name(struct comp *c, const uint8_t *name, uint32_t len)
{
        for (uint32_t i = 0; i < len && name[i] != 0; i += 1u + name[i]) {
                for (unsigned k = 0; k < c->n; k++)
                        if (c->tab[k].len == len - i && memcmp(c->tab[k].name, name + i, len - i) == 0) {
                                uint8_t ptr[2] = { (uint8_t)(0xc0 | c->tab[k].off >> 8), (uint8_t)c->tab[k].off };
                                return put(c, ptr, 2);
                        }
                if (c->len <= PTR_OFF_MAX && c->n < SUFFIX_MAX)
                        c->tab[c->n++] = (struct suffix){ (uint16_t)c->len, (uint8_t)(len - i), name + i };
                int r = put(c, name + i, 1u + name[i]);
                if (r < 0)
                        return r;
        }
        return put(c, "", 1);
}

/* Measures an uncompressed name at @pos within @end; a pointer makes it unfit (-EEXIST). */
static int
plain_name(const uint8_t *msg, uint32_t end, uint32_t pos, uint32_t *ret_len)
{
        for (uint32_t i = pos; i < end;) {
                uint8_t n = msg[i];
                if (n & 0xc0)
                        return -EEXIST;
                if (n == 0) {
                        *ret_len = i + 1 - pos;
                        return 0;
                }
                i += 1u + n;
        }
        return -ENODATA;
}

static int
put_rdata_raw(struct comp *c, const uint8_t *msg, uint32_t pos, uint32_t dlen, uint32_t start)
{
        int r;

        c->len = start;
        if ((r = put(c, msg + pos, dlen)) < 0)
                return r;
        put16(c->out + start - 2, dlen);
        return 0;
}

/* Are the names among the fields @locs of kind @k in @rdata uncompressed, and so fit to be
 * compressed? */
static bool
names_plain(const struct rr_kind *k, const uint8_t *rdata, uint32_t dlen, const struct field_loc *locs)
{
        uint32_t plain;

        for (unsigned i = 0; i < k->n_fields; i++)
                if (k->fields[i].type == PKT_FT_DNSNAME && plain_name(rdata, dlen, locs[i].bit_off / 8, &plain) < 0)
                        return false;
        return true;
}

/* Copies the data of a record, compressing its names when it has the layout its type promises: the
 * bytes between names as they are, each name by put_name(). */
static int
put_rdata_compressed(struct comp *c, const uint8_t *msg, uint16_t type, uint32_t pos, uint32_t dlen)
{
        const struct rr_kind *k = c->d->compresses_rdata ? compressed_kind(type, c->mdns) : NULL;
        const uint8_t *rdata = msg + pos;
        struct field_loc locs[RR_FIELDS_MAX];
        uint32_t copied = 0, start;
        int r;

        if ((r = put(c, "\0\0", 2)) < 0)
                return r;
        start = c->len;
        if (!k || !lay_out(k, rdata, dlen, locs) || !names_plain(k, rdata, dlen, locs))
                return put_rdata_raw(c, msg, pos, dlen, start);
        for (unsigned i = 0; i < k->n_fields; i++) {
                if (k->fields[i].type != PKT_FT_DNSNAME)
                        continue;
                uint32_t at = locs[i].bit_off / 8, n = locs[i].bits / 8;
                if ((r = put(c, rdata + copied, at - copied)) < 0 || (r = put_name(c, rdata + at, n)) < 0)
                        return r;
                copied = at + n;
        }
        if ((r = put(c, rdata + copied, dlen - copied)) < 0)
                return r;
        put16(c->out + start - 2, c->len - start);
        return 0;
}

/* Copies one record (at @pos, owner name @name_len bytes) with its names compressed. */
static int
put_record(struct comp *c, const uint8_t *msg, uint32_t pos, uint32_t name_len, bool is_query)
{
        int r;

        if ((r = put_name(c, msg + pos, name_len)) < 0)
                return r;
        pos += name_len;
        if (is_query)
                return put(c, msg + pos, QUERY_FIXED_LEN);
        if ((r = put(c, msg + pos, RR_FIXED_LEN - 2)) < 0)
                return r;
        return put_rdata_compressed(c, msg, be16(msg + pos), pos + RR_FIXED_LEN, be16(msg + pos + 8));
}

/* Only a message none of whose owner names is compressed yet is rebuilt: one parsed or built with
 * pointers keeps its encoding (and its pointers stay valid). */
static bool
is_uncompressed(const uint8_t *msg, uint32_t len)
{
        uint32_t pos = DNS_HDR_LEN, name_len, rec_len, dummy;

        for (unsigned s = DNS_QD; s < DNS_SECTIONS; s++)
                for (unsigned i = 0, n = be16(msg + 4 + 2 * s); i < n; i++) {
                        if (dns_record_span(msg, len, pos, s == DNS_QD, &name_len, &rec_len) < 0 ||
                            plain_name(msg, len, pos, &dummy) < 0)
                                return false;
                        pos += rec_len;
                }
        return true;
}

/* The message of layer @idx (from header offset @start) with its names compressed, in *@ret_out
 * (*@ret_len bytes, the caller's to free): 1 when that differs from the message, 0 when it does not or
 * the message has pointers already (and keeps its encoding), or -ENOMEM. */
static int
compressed_form(const struct dns_dialect *d, struct pkt *p, unsigned idx, uint32_t start, uint8_t **ret_out,
                uint32_t *ret_len)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *msg = p->data + l->off + start;
        uint32_t len = l->hdr_len - start, pos = DNS_HDR_LEN, name_len, rec_len;
        int r;

        if (l->hdr_len < start + DNS_HDR_LEN || l->hdr_len > l->len)
                return 0;
        /* A lone question has nothing to point at (most queries): no need to look further. */
        if (be16(msg + 4) <= 1 && be16(msg + 6) == 0 && be16(msg + 8) == 0 && be16(msg + 10) == 0)
                return 0;
        if (!is_uncompressed(msg, len))
                return 0;
        /* Not zeroed: the suffix table is read only up to n, which starts at 0 (4 KiB of memset was
         * most of what asking cost a JSON writer). */
        _cleanup_free_ struct comp *c = malloc(sizeof(*c));
        _cleanup_free_ uint8_t *out = malloc(len);
        if (!c || !out)
                return -ENOMEM;
        c->d = d;
        c->out = out;
        c->len = 0;
        c->cap = len; /* compression never grows a message without pointers */
        c->n = 0;
        c->mdns = idx > 0 && p->layers[idx - 1].proto == PKT_PROTO_UDP &&
                  (pkt_udp_sport(p, idx - 1) == MDNS_PORT || pkt_udp_dport(p, idx - 1) == MDNS_PORT);
        if ((r = put(c, msg, DNS_HDR_LEN)) < 0)
                return r;
        for (unsigned s = DNS_QD; s < DNS_SECTIONS; s++)
                for (unsigned i = 0, n = be16(msg + 4 + 2 * s); i < n; i++) {
                        (void)dns_record_span(msg, len, pos, s == DNS_QD, &name_len, &rec_len);
                        if ((r = put_record(c, msg, pos, name_len, s == DNS_QD)) < 0)
                                return r;
                        pos += rec_len;
                }
        if ((r = put(c, msg + pos, len - pos)) < 0) /* bytes after the last record stay */
                return r;
        if (c->len == len && memcmp(c->out, msg, len) == 0)
                return 0;
        *ret_len = c->len;
        *ret_out = TAKE_PTR(out);
        return 1;
}

int
dns_compress(const struct dns_dialect *d, struct pkt *p, unsigned idx, uint32_t start)
{
        _cleanup_free_ uint8_t *out = NULL;
        uint32_t len;
        int r;

        if (p->layers[idx].flags & PKT_LAYER_AS_WRITTEN)
                return 0;
        r = compressed_form(d, p, idx, start, &out, &len);
        if (r <= 0)
                return r;
        return pkt_layer_splice(p, idx, start + DNS_HDR_LEN, p->layers[idx].hdr_len - start - DNS_HDR_LEN,
                                out + DNS_HDR_LEN, len - DNS_HDR_LEN);
}

bool
dns_is_compressible(const struct dns_dialect *d, struct pkt *p, unsigned idx, uint32_t start)
{
        _cleanup_free_ uint8_t *out = NULL;
        uint32_t len;

        return compressed_form(d, p, idx, start, &out, &len) == 1;
}
