/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAP over LANs (IEEE 802.1X-2020 11.3): port-based access control on Ethernet and 802.11, and the
 * EAPOL-Key frames of Wi-Fi's 4-way and group key handshakes (IEEE 802.11-2020 12.7.2).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    version    |     type      |              len              |   eapol
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  EAP-Packet: an EAP packet (eap.c)                            |
 *  |  Key, RSN or WPA descriptor: key information, counters,       |   eapolkey, then
 *  |    nonce, IV, RSC, MIC, key data length; the key data         |   eapolkeydata or raw
 *  |  Key, RC4 descriptor (802.1X-2001): key, signature            |   eapolrc4key
 *
 * The length ends the frame: what follows it is the carrier's padding. Names are scapy's (EAPOL,
 * and EAPOL_KEY of scapy 2.6; pypacker has neither).
 *
 * The MIC is 16 bytes for most AKMs, 24 for the 192-bit suite and FT over SAE with larger groups,
 * none for FILS (802.11-2020 12.7.3). The frame does not say which: tshark learns it from the
 * association the frames follow. A frame alone is read with the MIC length that makes the key data
 * length end the frame, 16 when several do.
 */
#include "ieee80211.h"

enum { EAPOL_HDR_LEN = 4 };
enum { TYPE_EAP = 0, TYPE_START, TYPE_LOGOFF, TYPE_KEY };
enum { DESC_RC4 = 1, DESC_RSN = 2, DESC_WPA = 254 };
enum { EAPOL_F_VERSION, EAPOL_F_TYPE, EAPOL_F_LEN };

/* The key descriptor's fixed part: type, information, key length, replay counter, nonce, IV, RSC
 * and ID (77 bytes), then the MIC and the 2-byte key data length. */
#define KEY_FIXED_LEN   77u
#define KEY_DATA_LEN_SZ 2u
#define KEY_INFO_PAIRWISE  0x0008u
#define KEY_INFO_ENCRYPTED 0x1000u
enum { KEY_F_DATA_LENGTH = 21 }; /* the index of key_data_length in key_fields */

/* clang-format off */
static const struct pkt_name version_names[] = {
        { 1, "802.1X-2001" }, { 2, "802.1X-2004" }, { 3, "802.1X-2010" }, { 0, NULL },
};
static const struct pkt_name type_names[] = {
        { TYPE_EAP, "EAP-Packet" }, { TYPE_START, "EAPOL-Start" }, { TYPE_LOGOFF, "EAPOL-Logoff" },
        { TYPE_KEY, "EAPOL-Key" }, { 4, "EAPOL-Encapsulated-ASF-Alert" }, { 5, "EAPOL-MKA" },
        { 6, "EAPOL-Announcement-Generic" }, { 7, "EAPOL-Announcement-Specific" },
        { 8, "EAPOL-Announcement-Req" }, { 0, NULL },
};
static const struct pkt_name descriptor_names[] = {
        { DESC_RC4, "RC4" }, { DESC_RSN, "RSN" }, { DESC_WPA, "WPA" }, { 0, NULL },
};
static const struct pkt_name keydes_version_names[] = {
        { 0, "AKM-defined" }, { 1, "RC4-HMAC-MD5" }, { 2, "AES-HMAC-SHA1" }, { 3, "AES-128-CMAC" },
        { 0, NULL },
};

