/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Point-to-Point Protocol (RFC 1661) and its HDLC-like framing (RFC 1662).
 *
 *   PPP (RFC 1661 2):                    HDLC-like framing (RFC 1662 3.1), layer "hdlc":
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     protocol (1 or 2 bytes)   |    | address 0xff  | control 0x03  |  then a PPP header
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  information ...                   (flags, escapes and the FCS are gone in a capture)
 *
 * Protocol-field compression (RFC 1661 6.5): protocol numbers have an even first and an odd last
 * byte (RFC 1661 2), so a protocol field whose first byte is odd is the compressed, 1-byte form.
 * `p` is therefore a field of 1 or 2 bytes: as long as the header, which the first byte decides.
 * A built header is compressed when its protocol allows, as scapy and pypacker build it (a `p` set to
 * 0x0021 too, as scapy's PPP(proto=0x0021)), unless its switch "compress" is off: `ppp(compress=no)`
 * keeps both bytes. A parsed one keeps its form, and its JSON says "compress": false when it could
 * have been compressed and was not.
 *
 * Address-and-control-field compression (RFC 1661 6.6) drops the two framing bytes, so they are a
 * layer of their own ("hdlc", as scapy calls it) that is there only when the frame has them. The
 * link types: DLT_PPP_SERIAL (50) always frames (RFC 1662); DLT_PPP (9) may or may not, and the
 * engine picks "hdlc" for a DLT_PPP frame starting ff 03 (pkt_proto_for_frame(), as libpcap's
 * pcap-linktype(7) describes it). Cisco HDLC (address 0x0f or 0x8f) leaves a raw payload.
 *
 * The control protocols that follow are ppp_cp.c's (LCP, IPCP, IPV6CP, CCP) and ppp_auth.c's (PAP,
 * CHAP).
 */
#include "internal.h"
#include "ppp.h"

#define PPP_HDR_LEN      2
#define PPP_PFC_BIT      0x01 /* RFC 1661 2: the last protocol byte is odd; a compressed field is it */
#define PPP_PROTO_IP     0x0021
#define PPP_PROTO_OSI    0x0023 /* OSI network layer (RFC 1377), named by its first byte */
#define HDLC_HDR_LEN     2
#define HDLC_ALL_STATION 0xff /* RFC 1662 3.1 */
#define HDLC_UI          0x03

/* clang-format off */
/* RFC 1661 and the IANA PPP DLL protocol numbers. */
const struct pkt_name pkt_ppp_proto_names[] = {
        { 0x0021, "IP" }, { 0x0029, "APPLETALK" }, { 0x002b, "IPX" }, { 0x002d, "VJC_COMP" },
        { 0x002f, "VJC_UNCOMP" }, { 0x003d, "MP" }, { 0x0057, "IP6" }, { 0x00fd, "COMP" },
        { 0x0281, "MPLS_UCAST" }, { 0x0283, "MPLS_MCAST" }, { 0x8021, "IPCP" }, { 0x8029, "ATCP" },
        { 0x802b, "IPXCP" }, { 0x8057, "IPV6CP" }, { 0x80fd, "CCP" }, { 0xc021, "LCP" },
        { 0xc023, "PAP" }, { 0xc025, "LQR" }, { 0xc223, "CHAP" }, { 0xc227, "EAP" }, { 0, NULL },
};

static const struct pkt_field ppp_fields[] = {
        /* 1 or 2 bytes: the header's length, which protocol-field compression decides. */
        { .name = "p", .off = 0, .bits = 0, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_ppp_proto_names },
};

static const struct pkt_field hdlc_fields[] = {
        { .name = "address", .off = 0, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = HDLC_ALL_STATION },
        { .name = "control", .off = 8, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = HDLC_UI },
};
/* clang-format on */

enum { F_P };

static void
ppp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t proto;

        if (v->b[0] & PPP_PFC_BIT) {
                d->hdr_len = 1;
                proto = v->b[0];
        } else {
                d->hdr_len = PPP_HDR_LEN;
                if (!pkt_rd_be16(v, 0, &proto))
                        return;
        }
        d->next = proto == PPP_PROTO_OSI ? (uint16_t)pkt_osi_next(v, d->hdr_len)
                                         : (uint16_t)pkt_key_lookup(PKT_KEY_PPP, proto);
}

/* Can @proto be written in one byte (RFC 1661 6.5: a number below 0x100, odd as every number is)? */
static bool
is_compressible(uint32_t proto)
{
        return proto <= 0xff && (proto & PPP_PFC_BIT);
}

