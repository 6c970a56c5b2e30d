/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing from memory: the whole capture is loaded first (one pointer per record), then each contender
 * parses every packet to the transport layer and reads DNS section counts (see work.h). Prints packets/s
 * per contender (median of BENCH_ROUNDS rounds) and libpkt's ratios to the others.
 *
 * usage: bench_parse FILE
 */
#include <stdio.h>
#include <string.h>

#include <pkt/pkt.h>

#include "bench.h"
#include "bench_tins.h"
#include "work.h"

/* Why 8: far enough ahead to hide a miss on the next record, near enough to stay in L1 (4 to 24 measured
 * the same). */
#define PREFETCH_AHEAD 8

/* Not inlined, so that `valgrind --tool=callgrind --toggle-collect='run_libpkt*'` (or run_hand) counts one
 * contender's instructions alone (README.md). */
static __attribute__((noinline)) void
run_libpkt(const struct bench_file *f, struct bench_work *w)
{
        struct pkt p;

        pkt_init(&p);
        for (size_t i = 0; i < f->n; i++) {
                if (i + PREFETCH_AHEAD < f->n)
                        bench_prefetch_headers(f->recs[i + PREFETCH_AHEAD].data);
                work_libpkt(&p, f->recs[i].data, f->recs[i].caplen, f->recs[i].wire_len, w);
        }
        pkt_done(&p);
}

static __attribute__((noinline)) void
run_hand(const struct bench_file *f, struct bench_work *w)
{
        for (size_t i = 0; i < f->n; i++) {
                if (i + PREFETCH_AHEAD < f->n)
                        bench_prefetch_headers(f->recs[i + PREFETCH_AHEAD].data);
                work_hand(f->recs[i].data, f->recs[i].caplen, w);
        }
}

static void
run_tins(const struct bench_file *f, struct bench_work *w)
{
        tins_parse_all(f->recs, f->n, w);
}

typedef void (*run_fn)(const struct bench_file *f, struct bench_work *w);

static double
rate_of(run_fn fn, const struct bench_file *f, struct bench_work *ret)
{
        struct bench_work w = { 0 };
        double t0 = bench_now();

        fn(f, &w);
        double rate = (double)f->n / (bench_now() - t0);
        *ret = w;
        return rate;
}
int
main(int argc, char **argv)
{
        struct bench_work w_pkt, w_hand, w_tins;
        struct bench_file f;
        int r;

        if (argc != 2) {
                fprintf(stderr, "usage: %s FILE\n", argv[0]);
                return 2;
        }
        r = bench_file_load(argv[1], &f);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        /* The contenders take turns within each round, so that a busy machine slows them alike; the
         * ratios are the medians of the per-round ratios. */
        double pkt_r[100], hand_r[100], tins_r[100], vs_tins[100], vs_hand[100];
        unsigned rounds = bench_rounds();
        for (unsigned k = 0; k < rounds; k++) {
                pkt_r[k] = rate_of(run_libpkt, &f, &w_pkt);
                hand_r[k] = rate_of(run_hand, &f, &w_hand);
                tins_r[k] = rate_of(run_tins, &f, &w_tins);
                vs_tins[k] = pkt_r[k] / tins_r[k];
                vs_hand[k] = pkt_r[k] / hand_r[k];
        }
        double pkt = bench_median(pkt_r, rounds), hand = bench_median(hand_r, rounds),
               tins = bench_median(tins_r, rounds);
        printf("bench_parse: %zu packets in memory, median of %u rounds\n", f.n, bench_rounds());
        printf("  work: tcp %llu udp %llu dns %llu dns records %llu\n", (unsigned long long)w_pkt.tcp,
               (unsigned long long)w_pkt.udp, (unsigned long long)w_pkt.dns,
               (unsigned long long)w_pkt.dns_records);
        bench_print_rate("libpkt", pkt);
        bench_print_rate("hand-written C", hand);
        bench_print_rate("libtins", tins);
        printf("  ratio libpkt/libtins        %6.2fx (target >= 5)\n", bench_median(vs_tins, rounds));
        printf("  ratio libpkt/hand-written   %6.2fx (target >= 0.5)\n", bench_median(vs_hand, rounds));
        r = bench_work_equal("libpkt", &w_pkt, "hand", &w_hand) && bench_work_equal("libpkt", &w_pkt, "libtins", &w_tins);
        printf("  results agree: %s\n", r ? "yes" : "NO");
        bench_file_free(&f);
        return r ? 0 : 1;
}
