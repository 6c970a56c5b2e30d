/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISAKMP (RFC 2408) as IKEv1 uses it (RFC 2409, the IPsec DOI of RFC 2407), and IKEv2 (RFC 7296),
 * which keeps its header: how IPsec peers agree on keys. UDP port 500, and 4500 after the non-ESP
 * marker (udpencap.c, RFC 3948).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            initiator cookie (IKEv2: SPI), 64 bits             |
 *  |            responder cookie (IKEv2: SPI), 64 bits             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | next payload  | MjVer | MnVer | exchange type |     flags     |   isakmp
 *  |                          message ID                           |
 *  |                       length (auto)                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | next payload  |C| reserved    |        payload length         |   payloads
 *  |                  the payload's body, by its type              |
 *
 * The message is the header, its payloads the elements of "payloads". A payload's type is not in
 * its own bytes: the header's next payload gives the first's, each payload's the one after it, 0
 * ends the chain (RFC 2408 3.2). So the walk carries the type from the link before, and the body
 * reads by it. IKEv2's Encrypted payload (SK) ends the chain: its next payload names the first
 * payload inside the ciphertext. An IKEv1 message with the E flag is encrypted after the header
 * (RFC 2408 3.1): those bytes are the layer's payload, raw.
 *
 * Payload type names: IKEv2's as RFC 7296 3.2 writes them (SA, KE, IDi, ..., Nonce, Notify, Delete,
 * Vendor, SK); IKEv1's as RFC 2408 3.1 does, with "v1" where IKEv2 took the name (SAv1, KEv1,
 * CERTv1, NONCEv1). Built, a payload added by its type links itself: its type goes into the link
 * before it (the header, or the last payload), and its own next payload is 0 unless given.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "forms.h"
#include "internal.h"

enum {
        ISAKMP_HDR_LEN = 28,
        PAYLOAD_HDR_LEN = 4,
        ISAKMP_PORT = 500,
        NEXT_PAYLOAD_AT = 16,
        VERSION_AT = 17, /* major version in the high nibble */
        FLAGS_AT = 19,
        PAYLOAD_N_V1 = 11,   /* IKEv1 Notification */
        PAYLOAD_NOTIFY = 41, /* IKEv2 Notify */
        FLAG_ENCRYPTED = 0x01, /* IKEv1: everything after the header is encrypted */
        FLAG_RESPONSE = 0x20,  /* IKEv2: a response */
        PAYLOAD_SK = 46,       /* IKEv2 Encrypted and Authenticated */
        PAYLOAD_SKF = 53,      /* IKEv2 Encrypted Fragment (RFC 7383) */
        PAYLOADS_MAX = 256,    /* payloads a walk looks at: a message has a few dozen at most */
};

/* clang-format off */
/* IANA's "IKEv2 Payload Types" and ISAKMP's "Next Payload Types" (RFC 2408 3.1, RFC 3947's NAT-D and
 * NAT-OA and their draft numbers, 130 and 131, which deployed peers still send). */
static const struct pkt_name payload_names[] = {
        { 0, "NONE" }, { 1, "SAv1" }, { 2, "Proposal" }, { 3, "Transform" }, { 4, "KEv1" }, { 5, "ID" },
        { 6, "CERTv1" }, { 7, "CR" }, { 8, "HASH" }, { 9, "SIG" }, { 10, "NONCEv1" }, { 11, "N" },
        { 12, "D" }, { 13, "VID" }, { 14, "ATTR" }, { 20, "NAT-D" }, { 21, "NAT-OA" },
        { 130, "NAT-D-draft" }, { 131, "NAT-OA-draft" },
        { 33, "SA" }, { 34, "KE" }, { 35, "IDi" }, { 36, "IDr" }, { 37, "CERT" }, { 38, "CERTREQ" },
        { 39, "AUTH" }, { 40, "Nonce" }, { 41, "Notify" }, { 42, "Delete" }, { 43, "Vendor" },
        { 44, "TSi" }, { 45, "TSr" }, { 46, "SK" }, { 47, "CP" }, { 48, "EAP" }, { 49, "GSPM" },
        { 50, "IDg" }, { 51, "GSA" }, { 52, "KD" }, { 53, "SKF" }, { 54, "PS" },
        { 0, NULL },
};

/* RFC 2408 4.1 and RFC 2409 5 (IKEv1; 6 is the mode-config draft's), RFC 7296 3.1 and later
 * (IKEv2). */
static const struct pkt_name exchange_names[] = {
        { 0, "NONE" }, { 1, "Base" }, { 2, "Main-Mode" }, { 3, "Authentication-Only" }, { 4, "Aggressive" },
        { 5, "Informational-v1" }, { 6, "Transaction" }, { 32, "Quick-Mode" }, { 33, "New-Group-Mode" },
        { 34, "IKE_SA_INIT" }, { 35, "IKE_AUTH" }, { 36, "CREATE_CHILD_SA" }, { 37, "INFORMATIONAL" },
        { 38, "IKE_SESSION_RESUME" }, { 43, "IKE_INTERMEDIATE" }, { 44, "IKE_FOLLOWUP_KE" },
        { 0, NULL },
};

/* IKEv1's E, C and A (RFC 2408 3.1); IKEv2's Initiator, Version and Response (RFC 7296 3.1). */
static const struct pkt_name flag_names[] = {
        { 0x01, "E" }, { 0x02, "C" }, { 0x04, "A" }, { 0x08, "I" }, { 0x10, "V" }, { 0x20, "R" }, { 0, NULL },
};