static const struct pkt_field eapol_fields[] = {
        { .name = "version", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .names = version_names, .def = 1 },
        { .name = "type",    .off = 8,  .bits = 8,  .type = PKT_FT_ENUM, .names = type_names },
        { .name = "len",     .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};

/* Key information (802.11-2020 Figure 12-33), most significant bit first. */
static const struct pkt_field key_fields[] = {
        { .name = "key_descriptor_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = descriptor_names, .def = DESC_RSN },
        { .name = "key_info",           .off = 8,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "reserved",           .off = 8,  .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "smk_message",        .off = 10, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "encrypted_key_data", .off = 11, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "request",            .off = 12, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "error",              .off = 13, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "secure",             .off = 14, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "has_key_mic",        .off = 15, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "key_ack",            .off = 16, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "install",            .off = 17, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "key_index",          .off = 18, .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "key_type",           .off = 20, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "key_descriptor_type_version", .off = 21, .bits = 3, .type = PKT_FT_ENUM, .flags = PKT_FF_PART, .names = keydes_version_names },
        { .name = "key_length",         .off = 24,  .bits = 16,  .type = PKT_FT_UINT },
        { .name = "key_replay_counter", .off = 40,  .bits = 64,  .type = PKT_FT_UINT },
        { .name = "key_nonce",          .off = 104, .bits = 256, .type = PKT_FT_BYTES },
        { .name = "key_iv",             .off = 360, .bits = 128, .type = PKT_FT_BYTES },
        { .name = "key_rsc",            .off = 488, .bits = 64,  .type = PKT_FT_BYTES },
        { .name = "key_id",             .off = 552, .bits = 64,  .type = PKT_FT_BYTES },
        { .name = "key_mic",            .off = 616, .bits = 0,   .type = PKT_FT_BYTES, .tail = KEY_DATA_LEN_SZ },
        { .name = "key_data_length",    .off = PKT_OFF_FOLLOW, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO },
};
_Static_assert(KEY_F_DATA_LENGTH == ARRAY_SIZE(key_fields) - 1, "key_data_length is the last field");

/* The RC4 descriptor (802.1X-2001 7.6): what dynamic WEP keys came in. */
static const struct pkt_field rc4_key_fields[] = {
        { .name = "key_descriptor_type", .off = 0, .bits = 8, .type = PKT_FT_ENUM, .names = descriptor_names, .def = DESC_RC4 },
        { .name = "key_length",    .off = 8,   .bits = 16,  .type = PKT_FT_UINT },
        { .name = "key_replay_counter", .off = 24, .bits = 64, .type = PKT_FT_UINT },
        { .name = "key_iv",        .off = 88,  .bits = 128, .type = PKT_FT_BYTES },
        { .name = "key_index",     .off = 216, .bits = 8,   .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "unicast",       .off = 216, .bits = 1,   .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "index",         .off = 217, .bits = 7,   .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "key_signature", .off = 224, .bits = 128, .type = PKT_FT_BYTES },
        { .name = "key",           .off = 352, .bits = 0,   .type = PKT_FT_BYTES },
};
/* clang-format on */
#define RC4_KEY_FIXED_LEN 44u

/* The layer that reads a Key frame's body: by its descriptor type. */
static unsigned
key_proto_of(uint8_t descriptor)
{
        return descriptor == DESC_RC4                             ? PKT_PROTO_EAPOL_RC4_KEY
               : descriptor == DESC_RSN || descriptor == DESC_WPA ? PKT_PROTO_EAPOL_KEY
                                                                  : PKT_PROTO_NONE;
}

static void
eapol_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t len = pkt_load_be16(v->b + 2);
        uint8_t descriptor;

        d->flags |= PKT_DISSECT_ENDS_HERE;
        d->payload_len = len;
        if (EAPOL_HDR_LEN + len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED;
        if (len == 0)
                return;
        if (v->b[1] == TYPE_EAP)
                d->next = PKT_PROTO_EAP;
        else if (v->b[1] == TYPE_KEY && pkt_rd_u8(v, EAPOL_HDR_LEN, &descriptor))
                d->next = (uint16_t)key_proto_of(descriptor);
}

/* The type follows the body (EAP or a key descriptor) unless it was set; the length is the body's. */
static int
eapol_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        int r = 0;

        if (up == PKT_PROTO_EAP)
                r = pkt_auto_set(p, idx, EAPOL_F_TYPE, TYPE_EAP);
        else if (up == PKT_PROTO_EAPOL_KEY || up == PKT_PROTO_EAPOL_RC4_KEY)
                r = pkt_auto_set(p, idx, EAPOL_F_TYPE, TYPE_KEY);
        if (r < 0 || !pkt_is_rebuilt(p))
                return r;
        uint32_t len = up != PKT_PROTO_NONE ? p->layers[idx + 1].wire_len : l->wire_len - l->hdr_len;
        return pkt_auto_set(p, idx, EAPOL_F_LEN, MIN(len, 0xffffu));
}

/* The authenticator answers an EAPOL-Start with an EAP Request (IEEE 802.1X-2020 8.4, 12.5); other
 * frames answer frames of their own type, by what they carry (eap and eapolkey compare that). */
static bool
eapol_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        enum { EAP_REQUEST = 1 };
        const struct pkt_layer *b = &rep->layers[pi];
        const uint8_t *q = req->data + req->layers[ri].off, *r = rep->data + b->off;

        if (q[1] == TYPE_START)
                return r[1] == TYPE_EAP && b->len > EAPOL_HDR_LEN && r[EAPOL_HDR_LEN] == EAP_REQUEST;
        return q[1] == r[1];
}

