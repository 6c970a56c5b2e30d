/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cisco HDLC, the framing of Cisco's serial links (no RFC; the layout libpcap's DLT_C_HDLC, tcpdump
 * and Wireshark decode), and SLARP, its Serial Line Address Resolution and keepalive protocol.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    address    |    control    |   protocol (an Ethernet type) |   chdlc
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                             type                              |   slarp
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  request or reply: address, mask, 2 unused bytes;             |   slarpaddress
 *  |  keepalive: my sequence, your sequence, reliability           |   slarpkeepalive
 *
 * The address is 0x0f (unicast) or 0x8f (multicast, as scapy and Wireshark call it), the control 0.
 * The protocol is an Ethernet type, except SLARP's 0x8035, which on Ethernet is RARP's, and OSI's
 * 0xfefe, after which one byte of padding (Wireshark's clns_padding; tcpdump skips it too) comes
 * before the OSI packet. Names are
 * scapy's (CHDLC, SLARP); as ICMP's bodies are, SLARP's two layouts are sub-layers, chosen by the
 * type.
 *
 * Frames of DLT_PPP that start with 0x0f or 0x8f are Cisco HDLC too (dissect.c), as Wireshark and
 * tcpdump read them.
 */
#include "internal.h"

#define CHDLC_HDR_LEN     4
#define SLARP_HDR_LEN     4
#define SLARP_BODY_LEN    10
#define CHDLC_UNICAST     0x0f
#define CHDLC_PROTO_SLARP 0x8035
#define CHDLC_PROTO_OSI   0xfefe
#define CHDLC_OSI_HDR_LEN 5
#define DLT_C_HDLC        104

enum slarp_type { SLARP_REQUEST = 0, SLARP_REPLY = 1, SLARP_KEEPALIVE = 2 };

/* clang-format off */
static const struct pkt_name chdlc_address_names[] = {
        { CHDLC_UNICAST, "UNICAST" }, { 0x8f, "MULTICAST" }, { 0, NULL },
};

static const struct pkt_field chdlc_fields[] = {
        { .name = "address", .off = 0,  .bits = 8,  .type = PKT_FT_ENUM, .flags = PKT_FF_HEX, .names = chdlc_address_names, .def = CHDLC_UNICAST },
        { .name = "control", .off = 8,  .bits = 8,  .type = PKT_FT_UINT },
        { .name = "proto",   .off = 16, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_AUTO | PKT_FF_HEX, .def = 0x0800 },
        /* Only with protocol 0xfefe (OSI): a byte before the OSI packet, of any value. */
        { .name = "clns_padding", .off = 32, .bits = 8, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_name slarp_type_names[] = {
        { SLARP_REQUEST, "REQUEST" }, { SLARP_REPLY, "REPLY" }, { SLARP_KEEPALIVE, "KEEPALIVE" }, { 0, NULL },
};

static const struct pkt_field slarp_fields[] = {
        { .name = "type", .off = 0, .bits = 32, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO, .names = slarp_type_names, .def = SLARP_KEEPALIVE },
};

static const struct pkt_field slarp_address_fields[] = {
        { .name = "address", .off = 0,  .bits = 32, .type = PKT_FT_IPV4 },
        { .name = "mask",    .off = 32, .bits = 32, .type = PKT_FT_IPV4, .def = 0xffffff00 },
        { .name = "unused",  .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX },
};

static const struct pkt_field slarp_keepalive_fields[] = {
        PKT_U("mysequence", 0, 32),
        PKT_U("yoursequence", 32, 32),
        { .name = "reliability", .off = 64, .bits = 16, .type = PKT_FT_UINT, .flags = PKT_FF_HEX, .def = 0xffff },
};
/* clang-format on */

enum { F_ADDRESS, F_CONTROL, F_PROTO, F_CLNS_PADDING };
enum { F_TYPE };

static void
chdlc_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t proto = pkt_load_be16(v->b + 2);

        d->hdr_len = CHDLC_HDR_LEN;
        if (proto == CHDLC_PROTO_OSI) {
                d->hdr_len = CHDLC_OSI_HDR_LEN;
                d->next = (uint16_t)pkt_osi_next(v, CHDLC_OSI_HDR_LEN);
                return;
        }
        d->next = proto == CHDLC_PROTO_SLARP ? PKT_PROTO_SLARP
                                             : (uint16_t)pkt_key_lookup(PKT_KEY_ETHERTYPE, proto);
}

/* The protocol the layer above calls for (SLARP's own number, OSI's 0xfefe, else its Ethernet type),
 * and the header the protocol calls for: the padding byte with OSI, added as 0 or dropped. */
static int
chdlc_update(struct pkt *p, unsigned idx)
{
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        int r;

        if (up == PKT_PROTO_SLARP)
                r = pkt_auto_set(p, idx, F_PROTO, CHDLC_PROTO_SLARP);
        else if (up != PKT_PROTO_NONE && pkt_is_osi(up))
                r = pkt_auto_set(p, idx, F_PROTO, CHDLC_PROTO_OSI);
        else
                r = pkt_auto_set_next_type(p, idx, F_PROTO, PKT_KEY_ETHERTYPE);
        if (r < 0)
                return r;
        const struct pkt_layer *l = &p->layers[idx];
        bool osi = pkt_load_be16(p->data + l->off + 2) == CHDLC_PROTO_OSI;
        if (osi && l->hdr_len == CHDLC_HDR_LEN)
                return pkt_layer_splice(p, idx, CHDLC_HDR_LEN, 0, (const uint8_t[1]){ 0 }, 1);
        if (!osi && l->hdr_len == CHDLC_OSI_HDR_LEN)
                return pkt_layer_splice(p, idx, CHDLC_HDR_LEN, 1, NULL, 0);
        return 0;
}

static const struct pkt_key chdlc_carriers[] = {
        { PKT_KEY_DLT, DLT_C_HDLC },
        PKT_KEY_END,
};

static const char *const chdlc_aliases[] = { "cisco_hdlc", NULL };

const struct pkt_proto pkt_proto_chdlc = {
        .name = "chdlc",
        .aliases = chdlc_aliases,
        .summary = "Cisco HDLC framing (DLT_C_HDLC)",
        .id = PKT_PROTO_CHDLC,
        .min_hdr_len = CHDLC_HDR_LEN,
        /* Built with room for the padding byte, so that clns_padding can be set; the update hook drops it
         * unless the protocol is OSI's. */
        .def_hdr_len = CHDLC_OSI_HDR_LEN,
        .fields = chdlc_fields,
        .n_fields = ARRAY_SIZE(chdlc_fields),
        .carriers = chdlc_carriers,
        .dissect = chdlc_dissect,
        .update = chdlc_update,
        .not_dissected = "OSI packets other than IS-IS (ES-IS, CLNP) are raw.",
};

static void
slarp_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint32_t type = pkt_load_be32(v->b);

        d->hdr_len = SLARP_HDR_LEN;
        if (type == SLARP_REQUEST || type == SLARP_REPLY)
                d->next = PKT_PROTO_SLARP_ADDRESS;
        else if (type == SLARP_KEEPALIVE)
                d->next = PKT_PROTO_SLARP_KEEPALIVE;
}

/* The type the body above calls for, unless the type was set: a request when an address body is
 * built on a type left at its default. */
static int
slarp_update(struct pkt *p, unsigned idx)
{
        const uint8_t *h = p->data + p->layers[idx].off;
        unsigned up = idx + 1u < p->n_layers ? p->layers[idx + 1].proto : PKT_PROTO_NONE;
        uint32_t type = pkt_load_be32(h);

        if (up == PKT_PROTO_SLARP_KEEPALIVE && type != SLARP_KEEPALIVE)
                return pkt_auto_set(p, idx, F_TYPE, SLARP_KEEPALIVE);
        if (up == PKT_PROTO_SLARP_ADDRESS && type != SLARP_REQUEST && type != SLARP_REPLY)
                return pkt_auto_set(p, idx, F_TYPE, SLARP_REQUEST);
        return 0;
}

/* A SLARP reply answers a request; a keepalive answers nothing (each side sends its own). */
static bool
slarp_answers(struct pkt *req, unsigned ri, struct pkt *rep, unsigned pi)
{
        const struct pkt_layer *a = pkt_layer(req, ri), *b = pkt_layer(rep, pi);

        return a && b && a->len >= SLARP_HDR_LEN && b->len >= SLARP_HDR_LEN &&
               pkt_load_be32(req->data + a->off) == SLARP_REQUEST &&
               pkt_load_be32(rep->data + b->off) == SLARP_REPLY;
}

const struct pkt_proto pkt_proto_slarp = {
        .name = "slarp",
        .summary = "Cisco Serial Line Address Resolution Protocol and keepalives, in Cisco HDLC",
        .id = PKT_PROTO_SLARP,
        .min_hdr_len = SLARP_HDR_LEN,
        .fields = slarp_fields,
        .n_fields = ARRAY_SIZE(slarp_fields),
        .dissect = slarp_dissect,
        .update = slarp_update,
        .answers = slarp_answers,
};

const struct pkt_proto pkt_proto_slarpaddress = {
        .name = "slarpaddress",
        .summary = "SLARP request or reply: the sender's address and mask",
        .id = PKT_PROTO_SLARP_ADDRESS,
        .min_hdr_len = SLARP_BODY_LEN,
        .fields = slarp_address_fields,
        .n_fields = ARRAY_SIZE(slarp_address_fields),
};

const struct pkt_proto pkt_proto_slarpkeepalive = {
        .name = "slarpkeepalive",
        .summary = "SLARP keepalive: the sequence numbers sent and last seen",
        .id = PKT_PROTO_SLARP_KEEPALIVE,
        .min_hdr_len = SLARP_BODY_LEN,
        .fields = slarp_keepalive_fields,
        .n_fields = ARRAY_SIZE(slarp_keepalive_fields),
};
