/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpkt: the layer engine.
 *
 * A packet is a view: struct pkt points at bytes (borrowed when parsing, owned when building) and keeps a
 * small array of layer records. Parsing records the first layer only; asking for a layer dissects forward
 * up to it and no further. Protocols are data (see <pkt/proto.h>): every generic call here (fields by name,
 * printing, the text spec, building) is driven by their field tables.
 *
 * Errors are negative errno values; see each function. Nothing here prints or logs. All calls are
 * thread-safe on distinct packets; the protocol registry is read-only once registration is done.
 */
#ifndef PKT_PKT_H
#define PKT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Built-in protocol ids. User protocols registered at run time get ids from PKT_PROTO_BUILTIN_MAX up. */
enum pkt_proto_id {
        PKT_PROTO_NONE = 0,
        PKT_PROTO_RAW, /* opaque payload bytes ("raw") */
        /* link */
        PKT_PROTO_ETHERNET,
        PKT_PROTO_DOT1Q,
        PKT_PROTO_LLC,
        PKT_PROTO_LINUXCC,
        PKT_PROTO_LINUXCC2,
        PKT_PROTO_LOOPBACK,
        PKT_PROTO_LOOP, /* BSD loopback with a network-order family (DLT_LOOP) */
        PKT_PROTO_RADIOTAP,
        PKT_PROTO_IEEE80211,
        PKT_PROTO_PPP,
        PKT_PROTO_PPPOE,
        PKT_PROTO_STP,
        PKT_PROTO_DTP,
        PKT_PROTO_ARP,
        /* network */
        PKT_PROTO_IP,
        PKT_PROTO_IP6,
        PKT_PROTO_IP6_HOPOPTS,
        PKT_PROTO_IP6_ROUTING,
        PKT_PROTO_IP6_FRAGMENT,
        PKT_PROTO_IP6_DSTOPTS,
        PKT_PROTO_AH,
        PKT_PROTO_ESP,
        PKT_PROTO_ICMP,
        PKT_PROTO_ICMP_ECHO,
        PKT_PROTO_ICMP_UNREACH,
        PKT_PROTO_ICMP_REDIRECT,
        PKT_PROTO_ICMP_TIMEEXCEED,
        PKT_PROTO_ICMP_PARAMPROB,
        PKT_PROTO_ICMP6,
        PKT_PROTO_ICMP6_ECHO,
        PKT_PROTO_ICMP6_UNREACH,
        PKT_PROTO_ICMP6_TOOBIG,
        PKT_PROTO_ICMP6_TIMEEXCEED,
        PKT_PROTO_ICMP6_PARAMPROB,
        PKT_PROTO_ICMP6_ROUTER_SOLICIT,
        PKT_PROTO_ICMP6_ROUTER_ADVERT,
        PKT_PROTO_ICMP6_NEIGH_SOLICIT,
        PKT_PROTO_ICMP6_NEIGH_ADVERT,
        PKT_PROTO_ICMP6_REDIRECT,
        PKT_PROTO_IGMP,
        PKT_PROTO_PIM,
        PKT_PROTO_OSPF,
        PKT_PROTO_IPX,
        PKT_PROTO_VRRP,
        PKT_PROTO_HSRP,
        /* transport */
        PKT_PROTO_TCP,
        PKT_PROTO_UDP,
        PKT_PROTO_SCTP,
        /* application */
        PKT_PROTO_DNS,
        PKT_PROTO_HTTP,
        PKT_PROTO_SIP,
        PKT_PROTO_NTP,
        PKT_PROTO_RTP,
        PKT_PROTO_DHCP,
        PKT_PROTO_RIP,
        PKT_PROTO_TELNET,
        PKT_PROTO_DIAMETER,
        PKT_PROTO_TLS,
        PKT_PROTO_TPKT,
        PKT_PROTO_PORTMAP,
        PKT_PROTO_RADIUS,
        PKT_PROTO_BGP,
        /* Further ids, one block per group of protocol files: append inside your group's block only. */
        /* wireless (radiotap, 802.11) */
        PKT_PROTO_IEEE80211_BEACON,
        PKT_PROTO_IEEE80211_PROBEREQ,
        PKT_PROTO_IEEE80211_PROBERESP,
        PKT_PROTO_IEEE80211_ASSOCREQ,
        PKT_PROTO_IEEE80211_ASSOCRESP,
        PKT_PROTO_IEEE80211_REASSOCREQ,
        PKT_PROTO_IEEE80211_REASSOCRESP,
        PKT_PROTO_IEEE80211_DISASSOC,
        PKT_PROTO_IEEE80211_AUTH,
        PKT_PROTO_IEEE80211_DEAUTH,
        PKT_PROTO_IEEE80211_ACTION,
        PKT_PROTO_IEEE80211_RTS,
        PKT_PROTO_IEEE80211_CTS,
        PKT_PROTO_IEEE80211_ACK,
        PKT_PROTO_IEEE80211_BLOCKACKREQ,
        PKT_PROTO_IEEE80211_BLOCKACK,
        PKT_PROTO_IEEE80211_DATA,
        PKT_PROTO_IEEE80211_DATA_WDS,
        PKT_PROTO_IEEE80211_WEP,
        PKT_PROTO_IEEE80211_TKIP,
        PKT_PROTO_IEEE80211_CCMP,
        /* link (PPP, PPPoE, STP, DTP, HSRP, VRRP) */
        PKT_PROTO_HDLC, /* PPP in HDLC-like framing: address and control (RFC 1662) */
        /* network (IGMP, PIM, OSPF, IPX) */
        PKT_PROTO_IGMPV3_QUERY,  /* IGMPv3 query body: flags, QQIC, sources (RFC 3376 4.1) */
        PKT_PROTO_IGMPV3_REPORT, /* IGMPv3 report body: group records (RFC 3376 4.2) */
        PKT_PROTO_MLD,           /* MLDv1 body of ICMPv6 130-132: delay, group (RFC 2710) */
        PKT_PROTO_MLDV2_QUERY,   /* MLDv2 query body: group, flags, QQIC, sources (RFC 3810 5.1) */
        PKT_PROTO_MLDV2_REPORT,  /* MLDv2 report body (ICMPv6 143): group records (RFC 3810 5.2) */
        PKT_PROTO_PIM_HELLO,
        PKT_PROTO_PIM_REGISTER,
        PKT_PROTO_PIM_REGISTER_STOP, /* PIM register-stop body: group and source (RFC 7761 4.9.4) */
        PKT_PROTO_PIM_JOIN_PRUNE,    /* PIM join/prune body: upstream neighbor, groups (RFC 7761 4.9.5) */
        PKT_PROTO_PIM_ASSERT,        /* PIM assert body: group, source, metric (RFC 7761 4.9.6) */
        PKT_PROTO_PIM_BOOTSTRAP,     /* PIM bootstrap body: BSR, group ranges, RPs (RFC 5059 4.2) */
        PKT_PROTO_PIM_CRP_ADV,       /* PIM candidate-RP advertisement body (RFC 5059 4.3) */
        PKT_PROTO_OSPF_HELLO,
        PKT_PROTO_OSPF_DBDESC,
        PKT_PROTO_OSPF_LSR,
        PKT_PROTO_OSPF_LSU,
        PKT_PROTO_OSPF_LSACK,
        PKT_PROTO_OSPF6_HELLO, /* OSPFv3 bodies (RFC 5340 A.3.2-A.3.6) */
        PKT_PROTO_OSPF6_DBDESC,
        PKT_PROTO_OSPF6_LSR,
        PKT_PROTO_OSPF6_LSU,
        PKT_PROTO_OSPF6_LSACK,
        /* SCTP and UDP applications (NTP, RTP, DHCP, RIP) */
        /* text applications (HTTP, SIP, Telnet, TPKT/COTP, Portmap) */
        PKT_PROTO_COTP,   /* ISO 8073 connection-oriented transport, inside TPKT */
        PKT_PROTO_RPC,    /* ONC RPC (RFC 5531) call and reply headers */
        PKT_PROTO_RPCRM,  /* ONC RPC record marking over TCP (RFC 5531 11) */
        /* TLV applications (Diameter, TLS, RADIUS, BGP) */
        /* core applications */
        PKT_PROTO_DNSTCP,
        /* tunnels */
        PKT_PROTO_VXLAN, /* Ethernet over UDP (RFC 7348) */
        PKT_PROTO_GRE,   /* Generic Routing Encapsulation (RFC 2784, 2890; PPTP's, RFC 2637) */
        PKT_PROTO_MPLS,  /* MPLS label stack entry (RFC 3032) */
        PKT_PROTO_EOMCW, /* Ethernet pseudowire control word (RFC 4448 4.6) */
        /* link discovery */
        PKT_PROTO_LLDP,  /* Link Layer Discovery Protocol (IEEE 802.1AB) */
        /* address configuration */
        PKT_PROTO_DHCP6,       /* DHCPv6 message (RFC 8415) */
        PKT_PROTO_DHCP6_RELAY, /* DHCPv6 relay message body (RFC 8415 9) */
        /* more tunnels */
        PKT_PROTO_ERSPAN,  /* ERSPAN type II header, in GRE */
        PKT_PROTO_ERSPAN3, /* ERSPAN type III header, in GRE */
        PKT_PROTO_GTP,     /* GPRS Tunnelling Protocol v1 (3GPP TS 29.281, 29.060) */
        /* more link discovery */
        PKT_PROTO_CDP, /* Cisco Discovery Protocol */
        /* serial links */
        PKT_PROTO_CHDLC,           /* Cisco HDLC framing (DLT_C_HDLC) */
        PKT_PROTO_SLARP,           /* Cisco SLARP header: the type */
        PKT_PROTO_SLARP_ADDRESS,   /* SLARP request or reply body */
        PKT_PROTO_SLARP_KEEPALIVE, /* SLARP keepalive body */
        /* OSI routing */
        PKT_PROTO_ISIS,            /* IS-IS common header (ISO/IEC 10589) */
        PKT_PROTO_ISIS_LAN_HELLO,  /* IS-IS LAN hello, level 1 or 2 */
        PKT_PROTO_ISIS_P2P_HELLO,  /* IS-IS point-to-point hello */
        PKT_PROTO_ISIS_LSP,        /* IS-IS link state PDU */
        PKT_PROTO_ISIS_CSNP,       /* IS-IS complete sequence numbers PDU */
        PKT_PROTO_ISIS_PSNP,       /* IS-IS partial sequence numbers PDU */
        /* PPP's control and authentication protocols */
        PKT_PROTO_LCP,                   /* PPP Link Control Protocol (RFC 1661) */
        PKT_PROTO_LCP_PROTOCOL_REJECT,   /* LCP Protocol-Reject body */
        PKT_PROTO_LCP_ECHO,              /* LCP Echo-Request, Echo-Reply, Discard-Request body */
        PKT_PROTO_LCP_IDENTIFICATION,    /* LCP Identification body (RFC 1570) */
        PKT_PROTO_LCP_TIME_REMAINING,    /* LCP Time-Remaining body (RFC 1570) */
        PKT_PROTO_IPCP,                  /* PPP IP Control Protocol (RFC 1332) */
        PKT_PROTO_IPV6CP,                /* PPP IPv6 Control Protocol (RFC 5072) */
        PKT_PROTO_CCP,                   /* PPP Compression Control Protocol (RFC 1962) */
        PKT_PROTO_PAP,                   /* PPP Password Authentication Protocol (RFC 1334) */
        PKT_PROTO_PAP_REQUEST,           /* PAP Authenticate-Request body */
        PKT_PROTO_PAP_RESPONSE,          /* PAP Authenticate-Ack or -Nak body */
        PKT_PROTO_CHAP,                  /* PPP Challenge-Handshake Authentication Protocol (RFC 1994) */
        PKT_PROTO_CHAP_CHALLENGE,        /* CHAP Challenge or Response body */
        PKT_PROTO_CHAP_RESULT,           /* CHAP Success or Failure body */
        /* real-time media control */
        PKT_PROTO_RTCP, /* RTP Control Protocol, one packet of a compound (RFC 3550 6) */
        PKT_PROTO_STUN, /* Session Traversal Utilities for NAT (RFC 8489) */
        /* port-based access control (802.1X) and Wi-Fi's key handshakes */
        PKT_PROTO_EAPOL,          /* EAP over LANs (IEEE 802.1X) */
        PKT_PROTO_EAPOL_KEY,      /* EAPOL-Key, RSN or WPA descriptor (IEEE 802.11 12.7.2) */
        PKT_PROTO_EAPOL_RC4_KEY,  /* EAPOL-Key, RC4 descriptor (IEEE 802.1X-2001) */
        PKT_PROTO_EAPOL_KEY_DATA, /* EAPOL-Key key data in the clear: elements and KDEs */
        PKT_PROTO_EAP,            /* Extensible Authentication Protocol (RFC 3748) */
        PKT_PROTO_EAP_IDENTITY,   /* EAP method bodies: Identity */
        PKT_PROTO_EAP_NAK,        /* Nak */
        PKT_PROTO_EAP_MD5,        /* MD5-Challenge */
        PKT_PROTO_EAP_TLS,        /* TLS, TTLS, PEAP, FAST, TEAP */
        PKT_PROTO_EAP_SIM,        /* SIM, AKA, AKA' */
        PKT_PROTO_EAP_LEAP,       /* Cisco LEAP */
        PKT_PROTO_EAP_EXPANDED,   /* Expanded type: vendor and type */
        PKT_PROTO_EAP_METHOD,     /* any other method: type and data */
        /* link aggregation */
        PKT_PROTO_SLOW,        /* IEEE 802.3 slow protocols: the subtype */
        PKT_PROTO_LACP,        /* Link Aggregation Control Protocol (IEEE 802.1AX) */
        PKT_PROTO_LACP_MARKER, /* LACP's Marker protocol */
        PKT_PROTO_NBNS,        /* NetBIOS Name Service (RFC 1002 4.2) */
        PKT_PROTO_NBDGM,       /* NetBIOS Datagram Service (RFC 1002 4.4): the header */
        PKT_PROTO_NBDGM_DATA,  /* its direct unique, direct group and broadcast datagrams */
        PKT_PROTO_NBDGM_ERROR, /* its error datagram */
        PKT_PROTO_NBDGM_QUERY, /* its query request and responses */
        PKT_PROTO_NBSS,          /* NetBIOS Session Service (RFC 1002 4.3): the message header */
        PKT_PROTO_NBSS_REQUEST,  /* its session request: the called and calling names */
        PKT_PROTO_NBSS_NEGATIVE, /* its negative session response */
        PKT_PROTO_NBSS_RETARGET, /* its retarget session response */
        PKT_PROTO_SMB2,          /* SMB2/SMB3 packet header, synchronous (MS-SMB2 2.2.1.2) */
        PKT_PROTO_SMB2_ASYNC,    /* the asynchronous form (MS-SMB2 2.2.1.1) */
        PKT_PROTO_SMB,           /* SMB1/CIFS message header (MS-CIFS 2.2.3.1) */
        PKT_PROTO_SMB2_TRANSFORM,  /* SMB3 transform header: an encrypted message (MS-SMB2 2.2.41) */
        PKT_PROTO_SMB2_COMPRESSED, /* SMB3 compression transform header (MS-SMB2 2.2.42) */
        /* IPsec's key exchange */
        PKT_PROTO_ISAKMP,   /* ISAKMP, IKEv1 and IKEv2 (RFC 2408, RFC 7296) */
        PKT_PROTO_UDPENCAP, /* UDP encapsulation of IPsec (RFC 3948): the non-ESP marker */
        /* NTP's other message formats, which NTP's port hands over by mode */
        PKT_PROTO_NTPCTRL, /* control messages, mode 6 (RFC 9327) */
        PKT_PROTO_NTPPRIV, /* ntpd's private messages, mode 7 */
        PKT_PROTO_HSRP2,   /* HSRP version 2, which HSRP's ports hand over by its first TLV */
        PKT_PROTO_HSRPADV, /* HSRP's Advertise message (opcode 3) */
        /* Secure Shell's transport (RFC 4253), in its forms */
        PKT_PROTO_SSH,           /* a binary packet in clear */
        PKT_PROTO_SSH_BANNER,    /* the identification line */
        PKT_PROTO_SSH_KEXINIT,   /* KEXINIT */
        PKT_PROTO_SSH_NEWKEYS,   /* NEWKEYS */
        PKT_PROTO_SSH_ENCRYPTED, /* a packet after NEWKEYS (or any not in clear) */
        /* ICMP's timestamp and address mask messages */
        PKT_PROTO_ICMP_TSTAMP, /* timestamp and timestamp reply body (RFC 792) */
        PKT_PROTO_ICMP_MASK,   /* address mask request and reply body (RFC 950) */
        PKT_PROTO_BUILTIN_MAX,
        /* Room for protocols registered at run time; ids are small so layer records stay small. */
        PKT_PROTO_MAX = 256,
};

