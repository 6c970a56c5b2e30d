/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_json FILE [MAX] [ROUNDS] [FORM]: packets per second through libpktproto's JSON writer, one
 * thread. The capture's first MAX records (default 200,000) are copied into memory first; each round
 * then parses every packet (pkt_parse_dlt) and writes it into one reused buffer, as pktd's streams
 * do: FORM "packet" (the default) its dissection ({"caplen","len","layers"}) with pktp_packet_write;
 * "layers", "summary" or "raw" the Captured object of a Subscribe reply with pktp_captured_write. Prints each round's rate by
 * thread CPU time (what a loaded machine does not distort much) and by wall time, and the median.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pkt/pcap.h>
#include <pkt/pkt.h>
#include <pktp/packet.h>

struct rec {
        uint8_t *data;
        uint32_t caplen, wire_len;
        int linktype;
};

static double
seconds(clockid_t clock)
{
        struct timespec t;

        clock_gettime(clock, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
        size_t max = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000, n = 0, cap = 1024;
        int rounds = argc > 3 ? atoi(argv[3]) : 5;
        const char *form_name = argc > 4 ? argv[4] : "packet";
        bool is_captured = strcmp(form_name, "packet") != 0;
        enum pktp_form form = PKTP_FORM_LAYERS;
        struct pkt_pcap *r;
        struct pkt_pcap_rec pr;
        struct rec *recs = malloc(cap * sizeof(*recs));

        if (argc < 2 || rounds < 1 || rounds > 99 || !recs ||
            (is_captured && pktp_form_from_name(form_name, &form) < 0)) {
                fprintf(stderr, "usage: bench_json FILE [MAX] [ROUNDS] [packet|layers|summary|raw]\n");
                return 2;
        }
        if (pkt_pcap_open(argv[1], &r) < 0) {
                fprintf(stderr, "bench_json: cannot read %s\n", argv[1]);
                return 1;
        }
        while (n < max && pkt_pcap_next(r, &pr) == 1) {
                if (n == cap) {
                        struct rec *g = realloc(recs, 2 * cap * sizeof(*recs));
                        if (!g)
                                return 1;
                        recs = g;
                        cap *= 2;
                }
                recs[n] = (struct rec){ .data = malloc(pr.caplen ? pr.caplen : 1), .caplen = pr.caplen,
                                        .wire_len = pr.wire_len, .linktype = pr.linktype };
                if (!recs[n].data)
                        return 1;
                memcpy(recs[n].data, pr.data, pr.caplen);
                n++;
        }
        pkt_pcap_close(r);
        if (n == 0) {
                fprintf(stderr, "bench_json: no packets in %s\n", argv[1]);
                return 1;
        }

        struct pkt p;
        struct pktp_buf b;
        double rates[99];
        pkt_init(&p);
        pktp_buf_init(&b, 64u << 20);
        for (int k = 0; k < rounds; k++) {
                size_t bytes = 0;
                double c0 = seconds(CLOCK_THREAD_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
                for (size_t i = 0; i < n; i++) {
                        pkt_parse_dlt(&p, recs[i].linktype, recs[i].data, recs[i].caplen, recs[i].wire_len);
                        pktp_buf_reset(&b);
                        struct pktp_captured c = { .ts_ns = i, .p = &p, .form = form };
                        if ((is_captured ? pktp_captured_write(&b, &c) : pktp_packet_write(&b, &p)) < 0) {
                                fprintf(stderr, "bench_json: packet %zu: write failed\n", i + 1);
                                return 1;
                        }
                        bytes += b.len;
                }
                double cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - c0, wall = seconds(CLOCK_MONOTONIC) - w0;
                rates[k] = (double)n / cpu;
                printf("round %d: %zu packets, %.0f pkts/s CPU (%.0f ns/pkt), %.0f pkts/s wall, %.0f JSON bytes/pkt\n",
                       k + 1, n, rates[k], cpu / (double)n * 1e9, (double)n / wall, (double)bytes / (double)n);
        }
        qsort(rates, (size_t)rounds, sizeof(rates[0]), cmp_double);
        printf("%s: median %.0f packets/s (parse + %s, one thread, CPU time)\n", argv[1], rates[rounds / 2],
               is_captured ? form_name : "pktp_packet_write");
        pktp_buf_done(&b);
        pkt_done(&p);
        for (size_t i = 0; i < n; i++)
                free(recs[i].data);
        free(recs);
        return 0;
}