static const struct pkt_key eapol_carriers[] = {
        { PKT_KEY_ETHERTYPE, 0x888e },
        { PKT_KEY_ETHERTYPE, 0x88c7 }, /* RSN pre-authentication (802.11-2020 12.6.10.2) */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_eapol = {
        .name = "eapol",
        .summary = "EAP over LANs (IEEE 802.1X): port access control and Wi-Fi key handshakes",
        .id = PKT_PROTO_EAPOL,
        .min_hdr_len = EAPOL_HDR_LEN,
        .fields = eapol_fields,
        .n_fields = ARRAY_SIZE(eapol_fields),
        .carriers = eapol_carriers,
        .dissect = eapol_dissect,
        .update = eapol_update,
        .answers = eapol_answers,
        .not_dissected = "MKA (MACsec key agreement) and announcement bodies stay raw",
};

/* ---- the RSN and WPA key descriptor ---- */

/* The MIC length that makes the key data length end the frame (see the top), 16 when none does. */
static uint32_t
key_mic_len(const struct pkt_view *v)
{
        static const uint8_t candidates[] = { 16, 24, 0, 32 };

        for (unsigned i = 0; i < ARRAY_SIZE(candidates); i++) {
                uint32_t at = KEY_FIXED_LEN + candidates[i];
                uint16_t data_len;
                if (pkt_rd_be16(v, at, &data_len) && at + KEY_DATA_LEN_SZ + data_len == v->wire_len)
                        return candidates[i];
        }
        return 16;
}

/* Key data is elements (RSN element, KDEs) unless it is encrypted: RSN says so in the key
 * information, and WPA encrypts what a group key frame carries (802.11i-2004 8.5.2). */
static bool
key_data_is_plain(uint16_t info)
{
        return !(info & KEY_INFO_ENCRYPTED) && (info & KEY_INFO_PAIRWISE);
}

static void
key_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t hdr_len = KEY_FIXED_LEN + key_mic_len(v) + KEY_DATA_LEN_SZ;
        uint16_t data_len;

        d->hdr_len = hdr_len;
        if (!pkt_rd_be16(v, hdr_len - KEY_DATA_LEN_SZ, &data_len))
                return;
        d->payload_len = data_len;
        if (hdr_len + data_len > v->wire_len)
                d->flags |= PKT_LAYER_MALFORMED; /* no MIC length makes it fit */
        if (data_len > 0 && key_data_is_plain(pkt_load_be16(v->b + 1)))
                d->next = PKT_PROTO_EAPOL_KEY_DATA;
}

static int
key_update(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        if (!pkt_is_rebuilt(p))
                return 0;
        return pkt_auto_set(p, idx, KEY_F_DATA_LENGTH, MIN(l->len - l->hdr_len, 0xffffu));
}

/* Messages 2 and 4 of the 4-way handshake, and 2 of the group key handshake, answer the
 * authenticator's message with its replay counter (802.11-2020 12.7.6): a frame without the ACK bit
 * answers one with it. */
static bool
key_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);
        enum { ACK_BYTE = 2, ACK_BIT = 0x80, COUNTER_AT = 5, COUNTER_LEN = 8 };

        if (!a || !b || a->hdr_len < KEY_FIXED_LEN || b->hdr_len < KEY_FIXED_LEN)
                return false;
        const uint8_t *q = req->data + a->off, *r = rep->data + b->off;
        return (q[ACK_BYTE] & ACK_BIT) && !(r[ACK_BYTE] & ACK_BIT) &&
               memcmp(q + COUNTER_AT, r + COUNTER_AT, COUNTER_LEN) == 0;
}

const struct pkt_proto pkt_proto_eapolkey = {
        .name = "eapolkey",
        .summary = "EAPOL-Key frame, RSN or WPA descriptor (IEEE 802.11-2020 12.7.2): the 4-way and group key handshakes",
        .id = PKT_PROTO_EAPOL_KEY,
        .min_hdr_len = KEY_FIXED_LEN + KEY_DATA_LEN_SZ,
        .def_hdr_len = KEY_FIXED_LEN + 16 + KEY_DATA_LEN_SZ,
        .fields = key_fields,
        .n_fields = ARRAY_SIZE(key_fields),
        .dissect = key_dissect,
        .update = key_update,
        .answers = key_answers,
        .not_dissected = "Encrypted key data stays raw (no keys to decrypt it with)",
};

/* ---- key data: elements and KDEs ---- */

static void
key_data_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = v->wire_len;
        d->payload_len = 0;
        if (v->wire_len <= v->caplen)
                d->flags |= pkt_elems_damage(v, wlan_ie_elems[0].next);
}

const struct pkt_proto pkt_proto_eapolkeydata = {
        .name = "eapolkeydata",
        .summary = "EAPOL-Key key data in the clear: 802.11 elements and KDEs (RSN element, PMKID, ...)",
        .id = PKT_PROTO_EAPOL_KEY_DATA,
        .min_hdr_len = 0,
        .elems = wlan_ie_elems,
        .n_elems = ARRAY_SIZE(wlan_ie_elems),
        .dissect = key_data_dissect,
        .elem_build = wlan_ie_elem_build,
};

/* ---- the RC4 key descriptor ---- */

/* The header is the whole body: the key, when there is one, follows the signature. */
static void
rc4_key_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(v->wire_len, RC4_KEY_FIXED_LEN);
        d->payload_len = 0;
}

const struct pkt_proto pkt_proto_eapolrc4key = {
        .name = "eapolrc4key",
        .summary = "EAPOL-Key frame, RC4 descriptor (IEEE 802.1X-2001 7.6): dynamic WEP keys",
        .id = PKT_PROTO_EAPOL_RC4_KEY,
        .min_hdr_len = RC4_KEY_FIXED_LEN,
        .fields = rc4_key_fields,
        .n_fields = ARRAY_SIZE(rc4_key_fields),
        .dissect = rc4_key_dissect,
};