/* Deepest layer stack we record. Why 32: QinQ + PPPoE + PPP + IPv6 with a dozen extension headers + ICMP
 * quoting a whole second stack still fits, and the records stay about 1 KiB. A deeper stack ends in a
 * raw layer holding the rest (the last record is kept for it). */
#define PKT_LAYERS_MAX 32

enum pkt_layer_flags {
        PKT_LAYER_TRUNCATED = 1u << 0, /* the capture ended before the header did (snap length) */
        PKT_LAYER_MALFORMED = 1u << 1, /* the header contradicts itself or its reported length */
        PKT_LAYER_DISSECTED = 1u << 2, /* header length and next layer known (private to the engine) */
        PKT_LAYER_DIRTY = 1u << 3,     /* a field changed since parsing: auto fields need a refresh */
        PKT_LAYER_DIRTY_PSEUDO = 1u << 4, /* a field that upper layers' pseudo-headers cover changed */
        PKT_LAYER_AS_WRITTEN = 1u << 5,   /* kept as written: not re-encoded (pkt_layer_keep_as_written()) */
};

/* One layer of a packet. Read the fields; they are written only by the engine. */
struct pkt_layer {
        uint16_t proto;    /* enum pkt_proto_id or a registered id */
        uint16_t flags;    /* enum pkt_layer_flags */
        uint32_t off;      /* first byte, from the start of the packet */
        uint32_t hdr_len;  /* header bytes (valid once dissected; up to len when truncated) */
        uint32_t len;      /* captured bytes of header + payload (the layer's own idea of its length) */
        uint32_t wire_len; /* reported bytes of header + payload (>= len; larger when cut by snap length) */
        uint64_t set_mask; /* fields set explicitly by the user: never auto-updated (bit = field index) */
};

