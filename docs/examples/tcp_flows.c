/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: read a capture and print "ts: src:sport -> dst:dport" for every TCP packet, the way a tool
 * walking millions of packets would: one struct pkt on the stack reused for every packet, records read
 * in batches straight from the mapped file, typed accessors for the hot fields. No allocation per packet.
 *
 *   example_tcp_flows FILE
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include <pkt/hdr.h>
#include <pkt/pcap.h>
#include <pkt/pkt.h>

static void
print_addr(const struct pkt *p, int ip, int ip6, int is_src, char *buf, size_t size)
{
        if (ip >= 0) {
                uint32_t a = htonl(is_src ? pkt_ip_src(p, (unsigned)ip) : pkt_ip_dst(p, (unsigned)ip));
                inet_ntop(AF_INET, &a, buf, (socklen_t)size);
        } else {
                inet_ntop(AF_INET6, is_src ? pkt_ip6_src(p, (unsigned)ip6) : pkt_ip6_dst(p, (unsigned)ip6), buf,
                          (socklen_t)size);
        }
}

int
main(int argc, char **argv)
{
        struct pkt_pcap *r;
        struct pkt_pcap_rec recs[64];
        struct pkt p;
        unsigned n_tcp = 0;
        int n;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE\n", argv[0]);
                return 2;
        }
        if (pkt_pcap_open(argv[1], &r) < 0) {
                fprintf(stderr, "%s: cannot read\n", argv[1]);
                return 1;
        }
        pkt_init(&p);
        while ((n = pkt_pcap_next_batch(r, recs, 64)) > 0) {
                for (int i = 0; i < n; i++) {
                        char src[64], dst[64];
                        pkt_parse_dlt(&p, recs[i].linktype, recs[i].data, recs[i].caplen, recs[i].wire_len);
                        int tcp = pkt_layer_find(&p, PKT_PROTO_TCP, 0);
                        if (tcp < 0 || p.layers[tcp].hdr_len < 20)
                                continue;
                        int ip = pkt_layer_below(&p, (unsigned)tcp, PKT_PROTO_IP);
                        int ip6 = ip < 0 ? pkt_layer_below(&p, (unsigned)tcp, PKT_PROTO_IP6) : -1;
                        if (ip < 0 && ip6 < 0)
                                continue;
                        print_addr(&p, ip, ip6, 1, src, sizeof(src));
                        print_addr(&p, ip, ip6, 0, dst, sizeof(dst));
                        printf("%" PRId64 ".%06u: %s:%u -> %s:%u\n", recs[i].ts_sec, recs[i].ts_nsec / 1000, src,
                               pkt_tcp_sport(&p, (unsigned)tcp), dst, pkt_tcp_dport(&p, (unsigned)tcp));
                        n_tcp++;
                }
        }
        pkt_pcap_close(r);
        if (n < 0) {
                fprintf(stderr, "%s: damaged after the packets shown\n", argv[1]);
                return 1;
        }
        return n_tcp > 0 ? 0 : 1; /* the sample capture has TCP: finding none is a failure */
}
