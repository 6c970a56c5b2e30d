/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: read a capture, lower every IPv4 TTL by one and rewrite every UDP destination port 53 to 5353,
 * and write the result to a new capture. The edits happen in place on a writable view; serialising
 * refreshes just the checksums the edits touched, nothing is rebuilt.
 *
 *   example_modify_write IN OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/hdr.h>
#include <pkt/pcap.h>
#include <pkt/pkt.h>

int
main(int argc, char **argv)
{
        struct pkt_pcap *r;
        struct pkt_pcap_writer *w;
        struct pkt_pcap_rec rec;
        struct pkt p;
        unsigned n_changed = 0;
        int n;

        if (argc < 3) {
                fprintf(stderr, "usage: %s IN OUT\n", argv[0]);
                return 2;
        }
        if (pkt_pcap_open(argv[1], &r) < 0)
                return 1;
        if (pkt_pcap_writer_open(argv[2], pkt_pcap_linktype(r), 262144, pkt_pcap_is_nsec(r), &w) < 0) {
                pkt_pcap_close(r);
                return 1;
        }
        pkt_init(&p);
        while ((n = pkt_pcap_next(r, &rec)) > 0) {
                /* The reader's bytes are read-only: edit a copy of this record. */
                uint8_t *buf = malloc(rec.caplen ? rec.caplen : 1);
                const uint8_t *out;
                if (!buf)
                        break;
                memcpy(buf, rec.data, rec.caplen);
                int first = pkt_proto_for_frame(rec.linktype, buf, rec.caplen);
                pkt_parse_writable(&p, first < 0 ? PKT_PROTO_RAW : (unsigned)first, buf, rec.caplen, rec.wire_len);
                int ip = pkt_layer_find(&p, PKT_PROTO_IP, 0);
                if (ip >= 0 && p.layers[ip].hdr_len >= 20 && pkt_ip_ttl(&p, (unsigned)ip) > 0) {
                        pkt_ip_set_ttl(&p, (unsigned)ip, (uint8_t)(pkt_ip_ttl(&p, (unsigned)ip) - 1));
                        n_changed++;
                }
                int udp = pkt_layer_find(&p, PKT_PROTO_UDP, 0);
                if (udp >= 0 && p.layers[udp].hdr_len >= 8 && pkt_udp_dport(&p, (unsigned)udp) == 53)
                        pkt_udp_set_dport(&p, (unsigned)udp, 5353);
                struct pkt_pcap_rec o = rec;
                o.caplen = (uint32_t)pkt_serialize(&p, 0, &out);
                o.data = out;
                int wr = pkt_pcap_write(w, &o);
                free(buf);
                if (wr < 0)
                        break;
        }
        pkt_pcap_close(r);
        if (pkt_pcap_writer_close(w) < 0 || n < 0)
                return 1;
        printf("%u packets changed\n", n_changed);
        return n_changed > 0 ? 0 : 1;
}