enum pkt_flags {
        PKT_F_OWNED = 1u << 0,    /* data is ours: freed by pkt_done(), may grow */
        PKT_F_WRITABLE = 1u << 1, /* fields may be changed in place */
        PKT_F_COMPLETE = 1u << 2, /* dissection reached the last layer */
        PKT_F_RESIZED = 1u << 3,  /* a layer changed size: every length and checksum is refreshed */
};

/*
 * A packet: bytes and layer records. Treat the members as private and use the calls below; the struct is
 * public so that it can live on the stack and be reused for every packet of a capture.
 */
struct pkt {
        uint8_t *data;
        uint32_t len;      /* captured bytes */
        uint32_t wire_len; /* bytes on the wire */
        uint32_t cap;      /* allocated bytes when PKT_F_OWNED */
        uint16_t flags;    /* enum pkt_flags */
        uint8_t n_layers;
        uint8_t reserved;
        struct pkt_layer layers[PKT_LAYERS_MAX];
};

/* ---- life cycle ---- */

/* Prepares @p (caller's storage) as an empty packet. Never fails. */
void pkt_init(struct pkt *p);

/* Frees what @p owns and leaves it empty, ready for reuse. @p may be NULL. Always returns NULL. */
struct pkt *pkt_done(struct pkt *p);

