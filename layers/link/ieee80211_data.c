/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.11 data frames (IEEE 802.11-2020 9.3.2) and the headers in front of protected payloads:
 * WEP (12.3.2), TKIP (12.5.2.2) and CCMP (12.5.3.2).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            addr1, addr2, addr3 (6 bytes each) ...             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... addr3                    |  seq_frag (LE: seq << 4|frag) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  addr4 (to DS and from DS both set: WDS / mesh)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  qos_ctrl (QoS subtypes, LE)  |  htc (QoS with the order bit) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  body: LLC/SNAP, or a WEP/TKIP/CCMP header and ciphertext     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Which fields a data frame has depends on frame control, in the ieee80211 layer below. pypacker's
 * Dataframe switches its optional fields (addr4, qos_ctrl) on and off; fields here have fixed
 * positions and exist only inside the header, so there are two descriptors, both called
 * "dataframe": the 3-address form (qos_ctrl and htc at byte 20) and the 4-address form (addr4 at
 * byte 20, qos_ctrl at 26), and the dissect hook sizes the header from the frame control bytes: a
 * field past the header end does not exist in that frame. Building: the 3-address form is
 * "dataframe", the 4-address one "dataframe4"; the header starts with room for QoS control, and the
 * update hook sizes it to what frame control says (as llc.c does for SNAP).
 *
 * The body of a protected frame stays raw after its WEP/TKIP/CCMP header; a null-function frame has
 * none; an A-MSDU (QoS control bit 7) holds subframes, raw here; anything else is LLC.
 */
#include <string.h>

#include "ieee80211.h"

#define DATA_HDR_LEN   20
#define DATA4_HDR_LEN  26
#define QOS_LEN        2
#define QOS_AMSDU      0x80
#define WEP_HDR_LEN    4
#define EXTIV_HDR_LEN  8
#define KEYID_EXTIV    0x20 /* key id octet: an extended IV follows (TKIP, CCMP) */

