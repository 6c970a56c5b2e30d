/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.11 MAC header: frame control and duration (IEEE 802.11-2020 9.2.3, 9.2.4.1). As pypacker
 * does, this layer is the first 4 bytes of every frame; the rest of the MAC header (addresses,
 * sequence control, the fixed fields of each frame type) is a sub-layer chosen by type and subtype:
 * beacon, probereq, ..., rts, cts, ack, blockackreq, blockack, dataframe (ieee80211_mgmt.c,
 * ieee80211_ctrl.c, ieee80211_data.c).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |subtype| type|ver|O|P|M|W|R|F|f|t|   duration (little-endian)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   O order, P protected, M more data, W power management, R retry, F more fragments,
 *   f from DS, t to DS
 *
 * Frame control is read as pypacker and tshark's wlan.fc show it: the first byte high (0x8000 is a
 * beacon). The duration is little-endian, as on the wire.
 *
 * DLT 105 (plain 802.11) starts here; radiotap (DLT 127) leads here and keeps a trailing FCS to
 * itself.
 */
#include <string.h>

#include "ieee80211.h"

/* clang-format off */
static const struct pkt_name wlan_type_names[] = {
        { WLAN_TYPE_MGMT, "MGMT" }, { WLAN_TYPE_CTRL, "CTRL" }, { WLAN_TYPE_DATA, "DATA" },
        { 3, "EXT" }, { 0, NULL },
};

static const struct pkt_field ieee80211_fields[] = {
        { .name = "framectl",  .off = 0,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_COMBINED | PKT_FF_HEX },
        { .name = "subtype",   .off = 0,  .bits = 4,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "type",      .off = 4,  .bits = 2,  .type = PKT_FT_ENUM, .flags = PKT_FF_PART | PKT_FF_AUTO, .names = wlan_type_names },
        { .name = "version",   .off = 6,  .bits = 2,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "order",     .off = 8,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "protected", .off = 9,  .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "more_data", .off = 10, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "pwr_mgt",   .off = 11, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "retry",     .off = 12, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "more_frag", .off = 13, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART },
        { .name = "from_ds",   .off = 14, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "to_ds",     .off = 15, .bits = 1,  .type = PKT_FT_UINT, .flags = PKT_FF_PART | PKT_FF_AUTO },
        { .name = "duration",  .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE },
};
/* clang-format on */

enum { F_FRAMECTL, F_SUBTYPE, F_TYPE, F_VERSION, F_ORDER, F_PROTECTED, F_MORE_DATA, F_PWR_MGT,
       F_RETRY, F_MORE_FRAG, F_FROM_DS, F_TO_DS, F_DURATION };

/* Which sub-layer each (type, subtype) has; building reads it backwards for type and subtype. */
static const struct {
        uint8_t type;
        uint8_t subtype;
        uint16_t proto;
} wlan_subtypes[] = {
        { WLAN_TYPE_MGMT, 0, PKT_PROTO_IEEE80211_ASSOCREQ },
        { WLAN_TYPE_MGMT, 1, PKT_PROTO_IEEE80211_ASSOCRESP },
        { WLAN_TYPE_MGMT, 2, PKT_PROTO_IEEE80211_REASSOCREQ },
        { WLAN_TYPE_MGMT, 3, PKT_PROTO_IEEE80211_REASSOCRESP },
        { WLAN_TYPE_MGMT, 4, PKT_PROTO_IEEE80211_PROBEREQ },
        { WLAN_TYPE_MGMT, 5, PKT_PROTO_IEEE80211_PROBERESP },
        { WLAN_TYPE_MGMT, 8, PKT_PROTO_IEEE80211_BEACON },
        { WLAN_TYPE_MGMT, 10, PKT_PROTO_IEEE80211_DISASSOC },
        { WLAN_TYPE_MGMT, 11, PKT_PROTO_IEEE80211_AUTH },
        { WLAN_TYPE_MGMT, 12, PKT_PROTO_IEEE80211_DEAUTH },
        { WLAN_TYPE_MGMT, 13, PKT_PROTO_IEEE80211_ACTION },
        { WLAN_TYPE_MGMT, 14, PKT_PROTO_IEEE80211_ACTION }, /* action no ack: same body */
        { WLAN_TYPE_CTRL, 8, PKT_PROTO_IEEE80211_BLOCKACKREQ },
        { WLAN_TYPE_CTRL, 9, PKT_PROTO_IEEE80211_BLOCKACK },
        { WLAN_TYPE_CTRL, 11, PKT_PROTO_IEEE80211_RTS },
        { WLAN_TYPE_CTRL, 12, PKT_PROTO_IEEE80211_CTS },
        { WLAN_TYPE_CTRL, 13, PKT_PROTO_IEEE80211_ACK },
};