/* ---- parsing (lazy, borrowing) ---- */

/*
 * Starts dissecting @caplen bytes at @data as a packet whose first layer is @first, @wire_len bytes long
 * on the wire (pass @caplen when unknown). Records only the first layer; nothing is allocated or copied,
 * and @data must stay valid and unchanged while @p refers to it. Whatever @p owned is freed first.
 * A @wire_len below @caplen is taken as @caplen. Returns 0, or -EINVAL when @first is not a registered
 * protocol.
 *
 * Inline for the case of every packet of a capture, a built-in first layer (always registered) on a
 * packet that owns nothing; pkt_parse_general() takes every other, checks included.
 */
int pkt_parse_general(struct pkt *p, unsigned first, const void *data, size_t caplen, size_t wire_len);

/* pkt_parse()'s stores, once its checks passed (shared with pkt_parse_general()): call pkt_parse(). */
static inline void
pkt_parse_record_(struct pkt *p, unsigned first, const void *data, size_t caplen, size_t wire_len)
{
        /* The bytes stay const: without PKT_F_WRITABLE no call writes through this pointer. */
        p->data = (uint8_t *)(uintptr_t)data;
        p->len = (uint32_t)caplen;
        p->wire_len = (uint32_t)(wire_len < caplen ? caplen : wire_len);
        p->cap = 0;
        p->flags = 0;
        p->n_layers = 1;
        p->layers[0].proto = (uint16_t)first;
        p->layers[0].flags = 0;
        p->layers[0].off = 0;
        p->layers[0].hdr_len = 0;
        p->layers[0].len = p->len;
        p->layers[0].wire_len = p->wire_len;
        p->layers[0].set_mask = 0;
}

