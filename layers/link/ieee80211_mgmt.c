/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.11 management frames (IEEE 802.11-2020 9.3.3): the rest of the MAC header after frame
 * control and duration, the fixed fields of each subtype, then the information elements ("params",
 * ieee80211_ie.c). Names are pypacker's classes and fields (Beacon, ProbeReq, ..., Action).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      dst (address 1) ...                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... dst                      |      src (address 2) ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          ... src                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    bssid (address 3) ...                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... bssid                    |  seq_frag (LE: seq << 4|frag) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  fixed fields of the subtype (beacon: timestamp, interval,    |
 *  |  capabilities), then information elements to the end          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Fixed fields are little-endian (9.2.2). The whole frame body is header: frames carry no payload,
 * except action frames, whose body after category and action code depends on both and stays raw.
 * A protected frame (802.11w) keeps only its addresses in the header: the body is ciphertext behind
 * a CCMP header. So does a +HTC frame (order bit), whose body stays raw.
 */
#include <string.h>

#include "ieee80211.h"

#define MGMT_HDR_LEN 20 /* addresses and sequence control */

/* clang-format off */
#define MGMT_COMMON                                                                                \
        { .name = "dst",      .off = 0,   .bits = 48, .type = PKT_FT_MAC, .def_bytes = "\xff\xff\xff\xff\xff\xff" }, \
        { .name = "src",      .off = 48,  .bits = 48, .type = PKT_FT_MAC },                        \
        { .name = "bssid",    .off = 96,  .bits = 48, .type = PKT_FT_MAC },                        \
        { .name = "seq_frag", .off = 144, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE }

static const struct pkt_name auth_algo_names[] = {
        { 0, "OPEN" }, { 1, "SHARED_KEY" }, { 2, "FT" }, { 3, "SAE" }, { 0, NULL },
};

