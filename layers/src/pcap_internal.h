/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to libpkt: the capture-file reader's state, shared by pcap_read.c (classic pcap, from a
 * map, borrowed memory or a stream) and pcap_libpcap.c (everything else, through libpcap). */
#ifndef PKT_PCAP_INTERNAL_H
#define PKT_PCAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pkt/pcap.h>

/* Classic pcap file header and record header sizes (draft-ietf-opsawg-pcap §4, §5). */
#define PCAP_FILE_HDR_LEN 24
#define PCAP_REC_HDR_LEN  16

/* The file header's LinkType field (draft-ietf-opsawg-pcap §4): the link type in the low 16 bits;
 * bit 26 (F) says the frames end in a frame check sequence of the 16-bit words in bits 28-31. */
/* clang-format off */
#define PCAP_LT_TYPE(x)        ((x) & 0x0000ffffu)
#define PCAP_LT_FCS_PRESENT(x) ((x) & 0x04000000u)
#define PCAP_LT_FCS_WORDS(x)   (((x) & 0xf0000000u) >> 28)
#define PCAP_LT_FCS(words)     (0x04000000u | (uint32_t)(words) << 28)
#define PCAP_FCS_WORDS_MAX     15u
/* clang-format on */

enum pcap_src {
        PCAP_SRC_MAP,     /* classic pcap, mmap()ed file that cannot shrink (a sealed memfd) */
        PCAP_SRC_MEM,     /* classic pcap, caller's memory */
        PCAP_SRC_STREAM,  /* classic pcap, read() from a file or a pipe */
        PCAP_SRC_LIBPCAP, /* anything else, through libpcap */
};

/* How caplen and wire length are stored, as libpcap decides from the version (sf-pcap.c): files
 * older than 2.3 wrote them the other way round; 2.3 files may be either. */
enum pcap_len_order {
        PCAP_LEN_NORMAL,
        PCAP_LEN_SWAPPED,
        PCAP_LEN_MAYBE_SWAPPED,
};

struct pkt_pcap {
        enum pcap_src src;
        int err; /* sticky: once the file is found damaged, every later call returns it */

        /* Classic pcap: records are walked in buf[off..len). */
        const uint8_t *buf;
        size_t len;
        size_t off;
        size_t pf_off;    /* prefetched up to here (a hint: may run past len) */
        uint64_t buf_pos; /* file offset of buf[0] (moves as a stream is compacted) */
        bool is_swapped;  /* file written in the other byte order */
        bool is_nsec;
        enum pcap_len_order len_order;
        uint32_t snaplen;    /* effective, as libpcap adjusts it */
        uint32_t caplen_max; /* a record claiming more is corrupt */
        uint32_t lt_field;   /* the whole link-type field: link type and FCS bits */
        int linktype;        /* DLT_* */

        void *map; /* PCAP_SRC_MAP */
        size_t map_len;

        int fd; /* PCAP_SRC_STREAM; -1 otherwise */
        uint8_t *sbuf;
        size_t scap;
        bool is_eof;

        void *lp; /* pcap_t *, PCAP_SRC_LIBPCAP */
};

/* pcap_libpcap.c. Opens the stream @f (ownership passes to the reader, on failure too) through
 * libpcap. Returns 0, -EBADMSG, -ENOMEM. */
struct pkt_pcap;
int pcap_lib_open(struct pkt_pcap *r, void *f);
int pcap_lib_next(struct pkt_pcap *r, struct pkt_pcap_rec *rec);
uint64_t pcap_lib_offset(const struct pkt_pcap *r);
void pcap_lib_close(struct pkt_pcap *r);

/* A FILE that returns @prefix (copied), then reads @fd (owned): libpcap can be handed a pipe whose
 * first bytes we consumed to look at the magic. NULL with errno set on failure (@fd closed). */
void *pcap_lib_fdopen_prefixed(int fd, const uint8_t *prefix, size_t prefix_len);

/* LINKTYPE_* (file) <-> DLT_* (API), as libpcap's linktype_to_dlt()/dlt_to_linktype() on Linux. */
int pcap_linktype_to_dlt(uint32_t linktype);
uint32_t pcap_dlt_to_linktype(int dlt);

#endif