static inline int
pkt_parse(struct pkt *p, unsigned first, const void *data, size_t caplen, size_t wire_len)
{
        if (!p || first - 1u >= PKT_PROTO_BUILTIN_MAX - 1u || (!data && caplen != 0) ||
            caplen > UINT32_MAX || wire_len > UINT32_MAX || (p->flags & PKT_F_OWNED))
                return pkt_parse_general(p, first, data, caplen, wire_len);
        pkt_parse_record_(p, first, data, caplen, wire_len);
        return 0;
}

/* As pkt_parse(), but the caller lets fields be changed in place in @data (same-size changes only). */
int pkt_parse_writable(struct pkt *p, unsigned first, void *data, size_t caplen, size_t wire_len);

/* Maps a pcap link type (DLT_*) to the protocol of the first layer. Returns the id, or -ENOENT. */
int pkt_proto_for_dlt(int dlt);

/* As pkt_proto_for_dlt(), but looks at the frame where the link type leaves the protocol open (raw IP
 * link types carry IPv4 or IPv6: the version nibble tells; DLT_NULL's family is in the capturing host's
 * byte order: which half of it is zero tells, and a big-endian one gets the DLT_LOOP layer). */
int pkt_proto_for_frame(int dlt, const void *data, size_t caplen);

/* pkt_parse() with the first layer chosen by pkt_proto_for_frame(); an unknown link type makes one raw
 * layer. Returns 0 or -EINVAL. */
