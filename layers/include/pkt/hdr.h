/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire headers and fast typed accessors for the hot fields of Ethernet, IPv4, IPv6, TCP, UDP and DNS: what a C
 * program walking millions of packets uses instead of fields by name. They agree with the by-name
 * fields (tests check it).
 *
 * Contract for every accessor: @idx is a layer index of that protocol, as returned by pkt_layer_find(),
 * whose header is complete (hdr_len >= the protocol's minimum: true unless the layer is flagged
 * PKT_LAYER_TRUNCATED or PKT_LAYER_MALFORMED). Setters need a packet from pkt_parse_writable() or one
 * that was built; they mark the layer so that pkt_serialize() refreshes its checksums.
 */
#ifndef PKT_HDR_H
#define PKT_HDR_H

#include <stdint.h>
#include <string.h>

#include <pkt/pkt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Byte order is part of the type: these hold network-order bytes and are read with pkt_load_be*(). */
typedef struct {
        uint8_t b[2];
} pkt_be16;
typedef struct {
        uint8_t b[4];
} pkt_be32;

static inline uint16_t
pkt_load_be16(const void *p)
{
        const uint8_t *b = (const uint8_t *)p;
        return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
pkt_load_be32(const void *p)
{
        const uint8_t *b = (const uint8_t *)p;
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void
pkt_store_be16(void *p, uint16_t v)
{
        uint8_t *b = (uint8_t *)p;
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
}

static inline void
pkt_store_be32(void *p, uint32_t v)
{
        uint8_t *b = (uint8_t *)p;
        b[0] = (uint8_t)(v >> 24);
        b[1] = (uint8_t)(v >> 16);
        b[2] = (uint8_t)(v >> 8);
        b[3] = (uint8_t)v;
}

struct pkt_eth_hdr {
        uint8_t dst[6];
        uint8_t src[6];
        pkt_be16 type;
};

struct pkt_ipv4_hdr {
        uint8_t v_hl;
        uint8_t tos;
        pkt_be16 len;
        pkt_be16 id;
        pkt_be16 off;
        uint8_t ttl;
        uint8_t p;
        pkt_be16 sum;
        uint8_t src[4];
        uint8_t dst[4];
};

struct pkt_ipv6_hdr {
        pkt_be32 v_fc_flow;
        pkt_be16 dlen;
        uint8_t nxt;
        uint8_t hlim;
        uint8_t src[16];
        uint8_t dst[16];
};

struct pkt_tcp_hdr {
        pkt_be16 sport;
        pkt_be16 dport;
        pkt_be32 seq;
        pkt_be32 ack;
        uint8_t off_x2;
        uint8_t flags;
        pkt_be16 win;
        pkt_be16 sum;
        pkt_be16 urp;
};

struct pkt_udp_hdr {
        pkt_be16 sport;
        pkt_be16 dport;
        pkt_be16 ulen;
        pkt_be16 sum;
};

/* The fixed 12 bytes of a DNS message (RFC 1035 4.1.1); the layer's header runs on over the records. */
struct pkt_dns_hdr {
        pkt_be16 id;
        pkt_be16 flags;
        pkt_be16 qdcount;
        pkt_be16 ancount;
        pkt_be16 nscount;
        pkt_be16 arcount;
};

/* TCP flag bits (RFC 9293 3.1, RFC 3168). */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10
#define PKT_TCP_URG 0x20
#define PKT_TCP_ECE 0x40
#define PKT_TCP_CWR 0x80

/* The header of layer @idx. */
static inline const uint8_t *
pkt_hdr(const struct pkt *p, unsigned idx)
{
        return p->data + p->layers[idx].off;
}

static inline uint8_t *
pkt_hdr_mut(struct pkt *p, unsigned idx, int is_pseudo)
{
        p->layers[idx].flags |= (uint16_t)(PKT_LAYER_DIRTY | (is_pseudo ? PKT_LAYER_DIRTY_PSEUDO : 0));
        return p->data + p->layers[idx].off;
}

#define PKT_HDR(type, p, idx) ((const struct type *)(const void *)pkt_hdr((p), (idx)))

/* Ethernet */
static inline const uint8_t *pkt_eth_dst(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_eth_hdr, p, i)->dst; }
static inline const uint8_t *pkt_eth_src(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_eth_hdr, p, i)->src; }
static inline uint16_t pkt_eth_type(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_eth_hdr, p, i)->type); }

/* IPv4: addresses in host order (192.0.2.1 is 0xc0000201) */
static inline uint32_t pkt_ip_src(const struct pkt *p, unsigned i) { return pkt_load_be32(PKT_HDR(pkt_ipv4_hdr, p, i)->src); }
static inline uint32_t pkt_ip_dst(const struct pkt *p, unsigned i) { return pkt_load_be32(PKT_HDR(pkt_ipv4_hdr, p, i)->dst); }
static inline uint8_t pkt_ip_ttl(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv4_hdr, p, i)->ttl; }
static inline uint8_t pkt_ip_p(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv4_hdr, p, i)->p; }
static inline uint16_t pkt_ip_len(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_ipv4_hdr, p, i)->len); }
static inline uint16_t pkt_ip_id(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_ipv4_hdr, p, i)->id); }
static inline uint8_t pkt_ip_hl(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv4_hdr, p, i)->v_hl & 0xf; }

