/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEEE 802.2 Logical Link Control, with the SNAP extension (IEEE 802-2014 clause 10, RFC 1042).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     DSAP      |   SSAP    |C/R|    control    | (2nd control) |   I and S frames: 4 bytes
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  DSAP = 0xaa  |  SSAP = 0xaa  |  UI (0x03)    |  OUI ...      |   SNAP: 8 bytes
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      ... OUI                  |     protocol id (PID)         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * How the variable header maps onto one field table. Fields have fixed positions and the engine
 * shows a field only when it lies inside the header, so the dissect hook sets the header length and
 * that decides which fields exist:
 *  - U frames (control & 3 == 3) have a 1-byte control: `ctrl` is all of it; the header is 3 bytes.
 *  - SNAP (DSAP and SSAP 0xaa, a U frame) adds 5 bytes: `snap` (OUI and PID as pypacker keeps them)
 *    exists only then, because it needs a header of 8 bytes.
 *  - I and S frames have a 2-byte control (IEEE 802.2 5.2, LLC type 2, for example NetBIOS): the
 *    header is 4 bytes, so the payload starts where it should, and `ctrl` is the first control
 *    byte (send sequence or supervisory bits). The second byte (receive sequence, poll/final) has
 *    no field: any field at byte 3 would also exist in SNAP frames and claim the OUI's first byte.
 *    tshark's 16-bit llc.control is then ctrl | byte 3 << 8 (the extended control is read
 *    little-endian).
 *
 * Building: the header starts as the SNAP form its default SAPs and control make (8 bytes), so that
 * `snap` can be set at once (llc(snap=00000c2000) for Cisco's CDP); the update hook sizes it to what
 * DSAP, SSAP and control say (adding the SNAP bytes or the second control byte as zeros, or dropping
 * them), and fills SNAP's OUI and PID from the layer above (its PKT_KEY_SNAP; else RFC 1042: OUI 0 and
 * the ethertype), unless `snap` was set explicitly.
 */
#include <string.h>

#include "internal.h"
#include "llc.h"

#define LLC_HDR_LEN      3
#define LLC_IS_HDR_LEN   4
#define LLC_SNAP_HDR_LEN 8
#define LLC_SNAP_LEN     5
#define LLC_SAP_SNAP     0xaa
#define LLC_SAP_OSI      0xfe /* ISO/IEC 8802-2: OSI network layer, named by its first byte */
#define LLC_CR_BIT       0x01 /* low bit of SSAP: command/response */
#define LLC_U_FRAME      0x03 /* control & 3 == 3: unnumbered (IEEE 802.2 5.2) */
/* OUIs whose PID is an ethertype: RFC 1042, and 802.1H bridge tunnelling (Cisco 0xf8). */
#define OUI_ENCAP_ETHER   0x000000
#define OUI_BRIDGE_TUNNEL 0x0000f8

/* clang-format off */
static const struct pkt_name llc_sap_names[] = {
        { 0x00, "NULL" }, { 0x02, "LLC_MGMT" }, { 0x06, "IP" }, { 0x42, "STP" }, { 0x7e, "X25" },
        { 0x98, "ARP" }, { 0xaa, "SNAP" }, { 0xe0, "IPX" }, { 0xf0, "NETBIOS" }, { 0xf4, "LANMAN" },
        { 0xfe, "ISO" }, { 0xff, "GLOBAL" }, { 0, NULL },
};

static const struct pkt_field llc_fields[] = {
        { .name = "dsap", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = llc_sap_names, .def = LLC_SAP_SNAP },
        { .name = "ssap", .off = 8,  .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = LLC_SAP_SNAP },
        { .name = "ctrl", .off = 16, .bits = 8,  .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = LLC_U_FRAME },
        { .name = "snap", .off = 24, .bits = 40, .type = PKT_FT_BYTES, .flags = PKT_FF_AUTO },
};
/* clang-format on */

enum { F_DSAP, F_SSAP, F_CTRL, F_SNAP };

static bool
is_snap(uint8_t dsap, uint8_t ssap, uint8_t ctrl)
{
        return dsap == LLC_SAP_SNAP && (ssap & ~LLC_CR_BIT) == LLC_SAP_SNAP &&
               (ctrl & 3) == LLC_U_FRAME;
}

/* The header length the first three bytes call for (IEEE 802.2 5.2: the control's low bits). */
static uint32_t
llc_hdr_len(const uint8_t *h)
{
        if ((h[2] & 3) != LLC_U_FRAME)
                return LLC_IS_HDR_LEN;
        return is_snap(h[0], h[1], h[2]) ? LLC_SNAP_HDR_LEN : LLC_HDR_LEN;
}

static void
llc_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t oui;
        uint16_t pid;

        d->hdr_len = llc_hdr_len(v->b);
        if (d->hdr_len != LLC_SNAP_HDR_LEN) {
                d->next = v->b[0] == LLC_SAP_OSI ? (uint16_t)pkt_osi_next(v, d->hdr_len)
                                                 : (uint16_t)pkt_key_lookup(PKT_KEY_LLC_SAP, v->b[0]);
                return;
        }
        if (!pkt_rd_be32(v, 2, &oui) || !pkt_rd_be16(v, 6, &pid))
                return; /* cut short: the engine flags the layer */
        oui &= 0xffffff;
        if (oui == OUI_ENCAP_ETHER || oui == OUI_BRIDGE_TUNNEL)
                d->next = (uint16_t)pkt_key_lookup(PKT_KEY_ETHERTYPE, pid);
        else
                d->next = (uint16_t)pkt_key_lookup(PKT_KEY_SNAP, oui << 16 | pid);
}