int pkt_parse_dlt(struct pkt *p, int dlt, const void *data, size_t caplen, size_t wire_len);

/* Dissects every layer. Returns the number of layers. */
unsigned pkt_dissect_all(struct pkt *p);

/* ---- layers ---- */

/*
 * Finds the first layer of @proto at index @from or later, dissecting lazily up to it and no further.
 * The record belongs to @p and is valid until @p is parsed again, modified in size or freed.
 * Returns its index, or -ENOENT when there is no such layer; truncated and malformed layers still count.
 */
int pkt_layer_find(struct pkt *p, unsigned proto, unsigned from);

/*
 * As pkt_layer_find(), for the first layer at index @from or later whose protocol is any of the @n
 * in @protos (the transport layer, whichever it is: { PKT_PROTO_TCP, PKT_PROTO_UDP }). One call walks
 * as far as it has to, so it is cheaper than asking for layers one by one. Returns the index or -ENOENT.
 */
int pkt_layer_find_any(struct pkt *p, const unsigned *protos, unsigned n, unsigned from);

/*
 * Finds @n layers that follow each other as @protos, starting at the first @protos[0] (pypacker's
 * pkt[Ethernet, IP, TCP]). Returns the index of the first, or -ENOENT.
 */
int pkt_layer_find_seq(struct pkt *p, const unsigned *protos, unsigned n);

/* Index of the nearest layer below @idx with protocol @proto (the IP layer under a TCP one), or
 * -ENOENT. Layers below a found layer are always dissected already. */
int pkt_layer_below(struct pkt *p, unsigned idx, unsigned proto);

/* The out-of-line part of pkt_layer(): dissects up to layer @idx. Call pkt_layer(). */
const struct pkt_layer *pkt_layer_dissect(struct pkt *p, unsigned idx);

/* Returns layer @idx, dissecting up to it; NULL when the packet has fewer layers. pkt_layer(p, i - 1) and
 * pkt_layer(p, i + 1) are the lower and upper layers. Inline: a dissected layer costs a test. */
static inline const struct pkt_layer *
pkt_layer(struct pkt *p, unsigned idx)
{
        if (p && idx < PKT_LAYERS_MAX && idx < p->n_layers &&
            (p->layers[idx].flags & PKT_LAYER_DISSECTED))
                return &p->layers[idx];
        return pkt_layer_dissect(p, idx);
}

/* Header and payload of layer @idx: pointer and length (captured bytes). NULL/0 when @idx is out of range. */
const uint8_t *pkt_layer_header(struct pkt *p, unsigned idx, size_t *ret_len);
const uint8_t *pkt_layer_payload(struct pkt *p, unsigned idx, size_t *ret_len);

/* Bytes inside layer @idx after its upper layer ends (Ethernet padding, trailers), or, with no upper
 * layer, after its header (DHCP's pad after its end option). NULL/0 when there are none. */
const uint8_t *pkt_layer_trailer(struct pkt *p, unsigned idx, size_t *ret_len);

/* Iterates every layer, dissecting as it goes: PKT_LAYER_FOREACH(p, i) { ... pkt_layer(p, i) ... } */
#define PKT_LAYER_FOREACH(p, i) for (unsigned i = 0; pkt_layer((p), i); i++)

/* Whole-packet bytes. */
static inline const uint8_t *
pkt_data(const struct pkt *p)
{
        return p->data;
}

static inline size_t
pkt_len(const struct pkt *p)
{
        return p->len;
}

/* ---- protocols ---- */

/* Looks a protocol up by name (pypacker class name in lower case, e.g. "ip6", "echo") or alias. When
 * two protocols share a name (ICMP's and ICMPv6's "echo"), the one carried by @context wins; pass
 * PKT_PROTO_NONE for no context. Returns the id, or -ENOENT. */
int pkt_proto_by_name(const char *name, unsigned context);

/* Name of protocol @id ("?" when unknown). */
const char *pkt_proto_name(unsigned id);

/* ---- fields ---- */

/* Field handle: a layer, and a field of its table or of one of its repeated elements. */
struct pkt_elem;

/* Number of fields in the table of protocol @proto; 0 when unknown. */
unsigned pkt_field_count(unsigned proto);

/* Index of field @name in protocol @proto's table, or -ENOENT. */
int pkt_field_index(unsigned proto, const char *name);

/*
 * Reads field @name of layer @idx as an unsigned integer (uint, flags, enum; MAC and IPv4 as their
 * big-endian value). Returns 0, -ENOENT (no such layer or field), -ENODATA (beyond the captured bytes),
 * -EINVAL (not an integer field).
 */
int pkt_field_get_u64(struct pkt *p, unsigned idx, const char *name, uint64_t *ret);

