/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux cooked capture, version 1 (LINKTYPE_LINUX_SLL, DLT 113: what libpcap writes for the "any"
 * device and for links without a usable link-layer header; see pcap-linktype(7) and
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          packet type          |      ARPHRD_ type             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   link-layer address length   |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |           link-layer address (8 bytes, zero padded)           |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |           protocol            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The protocol is an ethertype from 0x0600 on; below, a Linux ETH_P_ value: 0x0004 (ETH_P_802_2)
 * means an 802.2 LLC header follows, 0x0001 (ETH_P_802_3) Novell "raw" 802.3, that is IPX. For a
 * few link types the ARPHRD_ type rather than a small protocol value names the payload (radiotap,
 * netlink): those are looked up by ARPHRD_ value (PKT_KEY_ARPHRD), as tshark does.
 */
#include "internal.h"

#define SLL_HDR_LEN   16
#define SLL_TYPE_MIN  0x0600
#define ETH_P_802_3   0x0001
#define ETH_P_802_2   0x0004
#define ETHERTYPE_IPX 0x8137
#define ARPHRD_ETHER  1

extern const struct pkt_name pkt_link_ethertype_names[]; /* ethernet.c */

/* clang-format off */
/* Linux <linux/if_packet.h> PACKET_*: where the packet went. Shared with linuxcc2. */
const struct pkt_name pkt_sll_pkttype_names[] = {
        { 0, "HOST" }, { 1, "BROADCAST" }, { 2, "MULTICAST" }, { 3, "OTHERHOST" }, { 4, "OUTGOING" },
        { 5, "LOOPBACK" }, { 6, "USER" }, { 7, "KERNEL" }, { 0, NULL },
};

/* Linux <linux/if_arp.h> ARPHRD_*: the kind of link. Shared with linuxcc2. */
const struct pkt_name pkt_sll_arphrd_names[] = {
        { 1, "ETHER" }, { 6, "IEEE802" }, { 15, "DLCI" }, { 19, "ATM" }, { 24, "IEEE1394" },
        { 32, "INFINIBAND" }, { 280, "CAN" }, { 512, "PPP" }, { 513, "CISCO" }, { 519, "RAWIP" },
        { 768, "TUNNEL" }, { 769, "TUNNEL6" }, { 770, "FRAD" }, { 772, "LOOPBACK" }, { 774, "FDDI" },
        { 776, "SIT" }, { 778, "IPGRE" }, { 801, "IEEE80211" }, { 802, "IEEE80211_PRISM" },
        { 803, "IEEE80211_RADIOTAP" }, { 804, "IEEE802154" }, { 823, "IP6GRE" }, { 824, "NETLINK" },
        { 65534, "NONE" }, { 65535, "VOID" }, { 0, NULL },
};

static const struct pkt_field sll_fields[] = {
        { .name = "dir",      .off = 0,   .bits = 16, .type = PKT_FT_ENUM, .names = pkt_sll_pkttype_names },
        { .name = "addrtype", .off = 16,  .bits = 16, .type = PKT_FT_ENUM, .names = pkt_sll_arphrd_names, .def = ARPHRD_ETHER },
        { .name = "addrlen",  .off = 32,  .bits = 16, .type = PKT_FT_UINT, .def = 6 },
        { .name = "info",     .off = 48,  .bits = 64, .type = PKT_FT_BYTES },
        { .name = "type",     .off = 112, .bits = 16, .type = PKT_FT_ENUM, .flags = PKT_FF_AUTO | PKT_FF_HEX,
          .names = pkt_link_ethertype_names, .def = 0x0800 },
};
/* clang-format on */

enum { F_DIR, F_ADDRTYPE, F_ADDRLEN, F_INFO, F_TYPE };

/* The payload's protocol from a cooked header's protocol and ARPHRD_ type. Shared with linuxcc2. */
unsigned
pkt_sll_next(uint16_t protocol, uint16_t hatype)
{
        unsigned next;

        if (protocol >= SLL_TYPE_MIN)
                return pkt_key_lookup(PKT_KEY_ETHERTYPE, protocol);
        /* Below 0x0600 some link types say nothing useful in the protocol field (802.11 monitor
         * frames say 802.2, netlink its family): their ARPHRD_ type names the payload. Never for an
         * Ethernet device, whose frames the protocol field always describes. */
        next = hatype != ARPHRD_ETHER ? pkt_key_lookup(PKT_KEY_ARPHRD, hatype) : PKT_PROTO_NONE;
        if (next != PKT_PROTO_NONE)
                return next;
        if (protocol == ETH_P_802_2)
                return PKT_PROTO_LLC;
        if (protocol == ETH_P_802_3)
                return pkt_key_lookup(PKT_KEY_ETHERTYPE, ETHERTYPE_IPX);
        return PKT_PROTO_NONE;
}

/* The protocol value a cooked header gets for upper layer @up, or -ENOENT. Shared with linuxcc2. */
int
pkt_sll_protocol(unsigned up, uint32_t *ret)
{
        if (up == PKT_PROTO_LLC) {
                *ret = ETH_P_802_2;
                return 0;
        }
        return pkt_carrier_key(up, PKT_KEY_ETHERTYPE, ret);
}

static void
sll_dissect(const struct pkt_view *v, struct pkt_dissect *d)
{
        uint16_t hatype = (uint16_t)(v->b[2] << 8 | v->b[3]);
        uint16_t protocol = (uint16_t)(v->b[14] << 8 | v->b[15]);

        d->hdr_len = SLL_HDR_LEN;
        d->next = (uint16_t)pkt_sll_next(protocol, hatype);
}

static int
sll_update(struct pkt *p, unsigned idx)
{
        uint32_t type;

        if (idx + 1u < p->n_layers && pkt_sll_protocol(p->layers[idx + 1].proto, &type) == 0)
                return pkt_auto_set(p, idx, F_TYPE, type);
        return 0;
}

static const struct pkt_key sll_carriers[] = {
        { PKT_KEY_DLT, 113 }, /* DLT_LINUX_SLL */
        PKT_KEY_END,
};

static const char *const sll_aliases[] = { "sll", "cookedlinux", NULL };

const struct pkt_proto pkt_proto_linuxcc = {
        .name = "linuxcc",
        .aliases = sll_aliases,
        .summary = "Linux cooked capture v1 (DLT_LINUX_SLL)",
        .id = PKT_PROTO_LINUXCC,
        .min_hdr_len = SLL_HDR_LEN,
        .fields = sll_fields,
        .n_fields = ARRAY_SIZE(sll_fields),
        .carriers = sll_carriers,
        .dissect = sll_dissect,
        .update = sll_update,
};