/* Grows or shrinks the header to what DSAP, SSAP and control now call for (new bytes are zero). */
static int
llc_resize(struct pkt *p, unsigned idx)
{
        static const uint8_t zeros[LLC_SNAP_LEN];
        uint32_t have = p->layers[idx].hdr_len, want = llc_hdr_len(pkt_layer_bytes_mut(p, idx));

        if (want > have)
                return pkt_layer_splice(p, idx, have, 0, zeros, want - have);
        if (want < have)
                return pkt_layer_splice(p, idx, want, have - want, NULL, 0);
        return 0;
}

/* The SAP of protocol @up when it goes in LLC without SNAP: an OSI packet's (IS-IS: 0xfe), and that of
 * a protocol LLC alone carries (STP 0x42, NetBIOS 0xf0). One with an ethertype goes in SNAP (RFC 1042:
 * IP, ARP, IPX), as does one whose SNAP carrier is its form for LLC (CDP). */
static bool
sap_of(unsigned up, uint32_t *ret)
{
        uint32_t key;

        if (pkt_is_osi(up)) {
                *ret = LLC_SAP_OSI;
                return true;
        }
        return pkt_carrier_key(up, PKT_KEY_ETHERTYPE, &key) < 0 && pkt_carrier_key(up, PKT_KEY_LLC_SAP, ret) == 0;
}

/* Is the header the one pkt_push() wrote (SSAP SNAP, OUI and PID zero), DSAP and control aside? No
 * captured frame reads so (PID 0 is no ethertype), so a copied or resized parsed frame keeps its
 * SAPs. */
static bool
is_pushed_header(const struct pkt_layer *l, const uint8_t *h)
{
        static const uint8_t zeros[LLC_SNAP_LEN];

        return l->hdr_len == LLC_SNAP_HDR_LEN && h[1] == LLC_SAP_SNAP && memcmp(h + 3, zeros, LLC_SNAP_LEN) == 0 &&
               !(l->set_mask & (UINT64_C(1) << F_SNAP));
}

/* A header being built: the layer above with a SAP of its own goes in a UI frame between its SAPs
 * unless the DSAP was set (SNAP, the default, carries the rest, and PVST+ with dsap=SNAP); the SSAP
 * follows the DSAP (a command) unless set. */
static int
saps_update(struct pkt *p, unsigned idx, unsigned up)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;
        uint32_t sap;
        int r;

        if (!is_pushed_header(l, h))
                return 0;
        if (up != PKT_PROTO_NONE && !(l->set_mask & (UINT64_C(1) << F_DSAP)) && h[0] == LLC_SAP_SNAP &&
            sap_of(up, &sap) &&
            ((r = pkt_auto_set(p, idx, F_DSAP, sap)) < 0 || (r = pkt_auto_set(p, idx, F_CTRL, LLC_U_FRAME)) < 0))
                return r;
        return pkt_auto_set(p, idx, F_SSAP, h[0] & (uint8_t)~LLC_CR_BIT);
}

static int
llc_update(struct pkt *p, unsigned idx)
{
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        const uint8_t *h;
        uint32_t key, oui;
        int r;

        if (pkt_is_rebuilt(p) && (r = saps_update(p, idx, up)) < 0)
                return r;
        if ((r = llc_resize(p, idx)) < 0)
                return r;
        if (p->layers[idx].hdr_len != LLC_SNAP_HDR_LEN || up == PKT_PROTO_NONE)
                return 0;
        /* The OUI and PID the protocol above registers (Cisco's CDP, DTP, PVST+) first: it is the
         * form made for LLC; else RFC 1042's (or 802.1H's) encapsulation of its ethertype. */
        if (pkt_carrier_key(up, PKT_KEY_SNAP, &key) == 0)
                return pkt_auto_set(p, idx, F_SNAP, key);
        h = pkt_layer_bytes_mut(p, idx);
        oui = (uint32_t)h[3] << 16 | (uint32_t)h[4] << 8 | h[5];
        if ((oui == OUI_ENCAP_ETHER || oui == OUI_BRIDGE_TUNNEL) &&
            pkt_carrier_key(up, PKT_KEY_ETHERTYPE, &key) == 0)
                return pkt_auto_set(p, idx, F_SNAP, (uint64_t)oui << 16 | key);
        return 0;
}

/* Ethernet and 802.1Q send length-typed frames here, cooked captures type 4; a few link types are LLC
 * from the first byte. */
static const struct pkt_key llc_carriers[] = {
        { PKT_KEY_DLT, 11 }, /* DLT_ATM_RFC1483 (LINKTYPE 100): RFC 1483 LLC-encapsulated */
        { PKT_KEY_ETHERTYPE, LLC_ETHERTYPE_JUMBO },
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_llc = {
        .name = "llc",
        .summary = "IEEE 802.2 LLC and SNAP (RFC 1042)",
        .id = PKT_PROTO_LLC,
        .min_hdr_len = LLC_HDR_LEN,
        .def_hdr_len = LLC_SNAP_HDR_LEN,
        .fields = llc_fields,
        .n_fields = ARRAY_SIZE(llc_fields),
        .carriers = llc_carriers,
        .dissect = llc_dissect,
        .update = llc_update,
};