static const struct pkt_field beacon_fields[] = {
        MGMT_COMMON,
        { .name = "ts",       .off = 160, .bits = 64, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "interval", .off = 224, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE, .def = 100 },
        { .name = "capa",     .off = 240, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field probereq_fields[] = {
        MGMT_COMMON,
};
static const struct pkt_field assocreq_fields[] = {
        MGMT_COMMON,
        { .name = "capa",     .off = 160, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "interval", .off = 176, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field assocresp_fields[] = {
        MGMT_COMMON,
        { .name = "capa",   .off = 160, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "status", .off = 176, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "aid",    .off = 192, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field reassocreq_fields[] = {
        MGMT_COMMON,
        { .name = "capa",       .off = 160, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "interval",   .off = 176, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
        { .name = "current_ap", .off = 192, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field reason_fields[] = {
        MGMT_COMMON,
        { .name = "reason", .off = 160, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
static const struct pkt_field auth_fields[] = {
        MGMT_COMMON,
        { .name = "algo",    .off = 160, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_LE, .names = auth_algo_names },
        { .name = "authseq", .off = 176, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "status",  .off = 192, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field action_fields[] = {
        MGMT_COMMON,
        { .name = "category", .off = 160, .bits = 8, .type = PKT_FT_UINT },
        { .name = "code",     .off = 168, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};
/* clang-format on */

/* Bytes before the first information element of each subtype (9.3.3). */
uint32_t
wlan_mgmt_fixed_len(unsigned proto)
{
        switch (proto) {
        case PKT_PROTO_IEEE80211_BEACON:
        case PKT_PROTO_IEEE80211_PROBERESP:
                return MGMT_HDR_LEN + 12;
        case PKT_PROTO_IEEE80211_ASSOCREQ:
                return MGMT_HDR_LEN + 4;
        case PKT_PROTO_IEEE80211_ASSOCRESP:
        case PKT_PROTO_IEEE80211_REASSOCRESP:
        case PKT_PROTO_IEEE80211_AUTH:
                return MGMT_HDR_LEN + 6;
        case PKT_PROTO_IEEE80211_REASSOCREQ:
                return MGMT_HDR_LEN + 10;
        case PKT_PROTO_IEEE80211_DISASSOC:
        case PKT_PROTO_IEEE80211_DEAUTH:
        case PKT_PROTO_IEEE80211_ACTION:
                return MGMT_HDR_LEN + 2;
        case PKT_PROTO_EAPOL_KEY_DATA:
                return 0; /* elements from the start: an EAPOL-Key frame's key data (eapol.c) */
        default:
                return MGMT_HDR_LEN;
        }
}

/*
 * Bodies whose fields cannot be read from this layer's fixed positions: a protected frame's
 * (802.11w: ciphertext behind a CCMP header), and a +HTC frame's (order bit: a 4-byte HT control
 * field after sequence control moves everything; rare, so its body stays raw rather than misread).
 * Both keep only the addresses in the header.
 */
static bool
mgmt_body_hidden(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t fc0, fc1;

        if (!wlan_fc_below(v, &fc0, &fc1) || !(fc1 & (WLAN_FL_PROTECTED | WLAN_FL_ORDER)))
                return false;
        d->hdr_len = MGMT_HDR_LEN;
        if (fc1 & WLAN_FL_PROTECTED)
                d->next = (uint16_t)wlan_crypto_proto(
                        v, MGMT_HDR_LEN + (fc1 & WLAN_FL_ORDER ? WLAN_HTC_LEN : 0));
        return true;
}

static void
mgmt_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (mgmt_body_hidden(v, d))
                return;
        d->hdr_len = MAX(v->wire_len, wlan_mgmt_fixed_len(v->proto));
        d->payload_len = 0;
        d->flags |= pkt_elems_damage(v, wlan_ie_elems[0].next);
}

/* Action frames: category and code, then a body that depends on them (raw). */
static void
action_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        if (mgmt_body_hidden(v, d))
                return;
        d->hdr_len = MGMT_HDR_LEN + 2;
}

/* Management frames name their destination first, as Ethernet does. */
static void
mgmt_reverse(uint8_t *h, size_t len)
{
        uint8_t tmp[WLAN_ADDR_LEN];

        if (len < 2 * WLAN_ADDR_LEN)
                return;
        memcpy(tmp, h, WLAN_ADDR_LEN);
        memcpy(h, h + WLAN_ADDR_LEN, WLAN_ADDR_LEN);
        memcpy(h + WLAN_ADDR_LEN, tmp, WLAN_ADDR_LEN);
}

#define MGMT_PROTO(name_, summary_, id_, fields_, len_)                                            \
        {                                                                                          \
                .name = (name_), .summary = (summary_), .id = (id_), .min_hdr_len = MGMT_HDR_LEN,  \
                .fields = (fields_), .n_fields = ARRAY_SIZE(fields_), .elems = wlan_ie_elems,      \
                .n_elems = 1, .dissect = mgmt_dissect, .reverse = mgmt_reverse,                    \
                .elem_build = wlan_ie_elem_build,                                                  \
                .def_hdr_len = (len_),                                                             \
        }

const struct pkt_proto pkt_proto_ieee80211_beacon =
        MGMT_PROTO("beacon", "802.11 beacon (IEEE 802.11-2020 9.3.3.2)", PKT_PROTO_IEEE80211_BEACON,
                   beacon_fields, MGMT_HDR_LEN + 12);
const struct pkt_proto pkt_proto_ieee80211_probereq =
        MGMT_PROTO("probereq", "802.11 probe request (9.3.3.9)", PKT_PROTO_IEEE80211_PROBEREQ,
                   probereq_fields, MGMT_HDR_LEN);
const struct pkt_proto pkt_proto_ieee80211_proberesp =
        MGMT_PROTO("proberesp", "802.11 probe response (9.3.3.10)", PKT_PROTO_IEEE80211_PROBERESP,
                   beacon_fields, MGMT_HDR_LEN + 12);
const struct pkt_proto pkt_proto_ieee80211_assocreq =
        MGMT_PROTO("assocreq", "802.11 association request (9.3.3.5)", PKT_PROTO_IEEE80211_ASSOCREQ,
                   assocreq_fields, MGMT_HDR_LEN + 4);
const struct pkt_proto pkt_proto_ieee80211_assocresp =
        MGMT_PROTO("assocresp", "802.11 association response (9.3.3.6)",
                   PKT_PROTO_IEEE80211_ASSOCRESP, assocresp_fields, MGMT_HDR_LEN + 6);
const struct pkt_proto pkt_proto_ieee80211_reassocreq =
        MGMT_PROTO("reassocreq", "802.11 reassociation request (9.3.3.7)",
                   PKT_PROTO_IEEE80211_REASSOCREQ, reassocreq_fields, MGMT_HDR_LEN + 10);
const struct pkt_proto pkt_proto_ieee80211_reassocresp =
        MGMT_PROTO("reassocresp", "802.11 reassociation response (9.3.3.8)",
                   PKT_PROTO_IEEE80211_REASSOCRESP, assocresp_fields, MGMT_HDR_LEN + 6);
const struct pkt_proto pkt_proto_ieee80211_disassoc =
        MGMT_PROTO("disassoc", "802.11 disassociation (9.3.3.4)", PKT_PROTO_IEEE80211_DISASSOC,
                   reason_fields, MGMT_HDR_LEN + 2);
const struct pkt_proto pkt_proto_ieee80211_auth =
        MGMT_PROTO("auth", "802.11 authentication (9.3.3.11)", PKT_PROTO_IEEE80211_AUTH,
                   auth_fields, MGMT_HDR_LEN + 6);
const struct pkt_proto pkt_proto_ieee80211_deauth =
        MGMT_PROTO("deauth", "802.11 deauthentication (9.3.3.12)", PKT_PROTO_IEEE80211_DEAUTH,
                   reason_fields, MGMT_HDR_LEN + 2);

const struct pkt_proto pkt_proto_ieee80211_action = {
        .name = "action",
        .summary = "802.11 action frame (IEEE 802.11-2020 9.3.3.13)",
        .id = PKT_PROTO_IEEE80211_ACTION,
        .min_hdr_len = MGMT_HDR_LEN,
        .def_hdr_len = MGMT_HDR_LEN + 2,
        .fields = action_fields,
        .n_fields = ARRAY_SIZE(action_fields),
        .dissect = action_dissect,
        .reverse = mgmt_reverse,
        .not_dissected = "The body after category and action code stays raw.",
};