static const struct pkt_field isakmp_fields[] = {
        { .name = "init_cookie",  .off = 0,   .bits = 64, .type = PKT_FT_BYTES },
        { .name = "resp_cookie",  .off = 64,  .bits = 64, .type = PKT_FT_BYTES },
        { .name = "next_payload", .off = 128, .bits = 8,  .type = PKT_FT_ENUM, .names = payload_names },
        { .name = "version",      .off = 136, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX, .def = 0x20 },
        { .name = "major",        .off = 136, .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART, .def = 2 },
        { .name = "minor",        .off = 140, .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "exch_type",    .off = 144, .bits = 8,  .type = PKT_FT_ENUM, .names = exchange_names, .def = 34 },
        { .name = "flags",        .off = 152, .bits = 8,  .type = PKT_FT_FLAGS, .names = flag_names, .def = 0x08 },
        { .name = "id",           .off = 160, .bits = 32, .type = PKT_FT_UINT },
        { .name = "length",       .off = 192, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

/* The generic payload header every payload starts with (RFC 2408 3.2, RFC 7296 3.2). */
static const struct pkt_field payload_fields[] = {
        { .name = "next_payload", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = payload_names },
        PKT_U("critical", 8, 1),
        PKT_U("reserved", 9, 7),
        PKT_U("length", 16, 16),
};

/* Security protocol IDs: IKEv2's (RFC 7296 3.3.1), IKEv1's IPsec DOI (RFC 2407 4.4.1). */
static const struct pkt_name protocol_names[] = {
        { 1, "IKE" }, { 2, "AH" }, { 3, "ESP" }, { 4, "IPCOMP" }, { 0, NULL },
};

/* IKEv2's ID types (RFC 7296 3.5); IKEv1's (RFC 2407 4.6.2.1) are the same numbers, and add
 * subnets and ranges. */
static const struct pkt_name id_type_names[] = {
        { 1, "ID_IPV4_ADDR" }, { 2, "ID_FQDN" }, { 3, "ID_RFC822_ADDR" }, { 4, "ID_IPV4_ADDR_SUBNET" },
        { 5, "ID_IPV6_ADDR" }, { 6, "ID_IPV6_ADDR_SUBNET" }, { 7, "ID_IPV4_ADDR_RANGE" },
        { 8, "ID_IPV6_ADDR_RANGE" }, { 9, "ID_DER_ASN1_DN" }, { 10, "ID_DER_ASN1_GN" }, { 11, "ID_KEY_ID" },
        { 12, "ID_FC_NAME" }, { 13, "ID_NULL" }, { 0, NULL },
};

/* IKEv2's notify message types (RFC 7296 3.10.1 and IANA's registry): errors below 16384, status
 * above. */
static const struct pkt_name notify_names[] = {
        { 1, "UNSUPPORTED_CRITICAL_PAYLOAD" }, { 4, "INVALID_IKE_SPI" }, { 5, "INVALID_MAJOR_VERSION" },
        { 7, "INVALID_SYNTAX" }, { 9, "INVALID_MESSAGE_ID" }, { 11, "INVALID_SPI" },
        { 14, "NO_PROPOSAL_CHOSEN" }, { 17, "INVALID_KE_PAYLOAD" }, { 24, "AUTHENTICATION_FAILED" },
        { 34, "SINGLE_PAIR_REQUIRED" }, { 35, "NO_ADDITIONAL_SAS" }, { 36, "INTERNAL_ADDRESS_FAILURE" },
        { 37, "FAILED_CP_REQUIRED" }, { 38, "TS_UNACCEPTABLE" }, { 39, "INVALID_SELECTORS" },
        { 40, "UNACCEPTABLE_ADDRESSES" }, { 41, "UNEXPECTED_NAT_DETECTED" }, { 42, "USE_ASSIGNED_HoA" },
        { 43, "TEMPORARY_FAILURE" }, { 44, "CHILD_SA_NOT_FOUND" }, { 45, "INVALID_GROUP_ID" },
        { 46, "AUTHORIZATION_FAILED" }, { 47, "STATE_NOT_FOUND" },
        { 16384, "INITIAL_CONTACT" }, { 16385, "SET_WINDOW_SIZE" }, { 16386, "ADDITIONAL_TS_POSSIBLE" },
        { 16387, "IPCOMP_SUPPORTED" }, { 16388, "NAT_DETECTION_SOURCE_IP" },
        { 16389, "NAT_DETECTION_DESTINATION_IP" }, { 16390, "COOKIE" }, { 16391, "USE_TRANSPORT_MODE" },
        { 16392, "HTTP_CERT_LOOKUP_SUPPORTED" }, { 16393, "REKEY_SA" }, { 16394, "ESP_TFC_PADDING_NOT_SUPPORTED" },
        { 16395, "NON_FIRST_FRAGMENTS_ALSO" }, { 16396, "MOBIKE_SUPPORTED" }, { 16397, "ADDITIONAL_IP4_ADDRESS" },
        { 16398, "ADDITIONAL_IP6_ADDRESS" }, { 16399, "NO_ADDITIONAL_ADDRESSES" }, { 16400, "UPDATE_SA_ADDRESSES" },
        { 16401, "COOKIE2" }, { 16402, "NO_NATS_ALLOWED" }, { 16403, "AUTH_LIFETIME" },
        { 16404, "MULTIPLE_AUTH_SUPPORTED" }, { 16405, "ANOTHER_AUTH_FOLLOWS" }, { 16406, "REDIRECT_SUPPORTED" },
        { 16407, "REDIRECT" }, { 16408, "REDIRECTED_FROM" }, { 16409, "TICKET_LT_OPAQUE" },
        { 16410, "TICKET_REQUEST" }, { 16411, "TICKET_ACK" }, { 16412, "TICKET_NACK" }, { 16413, "TICKET_OPAQUE" },
        { 16414, "LINK_ID" }, { 16415, "USE_WESP_MODE" }, { 16416, "ROHC_SUPPORTED" },
        { 16417, "EAP_ONLY_AUTHENTICATION" }, { 16418, "CHILDLESS_IKEV2_SUPPORTED" },
        { 16419, "QUICK_CRASH_DETECTION" }, { 16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED" },
        { 16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED" }, { 16422, "IKEV2_MESSAGE_ID_SYNC" },
        { 16423, "IPSEC_REPLAY_COUNTER_SYNC" }, { 16424, "SECURE_PASSWORD_METHODS" }, { 16425, "PSK_PERSIST" },
        { 16426, "PSK_CONFIRM" }, { 16427, "ERX_SUPPORTED" }, { 16428, "IFOM_CAPABILITY" },
        { 16429, "SENDER_REQUEST_ID" }, { 16430, "IKEV2_FRAGMENTATION_SUPPORTED" },
        { 16431, "SIGNATURE_HASH_ALGORITHMS" }, { 16432, "CLONE_IKE_SA_SUPPORTED" }, { 16433, "CLONE_IKE_SA" },
        { 16434, "PUZZLE" }, { 16435, "USE_PPK" }, { 16436, "PPK_IDENTITY" }, { 16437, "NO_PPK_AUTH" },
        { 16438, "INTERMEDIATE_EXCHANGE_SUPPORTED" }, { 16439, "IP4_ALLOWED" }, { 16440, "IP6_ALLOWED" },
        { 16441, "ADDITIONAL_KEY_EXCHANGE" }, { 16442, "USE_AGGFRAG" },
        { 0, NULL },
};

/* IKEv1's notify message types (RFC 2408 3.14.1; RFC 2407 4.6.3's IPsec DOI status types; RFC 3706's
 * dead peer detection). */
static const struct pkt_name notify1_names[] = {
        { 1, "INVALID-PAYLOAD-TYPE" }, { 2, "DOI-NOT-SUPPORTED" }, { 3, "SITUATION-NOT-SUPPORTED" },
        { 4, "INVALID-COOKIE" }, { 5, "INVALID-MAJOR-VERSION" }, { 6, "INVALID-MINOR-VERSION" },
        { 7, "INVALID-EXCHANGE-TYPE" }, { 8, "INVALID-FLAGS" }, { 9, "INVALID-MESSAGE-ID" },
        { 10, "INVALID-PROTOCOL-ID" }, { 11, "INVALID-SPI" }, { 12, "INVALID-TRANSFORM-ID" },
        { 13, "ATTRIBUTES-NOT-SUPPORTED" }, { 14, "NO-PROPOSAL-CHOSEN" }, { 15, "BAD-PROPOSAL-SYNTAX" },
        { 16, "PAYLOAD-MALFORMED" }, { 17, "INVALID-KEY-INFORMATION" }, { 18, "INVALID-ID-INFORMATION" },
        { 19, "INVALID-CERT-ENCODING" }, { 20, "INVALID-CERTIFICATE" }, { 21, "CERT-TYPE-UNSUPPORTED" },
        { 22, "INVALID-CERT-AUTHORITY" }, { 23, "INVALID-HASH-INFORMATION" }, { 24, "AUTHENTICATION-FAILED" },
        { 25, "INVALID-SIGNATURE" }, { 26, "ADDRESS-NOTIFICATION" }, { 27, "NOTIFY-SA-LIFETIME" },
        { 28, "CERTIFICATE-UNAVAILABLE" }, { 29, "UNSUPPORTED-EXCHANGE-TYPE" }, { 30, "UNEQUAL-PAYLOAD-LENGTHS" },
        { 16384, "CONNECTED" }, { 24576, "RESPONDER-LIFETIME" }, { 24577, "REPLAY-STATUS" },
        { 24578, "INITIAL-CONTACT" }, { 36136, "R-U-THERE" }, { 36137, "R-U-THERE-ACK" },
        { 0, NULL },
};

/* The body of each payload type. Variable fields run to the end of the payload. */
#define BYTES(field) { .name = (field), .off = PKT_OFF_FOLLOW, .type = PKT_FT_BYTES }
#define PROTOCOL(at) { .name = "protocol_id", .off = (at), .bits = 8, .type = PKT_FT_ENUM, .names = protocol_names }
#define ID_TYPE { .name = "id_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = id_type_names }

static const struct pkt_field data_kind[] = { { .name = "data", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field sa1_kind[] = { PKT_U("doi", 0, 32), PKT_U("situation", 32, 32), BYTES("proposal_data") };
static const struct pkt_field sa_kind[] = { { .name = "proposal_data", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field ke1_kind[] = { { .name = "ke_data", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field ke_kind[] = { PKT_U("dh_group", 0, 16), PKT_U("reserved2", 16, 16), BYTES("ke_data") };
static const struct pkt_field id1_kind[] = { ID_TYPE, PROTOCOL(8), PKT_U("port", 16, 16), BYTES("id_data") };
static const struct pkt_field id_kind[] = { ID_TYPE, PKT_U("reserved2", 8, 24), BYTES("id_data") };
static const struct pkt_field cert_kind[] = { PKT_U("cert_encoding", 0, 8), BYTES("cert_data") };
static const struct pkt_field auth_kind[] = { PKT_U("auth_method", 0, 8), PKT_U("reserved2", 8, 24), BYTES("auth_data") };
static const struct pkt_field hash_kind[] = { { .name = "hash_data", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field sig_kind[] = { { .name = "signature_data", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field nonce_kind[] = { { .name = "nonce", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field vendor_kind[] = { { .name = "vendor_id", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field ts_kind[] = { PKT_U("num_ts", 0, 8), PKT_U("reserved2", 8, 24), BYTES("traffic_selectors") };
static const struct pkt_field sk_kind[] = { { .name = "encrypted", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field skf_kind[] = { PKT_U("fragment_number", 0, 16), PKT_U("total_fragments", 16, 16), BYTES("encrypted") };
static const struct pkt_field cp_kind[] = { PKT_U("cfg_type", 0, 8), PKT_U("reserved2", 8, 24), BYTES("attributes") };
static const struct pkt_field attr1_kind[] = { PKT_U("cfg_type", 0, 8), PKT_U("reserved2", 8, 8), PKT_U("identifier", 16, 16), BYTES("attributes") };
static const struct pkt_field eap_kind[] = { { .name = "eap_message", .off = 0, .type = PKT_FT_BYTES } };
static const struct pkt_field natoa_kind[] = { ID_TYPE, PKT_U("reserved2", 8, 24), BYTES("address") };

/* Notify and Delete: IKEv1's start with the DOI (RFC 2408 3.14, 3.15), IKEv2's do not (RFC 7296
 * 3.10, 3.11). A notification's SPI is as long as its SPI size says: one table per size in use
 * (none, an ESP or AH SPI, an IKE SA's SPI, IKEv1's two cookies); any other size leaves the SPI with
 * the data. */
#define NOTIFY_HEAD(at, tbl)                                                                      \
        PROTOCOL(at), PKT_U("spi_size", (at) + 8, 8),                                               \
        { .name = "notify_type", .off = (at) + 16, .bits = 16, .type = PKT_FT_ENUM, .names = (tbl) }
#define NOTIFY_SPI(width) { .name = "spi", .off = PKT_OFF_FOLLOW, .bits = (width), .type = PKT_FT_BYTES }
static const struct pkt_field notify_kind[] = { NOTIFY_HEAD(0, notify_names), BYTES("notification_data") };
static const struct pkt_field notify4_kind[] = { NOTIFY_HEAD(0, notify_names), NOTIFY_SPI(32), BYTES("notification_data") };
static const struct pkt_field notify8_kind[] = { NOTIFY_HEAD(0, notify_names), NOTIFY_SPI(64), BYTES("notification_data") };
static const struct pkt_field notify16_kind[] = { NOTIFY_HEAD(0, notify_names), NOTIFY_SPI(128), BYTES("notification_data") };
static const struct pkt_field notify1_kind[] = { PKT_U("doi", 0, 32), NOTIFY_HEAD(32, notify1_names), BYTES("notification_data") };
static const struct pkt_field notify1_4_kind[] = { PKT_U("doi", 0, 32), NOTIFY_HEAD(32, notify1_names), NOTIFY_SPI(32), BYTES("notification_data") };
static const struct pkt_field notify1_8_kind[] = { PKT_U("doi", 0, 32), NOTIFY_HEAD(32, notify1_names), NOTIFY_SPI(64), BYTES("notification_data") };
static const struct pkt_field notify1_16_kind[] = { PKT_U("doi", 0, 32), NOTIFY_HEAD(32, notify1_names), NOTIFY_SPI(128), BYTES("notification_data") };
static const struct pkt_field delete_kind[] = { PROTOCOL(0), PKT_U("spi_size", 8, 8), PKT_U("num_spis", 16, 16), BYTES("spis") };
static const struct pkt_field delete1_kind[] = { PKT_U("doi", 0, 32), PROTOCOL(32), PKT_U("spi_size", 40, 8), PKT_U("num_spis", 48, 16), BYTES("spis") };

/* Bodies by type, each with the bytes it needs at least. */
static const struct pkt_form forms[] = {
        { 1, 8, false, PKT_KIND(sa1_kind) }, { 4, 0, false, PKT_KIND(ke1_kind) }, { 5, 4, false, PKT_KIND(id1_kind) },
        { 6, 1, false, PKT_KIND(cert_kind) }, { 7, 1, false, PKT_KIND(cert_kind) }, { 8, 0, false, PKT_KIND(hash_kind) },
        { 9, 0, false, PKT_KIND(sig_kind) }, { 10, 0, false, PKT_KIND(nonce_kind) }, { 11, 8, false, PKT_KIND(notify1_kind) },
        { 12, 8, false, PKT_KIND(delete1_kind) }, { 13, 0, false, PKT_KIND(vendor_kind) },
        { 14, 4, false, PKT_KIND(attr1_kind) }, { 20, 0, false, PKT_KIND(hash_kind) }, { 21, 4, false, PKT_KIND(natoa_kind) },
        { 130, 0, false, PKT_KIND(hash_kind) }, { 131, 4, false, PKT_KIND(natoa_kind) },
        { 33, 0, false, PKT_KIND(sa_kind) }, { 34, 4, false, PKT_KIND(ke_kind) }, { 35, 4, false, PKT_KIND(id_kind) },
        { 36, 4, false, PKT_KIND(id_kind) }, { 37, 1, false, PKT_KIND(cert_kind) }, { 38, 1, false, PKT_KIND(cert_kind) },
        { 39, 4, false, PKT_KIND(auth_kind) }, { 40, 0, false, PKT_KIND(nonce_kind) }, { 41, 4, false, PKT_KIND(notify_kind) },
        { 42, 4, false, PKT_KIND(delete_kind) }, { 43, 0, false, PKT_KIND(vendor_kind) }, { 44, 4, false, PKT_KIND(ts_kind) },
        { 45, 4, false, PKT_KIND(ts_kind) }, { PAYLOAD_SK, 0, false, PKT_KIND(sk_kind) },
        { 47, 4, false, PKT_KIND(cp_kind) }, { 48, 0, false, PKT_KIND(eap_kind) }, { PAYLOAD_SKF, 4, false, PKT_KIND(skf_kind) },
};
/* clang-format on */

enum { F_LENGTH = 9 };

static uint32_t
message_end(const struct pkt_view *v)
{
        return pkt_load_be32(v->b + 24);
}

static bool
is_encrypted_v1(const uint8_t *h)
{
        return h[VERSION_AT] >> 4 == 1 && (h[FLAGS_AT] & FLAG_ENCRYPTED);
}

/* A notification's table by its SPI size, which follows the DOI in IKEv1's. */
static struct pkt_kind
notify_kind_of(bool v1, const uint8_t *body, uint32_t len)
{
        static const struct pkt_kind by_size[2][4] = {
                { PKT_KIND(notify_kind), PKT_KIND(notify4_kind), PKT_KIND(notify8_kind),
                  PKT_KIND(notify16_kind) },
                { PKT_KIND(notify1_kind), PKT_KIND(notify1_4_kind), PKT_KIND(notify1_8_kind),
                  PKT_KIND(notify1_16_kind) },
        };
        uint32_t head = v1 ? 8 : 4, spi = body[head - 3];
        unsigned i = spi == 4 ? 1 : spi == 8 ? 2 : spi == 16 ? 3 : 0;

        return i && head + spi <= len ? by_size[v1][i] : by_size[v1][0];
}

/* The body of a payload of @type, @len bytes at @body: its table, or NULL when it is too short for
 * its type's. */
static const struct pkt_field *
body_kind(unsigned type, const uint8_t *body, uint32_t len, uint16_t *ret_n)
{
        const struct pkt_form *f = pkt_form_of(forms, ARRAY_SIZE(forms), type, len);
        struct pkt_kind k = PKT_KIND(data_kind);

        if (f && (type == PAYLOAD_N_V1 || type == PAYLOAD_NOTIFY))
                k = notify_kind_of(type == PAYLOAD_N_V1, body, len);
        else if (f)
                k = f->kind;
        else if (pkt_form_of(forms, ARRAY_SIZE(forms), type, UINT32_MAX))
                k = (struct pkt_kind){ NULL, 0 };
        *ret_n = k.n;
        return k.fields;
}

/* The type of the payload at e->next: the header names the first, each payload the next. After
 * the previous element, e->off is still its start. */
static unsigned
next_type(const struct pkt_view *v, const struct pkt_elem *e)
{
        return v->b[e->count == 0 ? NEXT_PAYLOAD_AT : e->off];
}

/*
 * Payloads to the message's end, following the chain. A length below the generic header's, or past
 * the message (or the datagram, when the message claims more), is malformed and ends the walk; one
 * the capture cuts is truncated. A body too short for its type's fields is flagged PKT_ELEM_BAD_LEN
 * and its bytes stay "data".
 */
static int
payloads_next(const struct pkt_view *v, struct pkt_elem *e)
{
        if (e->count >= PAYLOADS_MAX || is_encrypted_v1(v->b))
                return 0;
        uint32_t end = message_end(v), pos = e->count == 0 ? ISAKMP_HDR_LEN : e->next;
        uint32_t room = MIN(end, v->wire_len); /* what the payloads may fill */
        unsigned type = next_type(v, e);

        if (type == 0 || pos >= end || pos >= v->caplen)
                return 0;
        e->off = pos;
        e->next = end;
        e->data_off = PAYLOAD_HDR_LEN;
        e->len = MIN(end, v->caplen) - pos;
        e->kind_fields = NULL;
        e->n_kind_fields = 0;
        if (pos >= room || room - pos < PAYLOAD_HDR_LEN || v->caplen - pos < PAYLOAD_HDR_LEN) {
                e->flags |= pos >= room || room - pos < PAYLOAD_HDR_LEN ? PKT_LAYER_MALFORMED
                                                                        : PKT_LAYER_TRUNCATED;
                return 1;
        }
        uint32_t len = pkt_load_be16(v->b + pos + 2);
        if (len < PAYLOAD_HDR_LEN || len > room - pos) {
                e->flags |= PKT_LAYER_MALFORMED;
                return 1;
        }
        if (len > v->caplen - pos) {
                e->flags |= PKT_LAYER_TRUNCATED;
                return 1;
        }
        e->len = len;
        e->next = pos + len;
        e->kind_fields =
                body_kind(type, v->b + pos + PAYLOAD_HDR_LEN, len - PAYLOAD_HDR_LEN, &e->n_kind_fields);
        if (!e->kind_fields)
                e->flags |= PKT_ELEM_BAD_LEN;
        /* The Encrypted payload is the last in the clear (RFC 7296 3.14). */
        if (type == PAYLOAD_SK || type == PAYLOAD_SKF)
                e->next = end;
        return 1;
}

/* ---- proposals and transforms: the substructures of SA payloads ---- */

/* clang-format off */
/* IKEv2's transform types (RFC 7296 3.3.2; RFC 9370's additional key exchanges). */
static const struct pkt_name transform_type_names[] = {
        { 1, "ENCR" }, { 2, "PRF" }, { 3, "INTEG" }, { 4, "DH" }, { 5, "ESN" },
        { 6, "ADDKE1" }, { 7, "ADDKE2" }, { 8, "ADDKE3" }, { 9, "ADDKE4" }, { 10, "ADDKE5" }, { 11, "ADDKE6" },
        { 12, "ADDKE7" }, { 0, NULL },
};

/* Both versions: "last" is 0 for the last substructure, else 2 (IKEv2) or the next one's type, a
 * proposal (2) or a transform (3) (IKEv1); the same byte. */
#define SUBSTRUCT_HEAD PKT_U("last", 0, 8), PKT_U("reserved", 8, 8), PKT_U("length", 16, 16)
static const struct pkt_field proposal_fields[] = {
        SUBSTRUCT_HEAD, PKT_U("proposal_num", 32, 8), PROTOCOL(40), PKT_U("spi_size", 48, 8),
        PKT_U("num_transforms", 56, 8), { .name = "spi", .off = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field transform_fields[] = {
        SUBSTRUCT_HEAD,
        { .name = "transform_type", .off = 32, .bits = 8, .type = PKT_FT_ENUM, .names = transform_type_names },
        PKT_U("reserved2", 40, 8), PKT_U("transform_id", 48, 16), { .name = "attributes", .off = 64, .type = PKT_FT_BYTES },
};
static const struct pkt_field transform1_fields[] = {
        SUBSTRUCT_HEAD, PKT_U("transform_num", 32, 8), PKT_U("transform_id", 40, 8), PKT_U("reserved2", 48, 16),
        { .name = "attributes", .off = 64, .type = PKT_FT_BYTES },
};
/* clang-format on */

enum {
        SUBSTRUCT_HDR_LEN = 8,
        SA_V1 = 1,
        SA_V2 = 33,
        SA_V1_HEAD = 8, /* an IKEv1 SA's DOI and situation, before its proposals */
        /* Proposals and transforms a walk looks at: more than a peer offers (strongSwan's default
         * proposals have a few dozen transforms), and each step walks from the start, so few. */
        SUBSTRUCTS_MAX = 256,
        SET_PAYLOADS = 0,
        SET_PROPOSALS,
        SET_TRANSFORMS,
};

/* Produces in @e the substructure at @pos, @len bytes, whose region ends at @end: a length below a
 * substructure's header, or past the region, is malformed and ends the walk. Returns true when it
 * may go on. */
static bool
substruct_at(uint32_t pos, uint32_t end, const uint8_t *b, struct pkt_elem *e)
{
        uint32_t len = pkt_load_be16(b + pos + 2);

        e->off = pos;
        e->data_off = 0;
        if (len < SUBSTRUCT_HDR_LEN || len > end - pos) {
                e->len = end - pos;
                e->next = end;
                e->flags |= PKT_LAYER_MALFORMED;
                return false;
        }
        e->len = len;
        e->next = pos + len;
        return true;
}

/*
 * The next proposal (@depth 1) or transform (@depth 2) at or after @e->next, walking the SA
 * payloads of the message from the start, as pkt_entries_next() walks TLVs; bounded by the counts.
 * A proposal is its header and SPI, the transforms after them are the transforms' set. Only whole
 * SA payloads are walked: a cut one is the payloads' set's to flag.
 */
static int
substructs_next(const struct pkt_view *v, struct pkt_elem *e, unsigned depth)
{
        struct pkt_elem p = PKT_ELEM_INIT;
        uint32_t target = e->count == 0 ? 0 : e->next;
        unsigned link = v->b[NEXT_PAYLOAD_AT], seen = 0;
        bool v1 = v->b[VERSION_AT] >> 4 == 1;

        if (e->count >= SUBSTRUCTS_MAX)
                return 0;
        while (payloads_next(v, &p) == 1) {
                unsigned type = link;
                link = v->b[p.off];
                p.count++;
                if (p.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                        return 0;
                if ((type != SA_V1 && type != SA_V2) || (type == SA_V1) != v1)
                        continue;
                uint32_t pos = p.off + PAYLOAD_HDR_LEN + (type == SA_V1 ? SA_V1_HEAD : 0);
                uint32_t end = p.off + p.len;
                while (pos + SUBSTRUCT_HDR_LEN <= end && seen++ < SUBSTRUCTS_MAX) {
                        struct pkt_elem s = { .set = e->set };
                        bool whole = substruct_at(pos, end, v->b, &s);
                        if (depth == 1 && pos >= target) {
                                if (whole)
                                        s.len = MIN(s.len, (uint32_t)SUBSTRUCT_HDR_LEN + v->b[pos + 6]);
                                *e = (struct pkt_elem){ .off = s.off, .len = s.len, .flags = s.flags,
                                                        .set = e->set, .next = s.next, .count = e->count };
                                return 1;
                        }
                        if (!whole)
                                return 0;
                        uint32_t t = pos + SUBSTRUCT_HDR_LEN + v->b[pos + 6], t_end = s.next;
                        while (depth == 2 && t + SUBSTRUCT_HDR_LEN <= t_end && seen++ < SUBSTRUCTS_MAX) {
                                struct pkt_elem x = { .set = e->set };
                                bool ok = substruct_at(t, t_end, v->b, &x);
                                if (t >= target) {
                                        x.count = e->count;
                                        struct pkt_kind k = v1 ? PKT_KIND(transform1_fields)
                                                               : PKT_KIND(transform_fields);
                                        x.kind_fields = k.fields;
                                        x.n_kind_fields = k.n;
                                        *e = x;
                                        return 1;
                                }
                                if (!ok)
                                        return 0;
                                t = x.next;
                        }
                        pos = s.next;
                }
        }
        return 0;
}

static int
proposals_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return substructs_next(v, e, 1);
}

static int
transforms_next(const struct pkt_view *v, struct pkt_elem *e)
{
        return substructs_next(v, e, 2);
}

static const struct pkt_elem_set isakmp_elems[] = {
        [SET_PAYLOADS] = { .name = "payloads",
                           .elem_name = "payload",
                           .next = payloads_next,
                           .fields = payload_fields,
                           .n_fields = ARRAY_SIZE(payload_fields) },
        [SET_PROPOSALS] = { .name = "proposals",
                            .elem_name = "proposal",
                            .next = proposals_next,
                            .fields = proposal_fields,
                            .n_fields = ARRAY_SIZE(proposal_fields),
                            .flags = PKT_ES_LISTED },
        /* IKEv1's transforms number themselves and have a one-byte ID: each version's table is
         * the kind's. */
        [SET_TRANSFORMS] = { .name = "transforms",
                             .elem_name = "transform",
                             .next = transforms_next,
                             .flags = PKT_ES_LISTED },
};

/* Where the chain of payloads ends: after the last one, which must end the message; a chain that
 * ends early leaves bytes nobody claims. */
static uint32_t
chain_end(const struct pkt_view *v, uint16_t *flags)
{
        struct pkt_elem e = PKT_ELEM_INIT;
        uint32_t at = ISAKMP_HDR_LEN;

        while (payloads_next(v, &e) == 1) {
                e.count++;
                *flags |= e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED);
                if (e.flags & PKT_ELEM_BAD_LEN)
                        *flags |= PKT_LAYER_MALFORMED;
                if (e.flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                        return message_end(v);
                at = e.next;
        }
        return at;
}

/*
 * The message is the header, to its length, unless IKEv1 encrypted it: then the header is 28 bytes
 * and the rest its payload. A length below the header's, or past the datagram, is malformed, and so
 * is a chain that ends before the message does. Bytes after the message are the carrier's.
 */
static void
isakmp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t end = message_end(v);

        d->flags |= PKT_DISSECT_ENDS_HERE;
        if (end < ISAKMP_HDR_LEN || end > v->wire_len) {
                d->flags |= PKT_LAYER_MALFORMED;
                end = end < ISAKMP_HDR_LEN ? ISAKMP_HDR_LEN : v->wire_len;
        }
        if (is_encrypted_v1(v->b)) {
                d->hdr_len = ISAKMP_HDR_LEN;
                d->payload_len = end - ISAKMP_HDR_LEN;
                return;
        }
        d->hdr_len = end;
        d->payload_len = 0;
        if (end > v->caplen)
                return;
        uint16_t flags = 0;
        if (chain_end(v, &flags) != end)
                flags |= PKT_LAYER_MALFORMED;
        d->flags |= flags & PKT_LAYER_MALFORMED;
        if (!(d->flags & PKT_LAYER_MALFORMED))
                d->flags |= pkt_elems_damage(v, proposals_next) | pkt_elems_damage(v, transforms_next);
}

/* The length: the header and payloads, and an IKEv1 message's encrypted bytes. */
static int
isakmp_update(struct pkt *p, unsigned idx)
{
        if (!pkt_is_rebuilt(p))
                return 0;
        return pkt_auto_set(p, idx, F_LENGTH, p->layers[idx].wire_len);
}

/* The offset of the chain's last link in a message of @hdr_len header bytes: the last payload's
 * next payload, or the header's when there is no payload. */
static uint32_t
last_link(const uint8_t *h, uint32_t hdr_len)
{
        uint32_t link = NEXT_PAYLOAD_AT, pos = ISAKMP_HDR_LEN;

        for (unsigned i = 0; i < PAYLOADS_MAX && pos + PAYLOAD_HDR_LEN <= hdr_len; i++) {
                uint32_t len = pkt_load_be16(h + pos + 2);
                if (len < PAYLOAD_HDR_LEN)
                        break;
                link = pos;
                pos += len;
        }
        return link;
}

/* The link a payload added by its type goes into, and that type, handed from elem_build to
 * elem_added (same thread, one call after the other inside pkt_elem_add()); type -1: the chain
 * already names the payload. */
static _Thread_local struct {
        int type;
        uint32_t link;
} isakmp_added = { -1, 0 };

/* Why 12: more arguments than a payload has fields, with its generic header's. */
#define ISAKMP_ARGS_MAX 12

/* The body's table for a payload of @type built from @body (@n): a notification's by its SPI
 * size. */
static struct pkt_kind
build_kind(unsigned type, const struct pkt_spec_arg *body, int n)
{
        if (type == PAYLOAD_N_V1 || type == PAYLOAD_NOTIFY) {
                int spi_size = pkt_spec_named(body, n, "spi_size", NULL, UINT8_MAX, 0);
                uint8_t sized[8 + 16] = { 0 };
                sized[type == PAYLOAD_N_V1 ? 5 : 1] = (uint8_t)(spi_size < 0 ? 0 : spi_size);
                return notify_kind_of(type == PAYLOAD_N_V1, sized, sizeof(sized));
        }
        const struct pkt_form *f = pkt_form_for_args(forms, ARRAY_SIZE(forms), type, body, n);
        return f ? f->kind : PKT_KIND(data_kind);
}

/* A notification given an SPI and no SPI size says the SPI's size. Returns the new number of
 * arguments in @body (room for ISAKMP_ARGS_MAX), or -E2BIG. */
static int
spi_size_follows(unsigned type, struct pkt_spec_arg *body, int n)
{
        const char *spi = pkt_spec_arg(body, n, "spi", -1);

        if ((type != PAYLOAD_N_V1 && type != PAYLOAD_NOTIFY) || !spi || pkt_spec_arg(body, n, "spi_size", -1))
                return n;
        if (n >= ISAKMP_ARGS_MAX)
                return -E2BIG;
        snprintf(body[n].key, sizeof(body[n].key), "spi_size");
        size_t digits = 0;
        if (spi[0] == '0' && (spi[1] == 'x' || spi[1] == 'X'))
                spi += 2;
        for (; *spi; spi++)
                digits += isxdigit((unsigned char)*spi) != 0;
        snprintf(body[n].short_value, sizeof(body[n].short_value), "%zu", digits / 2);
        body[n].value = body[n].short_value;
        return n + 1;
}

/*
 * A payload from "TYPE(field=value,...)" or "payload(type=N,...)", which links itself into the
 * chain, or "payload(next_payload=N,...)" as the JSON form writes it, whose type the chain already
 * names. The generic header's length is computed unless given; its next payload is 0 unless given.
 */
static int
isakmp_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                  uint8_t *out, size_t size, uint32_t *ret_at)
{
        static const char *const header_keys[] = { "next_payload", "critical", "reserved", "length", NULL };
        struct pkt_spec_arg args[ISAKMP_ARGS_MAX], fields[ISAKMP_ARGS_MAX], body[ISAKMP_ARGS_MAX];
        char name[32];
        uint32_t type;
        int n, m;

        *ret_at = hdr_len;
        isakmp_added.type = -1;
        (void)set; /* the payloads: proposals and transforms are listed from inside SA payloads */
        if (hdr_len < ISAKMP_HDR_LEN || size < PAYLOAD_HDR_LEN)
                return hdr_len < ISAKMP_HDR_LEN ? -EINVAL : -EMSGSIZE;
        n = pkt_spec_split(text, name, sizeof(name), args, ISAKMP_ARGS_MAX);
        if (n < 0)
                return n;
        uint32_t link = last_link(v->b, hdr_len);
        bool by_chain = strcmp(name, "payload") == 0 && !pkt_spec_arg(args, n, "type", -1);
        if (by_chain) {
                type = v->b[link];
                m = pkt_spec_args_without(args, n, (const char *const[]){ "type", NULL }, fields);
        } else if ((m = pkt_form_split(text, "payload", payload_names, UINT8_MAX, &type, args, &n, fields,
                                       ISAKMP_ARGS_MAX)) < 0) {
                return m;
        }
        int nb = pkt_spec_args_without(fields, m, header_keys, body);
        if ((nb = spi_size_follows(type, body, nb)) < 0)
                return nb;
        struct pkt_kind k = build_kind(type, body, nb);
        int r = pkt_spec_encode(k.fields, k.n, body, nb, out + PAYLOAD_HDR_LEN, size - PAYLOAD_HDR_LEN);
        if (r < 0)
                return r;
        int next = pkt_spec_named(fields, m, "next_payload", payload_names, UINT8_MAX, 0);
        int critical = pkt_spec_named(fields, m, "critical", NULL, 1, 0);
        int reserved = pkt_spec_named(fields, m, "reserved", NULL, 0x7f, 0);
        int len = pkt_spec_named(fields, m, "length", NULL, UINT16_MAX, PAYLOAD_HDR_LEN + r);
        if (next < 0 || critical < 0 || reserved < 0 || len < 0)
                return -EINVAL;
        out[0] = (uint8_t)next;
        out[1] = (uint8_t)(critical << 7 | reserved);
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        if (!by_chain) {
                isakmp_added.type = (int)type;
                isakmp_added.link = link;
        }
        return PAYLOAD_HDR_LEN + r;
}

/* Links a payload added by its type into the chain, and keeps the length up to date (the walks
 * read it). */
static int
isakmp_elem_added(struct pkt *p, unsigned idx, unsigned set)
{
        uint8_t *h = pkt_layer_bytes_mut(p, idx);

        (void)set;
        if (isakmp_added.type >= 0)
                h[isakmp_added.link] = (uint8_t)isakmp_added.type;
        isakmp_added.type = -1;
        p->layers[idx].flags |= PKT_LAYER_DIRTY;
        return pkt_auto_set(p, idx, F_LENGTH, p->layers[idx].wire_len);
}

/* A response answers the request of the same exchange: the initiator's SPI (cookie), the message
 * ID and the exchange type; IKEv2 says which is the response (the R flag, RFC 7296 3.1), IKEv1 does
 * not, so there any other message of the exchange does. */
static bool
isakmp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        if (!a || !b || a->len < ISAKMP_HDR_LEN || b->len < ISAKMP_HDR_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        if (memcmp(q, r, 8) != 0 || memcmp(q + 20, r + 20, 4) != 0 || q[18] != r[18] || q[VERSION_AT] != r[VERSION_AT])
                return false;
        if (q[VERSION_AT] >> 4 >= 2)
                return !(q[FLAGS_AT] & FLAG_RESPONSE) && (r[FLAGS_AT] & FLAG_RESPONSE);
        return true;
}

static const struct pkt_key isakmp_carriers[] = {
        { PKT_KEY_UDP_PORT, ISAKMP_PORT },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_isakmp = {
        .name = "isakmp",
        .summary = "ISAKMP, IKEv1 and IKEv2: IPsec's key exchange (RFC 2408, RFC 7296)",
        .id = PKT_PROTO_ISAKMP,
        .min_hdr_len = ISAKMP_HDR_LEN,
        .fields = isakmp_fields,
        .n_fields = ARRAY_SIZE(isakmp_fields),
        .elems = isakmp_elems,
        .n_elems = ARRAY_SIZE(isakmp_elems),
        .carriers = isakmp_carriers,
        .dissect = isakmp_dissect,
        .update = isakmp_update,
        .answers = isakmp_answers,
        .elem_build = isakmp_elem_build,
        .elem_added = isakmp_elem_added,
        .not_dissected =
                "Proposals, transforms, traffic selectors and configuration attributes are bytes; "
                "encrypted payloads (IKEv2's SK and SKF, IKEv1's after E) stay encrypted.",
};
