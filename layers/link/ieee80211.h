/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the 802.11 files (ieee80211*.c): frame control bits and what the sub-layers share. */
#ifndef PKT_IEEE80211_H
#define PKT_IEEE80211_H

#include "internal.h"

/* Frame control (IEEE 802.11-2020 9.2.4.1) as pypacker reads it: the first byte is
 * subtype << 4 | type << 2 | version, the second the flags. */
#define WLAN_FC_LEN        4 /* frame control and duration: the ieee80211 layer */
#define WLAN_TYPE_MGMT     0
#define WLAN_TYPE_CTRL     1
#define WLAN_TYPE_DATA     2
#define WLAN_FL_TO_DS      0x01
#define WLAN_FL_FROM_DS    0x02
#define WLAN_FL_PROTECTED  0x40
#define WLAN_FL_ORDER      0x80
#define WLAN_QOS_SUBTYPE   0x08 /* data subtypes 8..15 carry a QoS control field */
#define WLAN_NULL_SUBTYPE  0x04 /* data subtypes with bit 2 set carry no body */
#define WLAN_ADDR_LEN      6
#define WLAN_HTC_LEN       4

/* The frame control bytes of the ieee80211 layer right below a sub-layer. The layers of a packet
 * are contiguous, so they are the 4 bytes before @v->b; parsed on its own (no ieee80211 below) a
 * sub-layer has none. */
static inline bool
wlan_fc_below(const struct pkt_view *v, uint8_t *ret_fc0, uint8_t *ret_fc1)
{
        if (v->lower != PKT_PROTO_IEEE80211)
                return false;
        *ret_fc0 = v->b[-WLAN_FC_LEN];
        *ret_fc1 = v->b[-WLAN_FC_LEN + 1];
        return true;
}

/* Information elements (ieee80211_ie.c): the element set "params" of the management frames, from
 * the end of their fixed fields (wlan_mgmt_fixed_len(), ieee80211_mgmt.c) to the layer's end. */
extern const struct pkt_elem_set wlan_ie_elems[1];
uint32_t wlan_mgmt_fixed_len(unsigned proto);
int wlan_ie_elem_build(const struct pkt_view *v, uint32_t hdr_len, unsigned set, const char *text,
                       uint8_t *out, size_t size, uint32_t *ret_at);

/* The protected payload's layer (WEP, TKIP or CCMP) by its IV bytes (ieee80211_data.c). */
unsigned wlan_crypto_proto(const struct pkt_view *v, uint32_t at);

#endif
