/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What IGMPv3 (RFC 3376) and MLDv2 (RFC 3810) share, but for the width of an address (4 or 16 bytes):
 * a query's source list and a report's group records.
 *
 *  Group record (RFC 3376 4.2.4, RFC 3810 5.2.4):
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Record Type  |  Aux Data Len |     Number of Sources (N)     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Multicast Address (4 or 16 bytes)            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Source Address [1..N]                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Auxiliary Data (Aux Data Len words)        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#ifndef PKT_NET_GROUP_REC_H
#define PKT_NET_GROUP_REC_H

#include "internal.h"

/* Record type, aux data length and source count: the bytes before the multicast address. */
#define GROUP_REC_FIXED 4

/* The bytes the first @n records from @start take, or PKT_LEN_REST when the capture ends first (the
 * report then walks what there is). Bounded: each record is at least GROUP_REC_FIXED + @addr_len. */
uint32_t group_records_len(const struct pkt_view *v, uint32_t start, uint32_t n, uint32_t addr_len);

/* How many whole records lie between @start and @end (what a report being built holds, before its
 * count is written). */
uint32_t group_records_count(const struct pkt_view *v, uint32_t start, uint32_t end, uint32_t addr_len);

/* The records' iterator (struct pkt_elem_set's next): up to @n records from offset @start to the end
 * of the layer. A record with sources gets @srcs (one bytes field) as its kind field, after its
 * multicast address. */
int group_record_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t start, uint32_t n,
                      uint32_t addr_len, const struct pkt_field *srcs);

/* The sources' iterator: @n addresses from offset @first. */
int group_source_next(const struct pkt_view *v, struct pkt_elem *e, uint32_t first, uint32_t n,
                      uint32_t addr_len);

/* Builds a record from "rec(type=..,maddr=..,src=..,src=..)" (or "record(...)"): @fields are the
 * record's fields by name, @addr an address field of the right width. N follows the sources unless
 * given; the auxiliary data words are zero (neither RFC defines any). Returns the bytes written. */
int group_record_build(const char *text, uint8_t *out, size_t size, uint32_t addr_len,
                       const struct pkt_field *fields, unsigned n_fields, const struct pkt_field *addr);

/* Builds a source from "src(ADDR)", "src(src=ADDR)" or a bare address. Returns the bytes written. */
int group_source_build(const char *text, uint8_t *out, size_t size, uint32_t addr_len,
                       const struct pkt_field *addr);

#endif