static void
ieee80211_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint8_t type = (v->b[0] >> 2) & 3, subtype = v->b[0] >> 4;

        d->hdr_len = WLAN_FC_LEN;
        if (v->b[0] & 3)
                return; /* only version 0 exists: what follows is unknown */
        if (type == WLAN_TYPE_DATA) {
                const uint8_t ds = WLAN_FL_TO_DS | WLAN_FL_FROM_DS;
                bool wds = (v->b[1] & ds) == ds;
                d->next = wds ? PKT_PROTO_IEEE80211_DATA_WDS : PKT_PROTO_IEEE80211_DATA;
                return;
        }
        for (unsigned i = 0; i < ARRAY_SIZE(wlan_subtypes); i++)
                if (wlan_subtypes[i].type == type && wlan_subtypes[i].subtype == subtype) {
                        d->next = wlan_subtypes[i].proto;
                        return;
                }
}

/* Type and subtype (and the DS bits of a 4-address frame) from the sub-layer above. */
static int
ieee80211_update(struct pkt *p, unsigned idx)
{
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        int r;

        if (up == PKT_PROTO_IEEE80211_DATA || up == PKT_PROTO_IEEE80211_DATA_WDS) {
                if ((r = pkt_auto_set(p, idx, F_TYPE, WLAN_TYPE_DATA)) < 0)
                        return r;
                if (up == PKT_PROTO_IEEE80211_DATA)
                        return 0;
                if ((r = pkt_auto_set(p, idx, F_TO_DS, 1)) < 0)
                        return r;
                return pkt_auto_set(p, idx, F_FROM_DS, 1);
        }
        for (unsigned i = 0; i < ARRAY_SIZE(wlan_subtypes); i++)
                if (wlan_subtypes[i].proto == up) {
                        if ((r = pkt_auto_set(p, idx, F_TYPE, wlan_subtypes[i].type)) < 0)
                                return r;
                        return pkt_auto_set(p, idx, F_SUBTYPE, wlan_subtypes[i].subtype);
                }
        return 0;
}

static const struct pkt_key ieee80211_carriers[] = {
        { PKT_KEY_DLT, 105 },    /* DLT_IEEE802_11 */
        { PKT_KEY_ARPHRD, 801 }, /* ARPHRD_IEEE80211, in cooked captures */
        PKT_KEY_END,
};

static const char *const ieee80211_aliases[] = { "wlan", "dot11", NULL };

const struct pkt_proto pkt_proto_ieee80211 = {
        .name = "ieee80211",
        .aliases = ieee80211_aliases,
        .summary = "IEEE 802.11 frame control and duration (IEEE 802.11-2020 9.2.4)",
        .id = PKT_PROTO_IEEE80211,
        .min_hdr_len = WLAN_FC_LEN,
        .fields = ieee80211_fields,
        .n_fields = ARRAY_SIZE(ieee80211_fields),
        .carriers = ieee80211_carriers,
        .dissect = ieee80211_dissect,
        .update = ieee80211_update,
        .not_dissected = "Protocol version 1 (802.11ah) frames are not decoded, nor are the "
                         "bodies of protected or +HTC management frames.",
};