/*
 * A new header (pushed with the 2 zero bytes of no protocol, which the layer above names) or one whose
 * protocol the user set gets the compressed form when the protocol allows it, as scapy and pypacker
 * build it, unless the layer is kept as written (`compress=no`). A parsed header never reads 00 00, and
 * has no protocol set by the user unless it was changed: it keeps its form.
 */
static int
ppp_compress(struct pkt *p, unsigned idx, uint32_t proto)
{
        const struct pkt_layer *l = &p->layers[idx];
        const uint8_t *h = p->data + l->off;

        if (l->hdr_len != PPP_HDR_LEN || (l->flags & PKT_LAYER_AS_WRITTEN))
                return 0;
        if (l->set_mask & (UINT64_C(1) << F_P))
                proto = pkt_load_be16(h);
        else if (h[0] || h[1])
                return 0;
        return is_compressible(proto) ? pkt_layer_splice(p, idx, 0, 1, NULL, 0) : 0;
}

/* A parsed header of two bytes whose protocol fits in one was written uncompressed on purpose. */
static bool
ppp_is_as_written(struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];

        return l->hdr_len == PPP_HDR_LEN && l->len >= PPP_HDR_LEN && is_compressible(pkt_load_be16(p->data + l->off));
}

static int
ppp_update(struct pkt *p, unsigned idx)
{
        uint32_t key = PPP_PROTO_IP;
        int r;

        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        bool is_named = true;
        if (up != PKT_PROTO_NONE && pkt_is_osi(up))
                key = PPP_PROTO_OSI;
        else if (up != PKT_PROTO_NONE && pkt_carrier_key(up, PKT_KEY_PPP, &key) < 0)
                is_named = false; /* a payload without a PPP number (raw) */
        if ((p->flags & PKT_F_OWNED) && (r = ppp_compress(p, idx, is_named ? key : 0)) < 0)
                return r;
        if (!is_named)
                return 0; /* the field stays as it is */
        /* A compressed field cannot name a protocol above 0xff: leave it as it is. */
        if (p->layers[idx].hdr_len == 1 && key > 0xff)
                return 0;
        /* Nothing above: a new header names IPv4, as pypacker's and scapy's defaults do. */
        if (idx + 1u >= p->n_layers && p->data[p->layers[idx].off] != 0)
                return 0;
        return pkt_auto_set(p, idx, F_P, key);
}

static void
hdlc_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        d->hdr_len = HDLC_HDR_LEN;
        /* Cisco HDLC (address 0x0f/0x8f) and others are not PPP: their payload stays raw. */
        if (v->b[0] == HDLC_ALL_STATION && v->b[1] == HDLC_UI)
                d->next = PKT_PROTO_PPP;
}

static const struct pkt_key ppp_carriers[] = {
        { PKT_KEY_DLT, 9 }, /* DLT_PPP; frames starting ff 03 go to "hdlc" first */
        { PKT_KEY_ETHERTYPE, 0x880b }, /* PPP in PPTP's GRE (RFC 2637 4.1) */
        PKT_KEY_END,
};

static const struct pkt_key hdlc_carriers[] = {
        { PKT_KEY_DLT, 50 }, /* DLT_PPP_SERIAL */
        PKT_KEY_END,
};

const struct pkt_proto pkt_proto_ppp = {
        .name = "ppp",
        .summary = "Point-to-Point Protocol (RFC 1661)",
        .id = PKT_PROTO_PPP,
        .min_hdr_len = 1,
        .def_hdr_len = PPP_HDR_LEN,
        .fields = ppp_fields,
        .n_fields = ARRAY_SIZE(ppp_fields),
        .carriers = ppp_carriers,
        .dissect = ppp_dissect,
        .update = ppp_update,
        .encoding_switch = "compress",
        .is_as_written = ppp_is_as_written,
};

static const char *const hdlc_aliases[] = { "ppp_hdlc", NULL };

const struct pkt_proto pkt_proto_hdlc = {
        .name = "hdlc",
        .aliases = hdlc_aliases,
        .summary = "PPP in HDLC-like framing: address and control (RFC 1662)",
        .id = PKT_PROTO_HDLC,
        .min_hdr_len = HDLC_HDR_LEN,
        .fields = hdlc_fields,
        .n_fields = ARRAY_SIZE(hdlc_fields),
        .carriers = hdlc_carriers,
        .dissect = hdlc_dissect,
        .not_dissected = "Cisco HDLC (address 0x0f or 0x8f) leaves a raw payload.",
};
