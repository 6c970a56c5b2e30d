/* SPDX-License-Identifier: BSD-3-Clause */
/* SCTP, private to libpkt: what sctp.c (the common header) and sctp_chunk.c (chunks) share. */
#ifndef PKT_SCTP_H
#define PKT_SCTP_H

#include <pkt/proto.h>

#define SCTP_HDR_LEN      12
#define SCTP_CHUNK_HDR    4
#define SCTP_DATA_HDR     16 /* chunk header, TSN, stream id, stream sequence, PPID */
#define SCTP_CHUNK_DATA   0
#define SCTP_PAD4(n)      (((n) + 3u) & ~3u)
/* Chunks walked per packet. Why 256: a jumbo frame (9000 bytes) of the smallest chunks a sender
 * bundles in practice (SACKs, DATA with a few bytes, 16-20 bytes each) holds fewer than 600, a normal
 * MTU under 100; a peer packing thousands of 4-byte chunks (suricata-verify sctp-max-chunks: 16143
 * ABORTs) only makes every reader of the packet walk them. The rest stays in the layer's bytes. */
#define SCTP_CHUNKS_MAX   256

/* Element sets of the sctp layer, in the descriptor's order. */
enum { SCTP_SET_CHUNKS, SCTP_SET_PARAMS, SCTP_SETS };

extern const struct pkt_elem_set pkt_sctp_elems[SCTP_SETS];

/* Iterators of the two sets (chunks of the packet; parameters of the chunks that carry them). */
int pkt_sctp_chunks_next(const struct pkt_view *v, struct pkt_elem *e);
int pkt_sctp_params_next(const struct pkt_view *v, struct pkt_elem *e);

/* Encodes a chunk ("data(tsn=1,ppid=46,data=\"x\")") or a parameter ("ipv4(addr=192.0.2.1)"),
 * padded to 4 bytes. Returns its length (with padding), -EINVAL, -ENOENT, -ERANGE or -EMSGSIZE. */
int pkt_sctp_chunk_build(const char *text, uint8_t *out, size_t size);
int pkt_sctp_param_build(const char *text, uint8_t *out, size_t size);

/* Whether chunk type @type carries parameters (TLVs), and where they start in the chunk. */
bool pkt_sctp_chunk_has_params(uint8_t type, uint32_t *ret_start);

/* CRC-32c (Castagnoli) over @len bytes, as RFC 9260 appendix B computes it (not yet byte-swapped). */
uint32_t pkt_crc32c(uint32_t crc, const uint8_t *b, size_t len);

#endif