/* Reads a field of any type as text ("192.0.2.1", "SYN|ACK", "0x0800", "example.com"). Writes at most
 * @size bytes including the NUL. Returns the text length, -ENOENT, -ENODATA or -EMSGSIZE (@buf too small;
 * the text is cut). */
int pkt_field_get_str(struct pkt *p, unsigned idx, const char *name, char *buf, size_t size);

/* Points at the raw bytes of field @name (whole bytes only). Valid until @p changes. */
int pkt_field_get_bytes(struct pkt *p, unsigned idx, const char *name, const uint8_t **ret_data,
                        size_t *ret_len);

/*
 * Writes field @name of layer @idx and marks it explicitly set (it will not be auto-updated; see
 * pkt_field_unset()). From text, the value may be decimal, 0x-hex, dotted IPv4, IPv6 text, a colon MAC,
 * flag names joined by '|' (or one-letter ones run together: "PA"), an enum value name, a quoted string
 * with C escapes or hex bytes.
 * Returns 0, -ENOENT, -ERANGE (too wide), -EINVAL (unparsable text), -EROFS (a parsed read-only packet:
 * use pkt_parse_writable() or pkt_copy()), -ENOMEM (a variable field grew an owned packet).
 */
int pkt_field_set_u64(struct pkt *p, unsigned idx, const char *name, uint64_t value);
int pkt_field_set_str(struct pkt *p, unsigned idx, const char *name, const char *text);
int pkt_field_set_bytes(struct pkt *p, unsigned idx, const char *name, const void *data, size_t len);

/* Gives field @name back to auto-update (or, with @is_auto false, stops auto-updating it). */
int pkt_field_set_auto(struct pkt *p, unsigned idx, const char *name, bool is_auto);

/*
 * Keeps layer @idx as written when it is serialised (@keep), or lets its protocol re-encode it: the
 * switch its protocol names (DNS's "compress", off: names stay as given, as scapy and pypacker build
 * them; on, the default: compressed). Specs and JSON give it as that name, `dns(compress=no)`, and
 * pkt_field_set_str() takes it (0/1, no/yes, false/true, off/on). Returns 0, -ENOENT (no such layer)
 * or -EOPNOTSUPP (the protocol re-encodes nothing).
 */
int pkt_layer_keep_as_written(struct pkt *p, unsigned idx, bool keep);

/* Is layer @idx kept as written: switched so, or parsed with bytes its protocol would re-encode (a DNS
 * message whose names could be compressed and are not)? */
bool pkt_layer_is_as_written(struct pkt *p, unsigned idx);

/* The name of the encoding switch of protocol @proto ("compress"), or NULL. */
const char *pkt_proto_encoding_switch(unsigned proto);

/* ---- building ---- */

/* Appends a layer of @proto with its default header. Returns the new layer's index, -ENOMEM, -EINVAL
 * (unknown protocol), -EMSGSIZE (PKT_LAYERS_MAX reached) or -EROFS (a borrowed packet). */
int pkt_push(struct pkt *p, unsigned proto);

/* Appends a layer of @proto with no header bytes: what dissection records for a segment in the middle
 * of a message (a TLS or NBSS continuation), whose bytes are the raw layer above. Returns as pkt_push(),
 * or -EINVAL when every header of @proto has bytes (its min_hdr_len is not 0). */
int pkt_push_empty(struct pkt *p, unsigned proto);

/* Appends @len payload bytes as a "raw" layer. Returns its index or as pkt_push(). */
int pkt_push_raw(struct pkt *p, const void *data, size_t len);

/* Appends @len bytes to layer @idx after its upper layers, as its trailer (Ethernet padding; what
 * pkt_layer_trailer() reads back). Returns 0, -ENOENT (no such layer), -ENOMEM or -EMSGSIZE. */
int pkt_trailer_append(struct pkt *p, unsigned idx, const void *data, size_t len);

/* Appends a copy of every layer of @src (pypacker's +). Returns the index of the first appended layer. */
int pkt_append(struct pkt *p, const struct pkt *src);

/* Makes @dst an owned, writable copy of @src (dissected as far as @src was). Returns 0 or -ENOMEM. */
int pkt_copy(struct pkt *dst, const struct pkt *src);

enum pkt_serialize_flags {
        PKT_SER_NO_AUTO = 1u << 0, /* leave lengths, types and checksums as they are */
};

/*
 * Recomputes the auto fields (lengths, header lengths, next-layer types, checksums) of the layers that
 * changed, top layer first, skipping fields set explicitly, and returns the packet's bytes. A parsed
 * packet nobody changed comes back byte for byte as it came in. @ret_data is valid until @p changes.
 * Returns the length (>= 0), -EROFS, or -ERANGE when a computed value does not fit its field (options
 * beyond a 4-bit header length, a datagram over 64 KiB): set that field explicitly to write it anyway.
 */