/* clang-format off */
static const struct pkt_field data_fields[] = {
        { .name = "addr1",    .off = 0,   .bits = 48, .type = PKT_FT_MAC },
        { .name = "addr2",    .off = 48,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "addr3",    .off = 96,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "seq_frag", .off = 144, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "qos_ctrl", .off = 160, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "htc",      .off = 176, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};

static const struct pkt_field data4_fields[] = {
        { .name = "addr1",    .off = 0,   .bits = 48, .type = PKT_FT_MAC },
        { .name = "addr2",    .off = 48,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "addr3",    .off = 96,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "seq_frag", .off = 144, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "addr4",    .off = 160, .bits = 48, .type = PKT_FT_MAC },
        { .name = "qos_ctrl", .off = 208, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "htc",      .off = 224, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};

static const struct pkt_field wep_fields[] = {
        { .name = "iv",    .off = 0,  .bits = 24, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "keyid", .off = 24, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field tkip_fields[] = {
        { .name = "tsc1",    .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "wepseed", .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "tsc0",    .off = 16, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "keyid",   .off = 24, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = KEYID_EXTIV },
        { .name = "tsc_hi",  .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};

static const struct pkt_field ccmp_fields[] = {
        { .name = "pn0",   .off = 0,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "pn1",   .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "rsvd",  .off = 16, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
        { .name = "keyid", .off = 24, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = KEYID_EXTIV },
        { .name = "pn_hi", .off = 32, .bits = 32, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
/* clang-format on */

/*
 * WEP has a 4-byte IV; TKIP and CCMP set the ExtIV bit and have 8 bytes. TKIP's second byte is
 * derived from the first (WEPSeed = (TSC1 | 0x20) & 0x7f, 12.5.2.2), which tells it from CCMP.
 */
unsigned
wlan_crypto_proto(const struct pkt_view *v, uint32_t at)
{
        uint8_t b0, b1, keyid;

        if (!pkt_rd_u8(v, at + 3, &keyid) || !(keyid & KEYID_EXTIV))
                return PKT_PROTO_IEEE80211_WEP;
        if (pkt_rd_u8(v, at, &b0) && pkt_rd_u8(v, at + 1, &b1) && b1 == ((b0 | 0x20) & 0x7f))
                return PKT_PROTO_IEEE80211_TKIP;
        return PKT_PROTO_IEEE80211_CCMP;
}

/* Header bytes frame control calls for: addresses, QoS control, HT control. */
static uint32_t
data_hdr_len(unsigned proto, uint8_t fc0, uint8_t fc1)
{
        uint32_t len = proto == PKT_PROTO_IEEE80211_DATA_WDS ? DATA4_HDR_LEN : DATA_HDR_LEN;
        uint8_t subtype = fc0 >> 4;

        if (subtype & WLAN_QOS_SUBTYPE) {
                len += QOS_LEN;
                if (fc1 & WLAN_FL_ORDER)
                        len += WLAN_HTC_LEN;
        }
        return len;
}

static void
data_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t fc0 = WLAN_TYPE_DATA << 2, fc1 = 0, qos = 0;

        (void)wlan_fc_below(v, &fc0, &fc1); /* parsed on its own: a plain data frame */
        d->hdr_len = data_hdr_len(v->proto, fc0, fc1);
        if ((fc0 >> 4) & WLAN_NULL_SUBTYPE) {
                d->payload_len = 0; /* null function: no body */
                return;
        }
        if (fc1 & WLAN_FL_PROTECTED) {
                d->next = (uint16_t)wlan_crypto_proto(v, d->hdr_len);
                return;
        }
        if ((fc0 >> 4) & WLAN_QOS_SUBTYPE) {
                bool wds = v->proto == PKT_PROTO_IEEE80211_DATA_WDS;
                uint32_t at = wds ? DATA4_HDR_LEN : DATA_HDR_LEN;
                if (pkt_rd_u8(v, at, &qos) && (qos & QOS_AMSDU))
                        return; /* A-MSDU subframes: raw */
        }
        d->next = PKT_PROTO_LLC;
}

/* Sizes the header to what frame control now says (new bytes are zero). */
static int
data_update(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[QOS_LEN + WLAN_HTC_LEN];
        const struct pkt_layer *l = &p->layers[idx];
        uint32_t have = l->hdr_len, want;
        const uint8_t *fc;

        if (idx == 0 || p->layers[idx - 1].proto != PKT_PROTO_IEEE80211)
                return 0;
        fc = p->data + p->layers[idx - 1].off;
        want = data_hdr_len(l->proto, fc[0], fc[1]);
        if (want > have && want - have <= sizeof(zeros))
                return pkt_layer_splice(p, idx, have, 0, zeros, want - have);
        if (want < have && have - want <= sizeof(zeros))
                return pkt_layer_splice(p, idx, want, have - want, NULL, 0);
        return 0;
}

static void
data_reverse(uint8_t *h, size_t len)
{
        uint8_t tmp[WLAN_ADDR_LEN];

        if (len < 2 * WLAN_ADDR_LEN)
                return;
        memcpy(tmp, h, WLAN_ADDR_LEN);
        memcpy(h, h + WLAN_ADDR_LEN, WLAN_ADDR_LEN);
        memcpy(h + WLAN_ADDR_LEN, tmp, WLAN_ADDR_LEN);
}

const struct pkt_proto pkt_proto_ieee80211_data = {
        .name = "dataframe",
        .summary = "802.11 data frame, 3 addresses (IEEE 802.11-2020 9.3.2.1)",
        .id = PKT_PROTO_IEEE80211_DATA,
        .min_hdr_len = DATA_HDR_LEN,
        .def_hdr_len = DATA_HDR_LEN + QOS_LEN,
        .fields = data_fields,
        .n_fields = ARRAY_SIZE(data_fields),
        .dissect = data_dissect,
        .update = data_update,
        .reverse = data_reverse,
        .not_dissected = "A-MSDU subframes stay raw.",
};

static const char *const data4_aliases[] = { "dataframe4", NULL };

/* Same name as the 3-address form: they are one pypacker class. */
const struct pkt_proto pkt_proto_ieee80211_data_wds = {
        .name = "dataframe",
        .aliases = data4_aliases,
        .summary = "802.11 data frame, 4 addresses (WDS, mesh; IEEE 802.11-2020 9.3.2.1)",
        .id = PKT_PROTO_IEEE80211_DATA_WDS,
        .min_hdr_len = DATA4_HDR_LEN,
        .def_hdr_len = DATA4_HDR_LEN + QOS_LEN,
        .fields = data4_fields,
        .n_fields = ARRAY_SIZE(data4_fields),
        .dissect = data_dissect,
        .update = data_update,
        .reverse = data_reverse,
        .not_dissected = "A-MSDU subframes stay raw.",
};

const struct pkt_proto pkt_proto_ieee80211_wep = {
        .name = "wep",
        .summary = "802.11 WEP header: IV and key id; the payload stays encrypted (12.3.2)",
        .id = PKT_PROTO_IEEE80211_WEP,
        .min_hdr_len = WEP_HDR_LEN,
        .fields = wep_fields,
        .n_fields = ARRAY_SIZE(wep_fields),
        .not_dissected = "The encrypted body stays raw (no decryption).",
};

const struct pkt_proto pkt_proto_ieee80211_tkip = {
        .name = "tkip",
        .summary = "802.11 TKIP header: TSC, key id, extended IV (12.5.2.2)",
        .id = PKT_PROTO_IEEE80211_TKIP,
        .min_hdr_len = EXTIV_HDR_LEN,
        .fields = tkip_fields,
        .n_fields = ARRAY_SIZE(tkip_fields),
        .not_dissected = "The encrypted body stays raw (no decryption).",
};

const struct pkt_proto pkt_proto_ieee80211_ccmp = {
        .name = "ccmp",
        .summary = "802.11 CCMP header: packet number, key id (12.5.3.2)",
        .id = PKT_PROTO_IEEE80211_CCMP,
        .min_hdr_len = EXTIV_HDR_LEN,
        .fields = ccmp_fields,
        .n_fields = ARRAY_SIZE(ccmp_fields),
        .not_dissected = "The encrypted body stays raw (no decryption).",
};
