/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.11 control frames (IEEE 802.11-2020 9.3.1): RTS, CTS, ACK, block ack request and block
 * ack, after frame control and duration. Names are pypacker's (RTS, CTS, ACK, BlockAckReq,
 * BlockAck).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 dst (receiver address) ...                    |   CTS, ACK: dst only
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ... dst                      |  src (transmitter address) ...|   RTS: dst, src
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          ... src                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   reqctrl (BAR/BA control)    |  seq (starting sequence ctl)  |   BlockAckReq, BlockAck
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  bitmap (BlockAck: 8 bytes compressed, 128 basic) ...         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Control and sequence fields are little-endian. Control frames have no body.
 */
#include <string.h>

#include "ieee80211.h"

#define RTS_LEN 12
#define CTS_LEN 6
#define BAR_LEN 16
#define BA_BITMAP_LEN 8 /* compressed bitmap, the usual form */

/* clang-format off */
static const struct pkt_field rts_fields[] = {
        { .name = "dst", .off = 0,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "src", .off = 48, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field cts_fields[] = {
        { .name = "dst", .off = 0, .bits = 48, .type = PKT_FT_MAC },
};
static const struct pkt_field bar_fields[] = {
        { .name = "dst",     .off = 0,   .bits = 48, .type = PKT_FT_MAC },
        { .name = "src",     .off = 48,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "reqctrl", .off = 96,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "seq",     .off = 112, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
};
static const struct pkt_field ba_fields[] = {
        { .name = "dst",     .off = 0,   .bits = 48, .type = PKT_FT_MAC },
        { .name = "src",     .off = 48,  .bits = 48, .type = PKT_FT_MAC },
        { .name = "reqctrl", .off = 96,  .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "seq",     .off = 112, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_LE | PKT_FF_HEX },
        { .name = "bitmap",  .off = 128, .bits = 0,  .type = PKT_FT_BYTES },
};
/* clang-format on */

/* The block ack's bitmap runs to the end of the frame. */
static void
ba_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = MAX(v->wire_len, (uint32_t)BAR_LEN);
        d->payload_len = 0;
}

static void
swap_addrs(uint8_t *h, size_t len)
{
        uint8_t tmp[WLAN_ADDR_LEN];

        if (len < 2 * WLAN_ADDR_LEN)
                return;
        memcpy(tmp, h, WLAN_ADDR_LEN);
        memcpy(h, h + WLAN_ADDR_LEN, WLAN_ADDR_LEN);
        memcpy(h + WLAN_ADDR_LEN, tmp, WLAN_ADDR_LEN);
}

const struct pkt_proto pkt_proto_ieee80211_rts = {
        .name = "rts",
        .summary = "802.11 request to send (IEEE 802.11-2020 9.3.1.2)",
        .id = PKT_PROTO_IEEE80211_RTS,
        .min_hdr_len = RTS_LEN,
        .fields = rts_fields,
        .n_fields = ARRAY_SIZE(rts_fields),
        .reverse = swap_addrs,
};

const struct pkt_proto pkt_proto_ieee80211_cts = {
        .name = "cts",
        .summary = "802.11 clear to send (9.3.1.3)",
        .id = PKT_PROTO_IEEE80211_CTS,
        .min_hdr_len = CTS_LEN,
        .fields = cts_fields,
        .n_fields = ARRAY_SIZE(cts_fields),
};

const struct pkt_proto pkt_proto_ieee80211_ack = {
        .name = "ack",
        .summary = "802.11 acknowledgement (9.3.1.4)",
        .id = PKT_PROTO_IEEE80211_ACK,
        .min_hdr_len = CTS_LEN,
        .fields = cts_fields,
        .n_fields = ARRAY_SIZE(cts_fields),
};

const struct pkt_proto pkt_proto_ieee80211_blockackreq = {
        .name = "blockackreq",
        .summary = "802.11 block ack request (9.3.1.7)",
        .id = PKT_PROTO_IEEE80211_BLOCKACKREQ,
        .min_hdr_len = BAR_LEN,
        .fields = bar_fields,
        .n_fields = ARRAY_SIZE(bar_fields),
        .reverse = swap_addrs,
};

const struct pkt_proto pkt_proto_ieee80211_blockack = {
        .name = "blockack",
        .summary = "802.11 block ack (9.3.1.8)",
        .id = PKT_PROTO_IEEE80211_BLOCKACK,
        .min_hdr_len = BAR_LEN,
        .def_hdr_len = BAR_LEN + BA_BITMAP_LEN,
        .fields = ba_fields,
        .n_fields = ARRAY_SIZE(ba_fields),
        .dissect = ba_dissect,
        .reverse = swap_addrs,
};