static inline void pkt_ip_set_ttl(struct pkt *p, unsigned i, uint8_t v) { pkt_hdr_mut(p, i, 0)[8] = v; }
static inline void pkt_ip_set_src(struct pkt *p, unsigned i, uint32_t v) { pkt_store_be32(pkt_hdr_mut(p, i, 1) + 12, v); }
static inline void pkt_ip_set_dst(struct pkt *p, unsigned i, uint32_t v) { pkt_store_be32(pkt_hdr_mut(p, i, 1) + 16, v); }

/* IPv6 */
static inline const uint8_t *pkt_ip6_src(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv6_hdr, p, i)->src; }
static inline const uint8_t *pkt_ip6_dst(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv6_hdr, p, i)->dst; }
static inline uint8_t pkt_ip6_nxt(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv6_hdr, p, i)->nxt; }
static inline uint8_t pkt_ip6_hlim(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_ipv6_hdr, p, i)->hlim; }
static inline uint16_t pkt_ip6_dlen(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_ipv6_hdr, p, i)->dlen); }

static inline void pkt_ip6_set_hlim(struct pkt *p, unsigned i, uint8_t v) { pkt_hdr_mut(p, i, 0)[7] = v; }
static inline void pkt_ip6_set_src(struct pkt *p, unsigned i, const uint8_t v[16]) { memcpy(pkt_hdr_mut(p, i, 1) + 8, v, 16); }
static inline void pkt_ip6_set_dst(struct pkt *p, unsigned i, const uint8_t v[16]) { memcpy(pkt_hdr_mut(p, i, 1) + 24, v, 16); }

/* TCP */
static inline uint16_t pkt_tcp_sport(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_tcp_hdr, p, i)->sport); }
static inline uint16_t pkt_tcp_dport(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_tcp_hdr, p, i)->dport); }
static inline uint32_t pkt_tcp_seq(const struct pkt *p, unsigned i) { return pkt_load_be32(&PKT_HDR(pkt_tcp_hdr, p, i)->seq); }
static inline uint32_t pkt_tcp_ack(const struct pkt *p, unsigned i) { return pkt_load_be32(&PKT_HDR(pkt_tcp_hdr, p, i)->ack); }
static inline uint8_t pkt_tcp_flags(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_tcp_hdr, p, i)->flags; }
static inline uint8_t pkt_tcp_off(const struct pkt *p, unsigned i) { return PKT_HDR(pkt_tcp_hdr, p, i)->off_x2 >> 4; }
static inline uint16_t pkt_tcp_win(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_tcp_hdr, p, i)->win); }

static inline void pkt_tcp_set_sport(struct pkt *p, unsigned i, uint16_t v) { pkt_store_be16(pkt_hdr_mut(p, i, 0), v); }
static inline void pkt_tcp_set_dport(struct pkt *p, unsigned i, uint16_t v) { pkt_store_be16(pkt_hdr_mut(p, i, 0) + 2, v); }
static inline void pkt_tcp_set_seq(struct pkt *p, unsigned i, uint32_t v) { pkt_store_be32(pkt_hdr_mut(p, i, 0) + 4, v); }
static inline void pkt_tcp_set_ack(struct pkt *p, unsigned i, uint32_t v) { pkt_store_be32(pkt_hdr_mut(p, i, 0) + 8, v); }
static inline void pkt_tcp_set_flags(struct pkt *p, unsigned i, uint8_t v) { pkt_hdr_mut(p, i, 0)[13] = v; }

/* UDP */
static inline uint16_t pkt_udp_sport(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_udp_hdr, p, i)->sport); }
static inline uint16_t pkt_udp_dport(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_udp_hdr, p, i)->dport); }
static inline uint16_t pkt_udp_ulen(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_udp_hdr, p, i)->ulen); }

static inline void pkt_udp_set_sport(struct pkt *p, unsigned i, uint16_t v) { pkt_store_be16(pkt_hdr_mut(p, i, 0), v); }
static inline void pkt_udp_set_dport(struct pkt *p, unsigned i, uint16_t v) { pkt_store_be16(pkt_hdr_mut(p, i, 0) + 2, v); }

/* DNS: named after the fields (questions_amount...); the counts as the header states them */
static inline uint16_t pkt_dns_id(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->id); }
static inline uint16_t pkt_dns_flags(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->flags); }
static inline uint16_t pkt_dns_questions_amount(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->qdcount); }
static inline uint16_t pkt_dns_answers_amount(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->ancount); }
static inline uint16_t pkt_dns_authrr_amount(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->nscount); }
static inline uint16_t pkt_dns_addrr_amount(const struct pkt *p, unsigned i) { return pkt_load_be16(&PKT_HDR(pkt_dns_hdr, p, i)->arcount); }

#ifdef __cplusplus
}
#endif

#endif
