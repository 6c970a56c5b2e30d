/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing from memory: the whole capture is loaded first (one pointer per record), then each contender
 * parses every packet to the transport layer and reads DNS section counts (see work.h). Prints packets/s
 * per contender (median of BENCH_ROUNDS rounds) and libpkt's ratios to the others.
 *
 * usage: bench_parse FILE [--layouts]
 *
 * --layouts: also times libpkt and the hand-written loop on three arrangements of the same kind of
 * packets, to tell where time goes: the file's (as above), 4,096 of its packets in a buffer that stays
 * in cache visited in random order (no memory misses, as many mispredicted branches as the file), and
 * the same 4,096 visited in order over and over (no misses, and a predictor that learns the sequence).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pkt/pkt.h>

#include "bench.h"
#include "bench_tins.h"
#include "work.h"


/* Not inlined, so that `valgrind --tool=callgrind --toggle-collect='run_libpkt*'` (or run_hand) counts one
 * contender's instructions alone (README.md). */
static __attribute__((noinline)) void
run_libpkt(const struct bench_file *f, struct bench_work *w)
{
        struct pkt p;

        pkt_init(&p);
        for (size_t i = 0; i < f->n; i++) {
                if (i + BENCH_PREFETCH_AHEAD < f->n)
                        bench_prefetch_headers(f->recs[i + BENCH_PREFETCH_AHEAD].data);
                work_libpkt(&p, f->recs[i].data, f->recs[i].caplen, f->recs[i].wire_len, w);
        }
        pkt_done(&p);
}

static __attribute__((noinline)) void
run_hand(const struct bench_file *f, struct bench_work *w)
{
        for (size_t i = 0; i < f->n; i++) {
                if (i + BENCH_PREFETCH_AHEAD < f->n)
                        bench_prefetch_headers(f->recs[i + BENCH_PREFETCH_AHEAD].data);
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
/* The cache-resident arrangements of --layouts (see the top of the file). */
#define LAYOUT_PACKETS 4096u
#define LAYOUT_SLOT    1600u /* bytes per packet in the buffer: the largest frame, rounded up */

static double
best_ns(run_fn fn, const struct bench_file *f)
{
        double best = 1e300;

        for (unsigned k = 0; k < bench_rounds(); k++) {
                struct bench_work w;
                double ns = 1e9 / rate_of(fn, f, &w);
                best = ns < best ? ns : best;
        }
        return best;
}

/* Record @k of @f as copied into slot @k of @buf. */
static struct bench_rec
slot_rec(const struct bench_file *f, uint8_t *buf, size_t k)
{
        uint32_t caplen = f->recs[k].caplen < LAYOUT_SLOT ? f->recs[k].caplen : LAYOUT_SLOT;

        return (struct bench_rec){ buf + k * LAYOUT_SLOT, caplen, f->recs[k].wire_len };
}

static int
print_layouts(const struct bench_file *f)
{
        size_t m = f->n < LAYOUT_PACKETS ? f->n : LAYOUT_PACKETS;
        uint8_t *buf = malloc(m * LAYOUT_SLOT);
        struct bench_rec *shuffled = malloc(f->n * sizeof(*shuffled)), *cyclic = malloc(f->n * sizeof(*cyclic));
        uint64_t x = 0x9e3779b97f4a7c15ull;

        if (!buf || !shuffled || !cyclic) {
                free(buf), free(shuffled), free(cyclic);
                return -1;
        }
        for (size_t i = 0; i < m; i++)
                memcpy(buf + i * LAYOUT_SLOT, f->recs[i].data, slot_rec(f, buf, i).caplen);
        for (size_t i = 0; i < f->n; i++) {
                /* xorshift64: a fixed sequence, no pattern a branch predictor can learn */
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                shuffled[i] = slot_rec(f, buf, x % m);
                cyclic[i] = slot_rec(f, buf, i % m);
        }
        const struct {
                const char *name;
                struct bench_rec *recs;
        } layouts[] = {
                { "the file, in order", f->recs },
                { "4,096 in cache, random order", shuffled },
                { "4,096 in cache, in order", cyclic },
        };
        printf("bench_parse --layouts: best of %u rounds, ns per packet\n", bench_rounds());
        for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++) {
                struct bench_file v = *f;
                v.recs = layouts[k].recs;
                double lp = best_ns(run_libpkt, &v), hd = best_ns(run_hand, &v);
                printf("  %-30s libpkt %6.1f  hand-written %6.1f\n", layouts[k].name, lp, hd);
        }
        free(buf), free(shuffled), free(cyclic);
        return 0;
}

int
main(int argc, char **argv)
{
        struct bench_work w_pkt, w_hand, w_tins;
        struct bench_file f;
        int r;

        bool layouts = argc == 3 && strcmp(argv[2], "--layouts") == 0;
        if (argc != 2 && !layouts) {
                fprintf(stderr, "usage: %s FILE [--layouts]\n", argv[0]);
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
        if (layouts && print_layouts(&f) < 0)
                r = 0;
        bench_file_free(&f);
        return r ? 0 : 1;
}
