/* SPDX-License-Identifier: BSD-3-Clause */
/* The libtins contender (bench_tins.cpp), callable from C. */
#ifndef PKTD_BENCH_TINS_H
#define PKTD_BENCH_TINS_H

#include "bench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The packet every craft contender builds: Ethernet / IPv4 (DF, TTL 64, id 0) / TCP (PSH|ACK, window
 * 8192, seq = i, ack 1, sport = base + i % 1024) / 64 zero payload bytes, both checksums computed. */
#define BENCH_CRAFT_PAYLOAD 64
#define BENCH_CRAFT_IP_SRC "192.0.2.1"
#define BENCH_CRAFT_IP_DST "198.51.100.2"
#define BENCH_CRAFT_DPORT 80
#define BENCH_CRAFT_SPORT_BASE 40000

/* Parses every record as Ethernet and adds the work to @w. */
void tins_parse_all(const struct bench_rec *recs, size_t n, struct bench_work *w);

/* Reads @path with FileSniffer doing the same work. Returns 0 (packets in *@ret_n) or -1. */
int tins_read_file(const char *path, struct bench_work *w, size_t *ret_n);

/* Builds and serialises @n packets; returns a sum of their TCP checksums and copies the last packet
 * to @last (at least 256 bytes) when not NULL. */
uint64_t tins_craft(size_t n, uint8_t *last, size_t *last_len);

#ifdef __cplusplus
}
#endif

#endif
