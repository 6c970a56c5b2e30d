/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-packet work of bench_parse and bench_read, written twice: through libpkt's public API the way
 * a user would, and as the hand-written loop libpkt is measured against.
 */
#ifndef PKTD_BENCH_WORK_H
#define PKTD_BENCH_WORK_H

#include <pkt/hdr.h>
#include <pkt/pkt.h>

#include "bench.h"

/*
 * libpkt: lazy parse up to the transport layer and no further, ports through the typed accessors, then
 * for DNS (a UDP port 53, as the others) the four section counts through the typed accessors (they agree with the fields by name:
 * tests/unit/layers/test_alloc.c checks it on the corpus). The transport is the first TCP or UDP layer:
 * pkt_layer_find_any() walks to it in one call without dissecting past it.
 */
static inline void
work_libpkt(struct pkt *p, const uint8_t *data, uint32_t caplen, uint32_t wire_len, struct bench_work *w)
{
        static const unsigned transports[] = { PKT_PROTO_TCP, PKT_PROTO_UDP };
        const struct pkt_layer *l;
        int i;

        pkt_parse(p, PKT_PROTO_ETHERNET, data, caplen, wire_len);
        i = pkt_layer_find_any(p, transports, 2, 1);
        if (i < 0)
                return;
        l = pkt_layer(p, (unsigned)i);
        if (l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED))
                return;
        if (l->proto == PKT_PROTO_TCP) {
                w->tcp++;
                w->port_sum += pkt_tcp_sport(p, i) + pkt_tcp_dport(p, i);
                return;
        }
        uint16_t sport = pkt_udp_sport(p, i), dport = pkt_udp_dport(p, i);
        w->udp++;
        w->port_sum += sport + dport;
        /* DNS where the other loops look for it, on port 53: asking for the layer above any other
         * port would have libpkt guess it by its bytes (the heuristics), work they do not do. */
        if (sport != 53 && dport != 53)
                return;
        l = pkt_layer(p, (unsigned)i + 1u);
        if (!l || l->proto != PKT_PROTO_DNS || (l->flags & (PKT_LAYER_TRUNCATED | PKT_LAYER_MALFORMED)))
                return;
        w->dns++;
        w->dns_records += (uint64_t)pkt_dns_questions_amount(p, i + 1) + pkt_dns_answers_amount(p, i + 1) +
                          pkt_dns_authrr_amount(p, i + 1) + pkt_dns_addrr_amount(p, i + 1);
}

static inline uint32_t
min_u32(uint32_t a, uint32_t b)
{
        return a < b ? a : b;
}

static inline uint16_t
ld16(const uint8_t *b)
{
        return (uint16_t)(b[0] << 8 | b[1]);
}

/*
 * Hand-written: switch on the ethertype (through 802.1Q tags), IPv4 (unfragmented) or IPv6 (no
 * extension headers) to the ports, DNS counts from the 12-byte header. Every read is bounds-checked, as
 * any parser of untrusted captures must be.
 */
static inline void
work_hand(const uint8_t *b, uint32_t len, struct bench_work *w)
{
        uint32_t off = 14, l4_len;
        uint16_t type;
        uint8_t proto;

        if (len < 14)
                return;
        type = ld16(b + 12);
        for (unsigned tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 4; tags++) {
                if (len < off + 4)
                        return;
                type = ld16(b + off + 2);
                off += 4;
        }
        switch (type) {
        case 0x0800: {
                if (len < off + 20 || (b[off] >> 4) != 4)
                        return;
                uint32_t hl = (b[off] & 0xfu) * 4u, total = ld16(b + off + 2);
                if (hl < 20 || total < hl || len < off + hl || (ld16(b + off + 6) & 0x3fff))
                        return;
                proto = b[off + 9];
                l4_len = min_u32(total, len - off) - hl;
                off += hl;
                break;
        }
        case 0x86dd:
                if (len < off + 40)
                        return;
                proto = b[off + 6];
                l4_len = min_u32(ld16(b + off + 4), len - off - 40);
                off += 40;
                break;
        default:
                return;
        }
        if (proto == 6) {
                if (l4_len < 20 || (b[off + 12] >> 4) * 4u > l4_len || (b[off + 12] >> 4) < 5)
                        return;
                w->tcp++;
                w->port_sum += ld16(b + off) + ld16(b + off + 2);
        } else if (proto == 17) {
                if (l4_len < 8)
                        return;
                uint16_t sport = ld16(b + off), dport = ld16(b + off + 2);
                w->udp++;
                w->port_sum += sport + dport;
                if ((sport == 53 || dport == 53) && l4_len >= 8 + 12) {
                        const uint8_t *d = b + off + 8;
                        w->dns++;
                        w->dns_records += (uint64_t)ld16(d + 4) + ld16(d + 6) + ld16(d + 8) + ld16(d + 10);
                }
        }
}

#endif