int pkt_serialize(struct pkt *p, unsigned flags, const uint8_t **ret_data);

/* What a negative pkt_serialize() result means, in one line for a user (never NULL). */
const char *pkt_serialize_strerror(int err);

/* ---- the text spec ---- */

/*
 * Builds a packet from a spec such as
 *   ethernet(dst=ff:ff:ff:ff:ff:ff)/ip(src=192.0.2.1,dst=192.0.2.2)/tcp(dport=80,flags=SYN)/raw("GET /")
 * into @p, which must hold a packet or have been through pkt_init() (it is emptied first, and what it
 * owned is freed). On failure, writes a message naming the layer, field and reason to @err (may be
 * NULL) and returns -EINVAL, -ENOENT (unknown layer or field), -ERANGE or -ENOMEM.
 */
int pkt_build(struct pkt *p, const char *spec, char *err, size_t err_size);

/* As pkt_build(), and on failure also sets *@ret_pos (when not NULL; untouched on success) to the
 * byte offset in @spec of what failed: the layer (unknown layer, unbalanced quotes or brackets), the
 * argument (unknown field, not name=value), the value (does not parse or fit), the element of an
 * element list, or the end of @spec (empty spec). For people and for clients that point at the spot. */
int pkt_build_at(struct pkt *p, const char *spec, char *err, size_t err_size, size_t *ret_pos);

/* ---- walking every field (printers, JSON) ---- */

enum pkt_visit_event {
        PKT_VISIT_LAYER_BEGIN, /* @name: layer name, @layer set */
        PKT_VISIT_FIELD,       /* @name: field name, @value set */
        PKT_VISIT_SET_BEGIN,   /* @name: element set ("opts") */
        /* @name: element name ("opt"), @value->u its struct pkt_elem flags, @value->bytes and
         * n_bytes the element's bytes (where it lies in its layer) */
        PKT_VISIT_ELEM_BEGIN,
        PKT_VISIT_ELEM_END,
        PKT_VISIT_SET_END,
        PKT_VISIT_LAYER_END,
};

struct pkt_value {
        bool is_int;        /* an integer field: @u holds it (@is_signed: as two's complement of @bits) */
        bool is_signed;
        uint8_t type;       /* enum pkt_field_type */
        uint16_t flags;     /* enum pkt_field_flags */
        uint32_t bits;
        uint64_t u;
        const char *text;   /* the value as text (names for enums and flags); long values are cut */
        const uint8_t *bytes; /* bytes or string on whole bytes: the value's bytes, however long */
        uint32_t n_bytes;
};

typedef int (*pkt_visit_fn)(void *ctx, enum pkt_visit_event ev, const char *name,
                            const struct pkt_layer *layer, const struct pkt_value *value);

/* Dissects @p fully and calls @fn for each layer, field (combined fields too, flagged PKT_FF_COMBINED,
 * before their parts), element set and element, in wire order. Fields beyond the captured bytes are
 * skipped.
 * Returns 0, or the first negative value @fn returned. */
int pkt_visit(struct pkt *p, pkt_visit_fn fn, void *ctx);

/* ---- printing ---- */

/* Appends to a growing text buffer; used by the printers so that callers choose where text goes. */
typedef int (*pkt_write_fn)(void *ctx, const char *text, size_t len);

/* Prints every layer, one block each with field names and values, pypacker style. Returns 0 or what
 * @write returned when negative. */
int pkt_print(struct pkt *p, pkt_write_fn write, void *ctx);

/* Prints a hexdump of @len bytes at @data (16 per line, offset, hex, ASCII). */
int pkt_hexdump(const uint8_t *data, size_t len, pkt_write_fn write, void *ctx);

/* ---- direction and answers ---- */

enum pkt_direction {
        PKT_DIR_UNKNOWN = 0,
        PKT_DIR_SAME = 1u << 0,
        PKT_DIR_REV = 1u << 1,
};

/* pypacker's direction: compares @a with @b layer by layer (both must have the same protocols at each
 * level compared) and combines the answers with AND. Returns a mask of enum pkt_direction. */
unsigned pkt_direction(struct pkt *a, struct pkt *b);

/* Swaps source and destination (addresses, ports) in every layer that has them. Returns 0 or -EROFS. */
int pkt_reverse_address(struct pkt *p);

/* Tells whether @reply answers @request (ARP, ICMP echo by id/seq, ICMP/ICMPv6 errors by the quoted
 * packet, TCP by ports and seq/ack, UDP by ports). */
bool pkt_answers(struct pkt *request, struct pkt *reply);

#ifdef __cplusplus
}
#endif

#endif
