/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading and parsing from the file: the work of bench_parse (see work.h) on records as each reader
 * hands them out. libpkt's reader (pkt_pcap_next_batch) against libtins' FileSniffer, and
 * libpcap's pcap_next_ex feeding libpkt for reference. The file is in the page cache after the first
 * round; the median of BENCH_ROUNDS rounds is printed.
 *
 * usage: bench_read FILE
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include <pkt/pcap.h>
#include <pkt/pkt.h>

#include "bench.h"
#include "bench_tins.h"
#include "work.h"

/* Why 64: enough records per call to amortise it, few enough that they stay in cache. */
#define BATCH 64

static int
run_libpkt(const char *path, struct bench_work *w, size_t *ret_n)
{
        struct pkt_pcap_rec recs[BATCH];
        struct pkt_pcap *r;
        struct pkt p;
        size_t n = 0;
        int k;

        if ((k = pkt_pcap_open(path, &r)) < 0)
                return k;
        pkt_init(&p);
        while ((k = pkt_pcap_next_batch(r, recs, BATCH)) > 0) {
                for (int i = 0; i < k; i++)
                        work_libpkt(&p, recs[i].data, recs[i].caplen, recs[i].wire_len, w);
                n += (size_t)k;
        }
        pkt_done(&p);
        pkt_pcap_close(r);
        *ret_n = n;
        return k;
}

/* The reader feeding the hand-written loop: the most any parser could get out of this reader, which
 * tells how much of 10x libtins the reading leaves to the parsing. */
static int
run_reader_hand(const char *path, struct bench_work *w, size_t *ret_n)
{
        struct pkt_pcap_rec recs[BATCH];
        struct pkt_pcap *r;
        size_t n = 0;
        int k;

        if ((k = pkt_pcap_open(path, &r)) < 0)
                return k;
        while ((k = pkt_pcap_next_batch(r, recs, BATCH)) > 0) {
                for (int i = 0; i < k; i++)
                        work_hand(recs[i].data, recs[i].caplen, w);
                n += (size_t)k;
        }
        pkt_pcap_close(r);
        *ret_n = n;
        return k;
}

static int
run_pcap(const char *path, struct bench_work *w, size_t *ret_n)
{
        char err[PCAP_ERRBUF_SIZE];
        struct pcap_pkthdr *h;
        const u_char *data;
        struct pkt p;
        size_t n = 0;
        pcap_t *pc = pcap_open_offline(path, err);
        int k;

        if (!pc)
                return -1;
        pkt_init(&p);
        while ((k = pcap_next_ex(pc, &h, &data)) == 1) {
                work_libpkt(&p, data, h->caplen, h->len, w);
                n++;
        }
        pkt_done(&p);
        pcap_close(pc);
        *ret_n = n;
        return k == PCAP_ERROR_BREAK ? 0 : -1;
}

static int
run_tins(const char *path, struct bench_work *w, size_t *ret_n)
{
        return tins_read_file(path, w, ret_n);
}

typedef int (*run_fn)(const char *path, struct bench_work *w, size_t *ret_n);

static double
rate_of(run_fn fn, const char *path, struct bench_work *ret, size_t *ret_n)
{
        struct bench_work w = { 0 };
        size_t n = 0;
        double t0 = bench_now();

        if (fn(path, &w, &n) < 0) {
                fprintf(stderr, "reading %s failed\n", path);
                return 0;
        }
        double rate = (double)n / (bench_now() - t0);
        *ret = w;
        *ret_n = n;
        return rate;
}
int
main(int argc, char **argv)
{
        struct bench_work w_pkt, w_hand, w_pcap, w_tins;
        size_t n_pkt = 0, n_hand = 0, n_pcap = 0, n_tins = 0;

        if (argc != 2) {
                fprintf(stderr, "usage: %s FILE\n", argv[0]);
                return 2;
        }
        /* Turns within each round, as in bench_parse; ratios are medians of per-round ratios. */
        double pkt_r[100], hand_r[100], pcap_r[100], tins_r[100], vs_tins[100], vs_pcap[100], hand_vs_tins[100];
        unsigned rounds = bench_rounds();
        for (unsigned k = 0; k < rounds; k++) {
                pkt_r[k] = rate_of(run_libpkt, argv[1], &w_pkt, &n_pkt);
                hand_r[k] = rate_of(run_reader_hand, argv[1], &w_hand, &n_hand);
                pcap_r[k] = rate_of(run_pcap, argv[1], &w_pcap, &n_pcap);
                tins_r[k] = rate_of(run_tins, argv[1], &w_tins, &n_tins);
                vs_tins[k] = tins_r[k] > 0 ? pkt_r[k] / tins_r[k] : 0;
                vs_pcap[k] = pcap_r[k] > 0 ? pkt_r[k] / pcap_r[k] : 0;
                hand_vs_tins[k] = tins_r[k] > 0 ? hand_r[k] / tins_r[k] : 0;
        }
        double pkt = bench_median(pkt_r, rounds), hand = bench_median(hand_r, rounds), pcap = bench_median(pcap_r, rounds),
               tins = bench_median(tins_r, rounds);
        printf("bench_read: %zu packets from %s, median of %u rounds\n", n_pkt, argv[1], bench_rounds());
        bench_print_rate("libpkt reader + libpkt", pkt);
        bench_print_rate("libpkt reader + hand-written", hand);
        bench_print_rate("libpcap pcap_next_ex + libpkt", pcap);
        bench_print_rate("libtins FileSniffer", tins);
        printf("  ratio libpkt/libtins        %6.2fx (target >= 10)\n", bench_median(vs_tins, rounds));
        printf("  ratio libpkt/libpcap        %6.2fx (reference)\n", bench_median(vs_pcap, rounds));
        printf("  ratio reader+hand/libtins   %6.2fx (reference: the ceiling through this reader)\n",
               bench_median(hand_vs_tins, rounds));
        int ok = n_pkt == n_hand && n_pkt == n_pcap && n_pkt == n_tins &&
                 bench_work_equal("libpkt", &w_pkt, "hand", &w_hand) && bench_work_equal("libpkt", &w_pkt, "libpcap", &w_pcap) &&
                 bench_work_equal("libpkt", &w_pkt, "libtins", &w_tins);
        printf("  results agree: %s\n", ok ? "yes" : "NO");
        return ok && pkt > 0 ? 0 : 1;
}
