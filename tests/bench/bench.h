/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the benchmarks: a classic-pcap loader that keeps the whole file in memory with one pointer
 * per record (so parsing benchmarks measure parsing, not I/O), a monotonic clock, medians, and the
 * per-packet "work" every contender must compute identically so that none can skip any of it.
 */
#ifndef PKTD_BENCH_H
#define PKTD_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One record of a loaded capture: points into the file image. */
struct bench_rec {
        const uint8_t *data;
        uint32_t caplen;
        uint32_t wire_len;
};

struct bench_file {
        uint8_t *image; /* the whole file */
        size_t size;
        struct bench_rec *recs;
        size_t n;
        int linktype;
};

/* Reads the classic pcap @path into @f. Returns 0 or a negative errno (-EBADMSG: not classic pcap). */
int bench_file_load(const char *path, struct bench_file *f);
void bench_file_free(struct bench_file *f);

/*
 * What every contender computes per packet: L4 counts, a sum of the ports (so the reads cannot be
 * optimised away), DNS messages and the sum of their four section counts. Equal totals across
 * contenders are checked before any number is printed.
 */
struct bench_work {
        uint64_t tcp;
        uint64_t udp;
        uint64_t port_sum;
        uint64_t dns;
        uint64_t dns_records;
};

/* How many packets ahead the loops prefetch: far enough to hide a miss, near enough to stay in L1 (4 to
 * 24 measured the same). */
#define BENCH_PREFETCH_AHEAD 8

/*
 * Prefetches the headers of a packet at @data: the line it starts in and the next, as Ethernet, IP and
 * TCP headers (54 to 86 bytes) usually straddle two lines. Both contenders of a loop call it alike.
 */
static inline void
bench_prefetch_headers(const uint8_t *data)
{
        __builtin_prefetch(data);
        __builtin_prefetch(data + 64);
}

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Median of @n values (sorts @v in place). */
double bench_median(double *v, size_t n);

/* Whether two work totals agree; prints both to stderr when they do not. */
int bench_work_equal(const char *a_name, const struct bench_work *a, const char *b_name,
                     const struct bench_work *b);

/* Prints "name  N pkt/s" lines consistently. */
void bench_print_rate(const char *name, double pps);

/* Number of timed rounds (median reported): BENCH_ROUNDS from the environment, default 5. */
unsigned bench_rounds(void);

#ifdef __cplusplus
}
#endif

#endif
